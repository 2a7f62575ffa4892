// The Adapter for X (platforms doc §1): POST /2/tweets with reply chains,
// v2 chunked media upload, twitter-text v3 length. Publishing lives in
// x_publish.cpp and x_media.cpp, answer classification in x_errors.cpp.
#include "adapters/x/x_adapter.hpp"

#include <nlohmann/json.hpp>

#include "adapters/x/x_internal.hpp"
#include "adapters/x/x_publish.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "text/twitter_text.hpp"

namespace postsched::adapters {
namespace {

using namespace x;

constexpr const char* k_default_base = "https://api.x.com";

class XAdapter final : public Adapter {
  public:
    XAdapter(const AdapterContext& context, const XTuning& tuning)
        : m_http(context.http),
          m_clock(context.clock),
          m_platform(context.platform),
          m_tuning(tuning) {}

    AccountProfile verify_account(const Account& account, const std::string& access_token) override;
    ContentVerdict check_text(const Account& account, std::string_view text,
                              std::string_view options_json) const override;
    MediaRules media_rules(const Account& account) const override;
    bool supports_threads() const override { return true; }
    Outcome publish(const PublishRequest& request, const SaveState& save) override;
    Outcome settle(const PublishRequest& request, const SaveState& save,
                   Instant sending_since) override;

  private:
    Api api(const std::string& token) const {
        return make_api(m_http, m_clock,
                        m_platform.api_base.empty() ? k_default_base : m_platform.api_base, token,
                        m_platform.timeout);
    }

    net::HttpClient& m_http;
    const Clock& m_clock;
    const config::PlatformConfig& m_platform;
    XTuning m_tuning;
};

AccountProfile XAdapter::verify_account(const Account& account, const std::string& access_token) {
    const std::string what = "GET /2/users/me";
    net::HttpResponse response;
    try {
        response = api(access_token).send("GET", "/2/users/me", what);
    } catch (const Stop& stop) {
        throw Error(Exit::unavailable,
                    "x account " + in_quotes(account.name) + ": " + stop.outcome.message);
    }
    if (response.status == 401 || response.status == 403) {
        throw Error(Exit::no_perm, "x rejected the credentials for account " +
                                       in_quotes(account.name) + ": " + error_text(response));
    }
    if (response.status != 200) {
        throw Error(Exit::unavailable, "x answered HTTP " + std::to_string(response.status) +
                                           " to " + what + " for account " +
                                           in_quotes(account.name) + ": " + error_text(response));
    }
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const auto* data = body.is_object() && body.contains("data") ? &body["data"] : nullptr;
    if (!data || !data->is_object() || !data->contains("id") || !(*data)["id"].is_string()) {
        throw Error(Exit::unavailable, "x answered " + what + " for account " +
                                           in_quotes(account.name) + " with an unreadable body");
    }
    AccountProfile profile;
    profile.platform_account_id = (*data)["id"].get<std::string>();
    profile.username = data->value("username", std::string());
    profile.display_name = data->value("name", std::string());
    return profile;
}

// twitter-text v3: 280 weighted characters, URLs 23, CJK and emoji 2.
ContentVerdict XAdapter::check_text(const Account&, std::string_view text, std::string_view) const {
    ContentVerdict verdict;
    verdict.unit = "weighted characters";
    const auto& config = text::TwitterTextConfig::v3();
    verdict.limit = static_cast<std::size_t>(config.max_weighted_length);
    if (!verdict.check_utf8(text))
        return verdict;
    if (text.empty())
        return verdict;  // a media-only post; the post layer refuses empty text otherwise
    const auto parsed = text::parse_tweet(text, config);
    verdict.count = static_cast<std::size_t>(parsed.weighted_length);
    if (parsed.valid)
        return verdict;
    if (verdict.count > verdict.limit) {
        return verdict.refuse(std::to_string(verdict.count) + "/" + std::to_string(verdict.limit) +
                              " weighted characters (links count 23, CJK and emoji 2) — too "
                              "long by " +
                              std::to_string(verdict.count - verdict.limit));
    }
    return verdict.refuse("text holds characters x refuses (U+FFFE, U+FEFF or U+FFFF)");
}

MediaRules XAdapter::media_rules(const Account&) const {
    MediaRules rules = platform_media_rules();
    rules.cap_bytes(m_platform.media_max_bytes);
    return rules;
}

Outcome XAdapter::publish(const PublishRequest& request, const SaveState& save) {
    Publication publication(api(request.access_token), request, save, m_tuning);
    return publication.run(/*settling=*/false);
}

// X has no idempotency key: parts already saved are never resent, and a part
// in flight when the process died is looked up among the account's recent
// posts (found: adopted; not found: unknown).
Outcome XAdapter::settle(const PublishRequest& request, const SaveState& save, Instant) {
    Publication publication(api(request.access_token), request, save, m_tuning);
    return publication.run(/*settling=*/true);
}

}  // namespace

std::unique_ptr<Adapter> make_x_adapter(const AdapterContext& context) {
    return std::make_unique<XAdapter>(context, XTuning{});
}

std::unique_ptr<Adapter> make_x_adapter_tuned(const AdapterContext& context,
                                              const XTuning& tuning) {
    return std::make_unique<XAdapter>(context, tuning);
}

}  // namespace postsched::adapters
