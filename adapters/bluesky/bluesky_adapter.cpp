// The Adapter for Bluesky (platforms doc §4–8). Publishing lives in
// bluesky_publish.cpp, facets and record keys in bluesky_text.cpp, answer
// classification in bluesky_errors.cpp, the app-password login in
// bluesky_session.cpp.
#include "adapters/bluesky/bluesky_adapter.hpp"

#include "adapters/base_url.hpp"
#include "adapters/bluesky/bluesky_internal.hpp"
#include "adapters/bluesky/bluesky_publish.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/text_count.hpp"

namespace postsched::adapters {
namespace {

using namespace bluesky;
using nlohmann::json;

class BlueskyAdapter final : public Adapter {
  public:
    explicit BlueskyAdapter(const AdapterContext& context)
        : m_http(context.http), m_clock(context.clock), m_platform(context.platform) {}

    AccountProfile verify_account(const Account& account, const std::string& access_token) override;
    ContentVerdict check_text(const Account& account, std::string_view text,
                              std::string_view options_json) const override;
    MediaRules media_rules(const Account& account) const override;
    bool supports_threads() const override { return true; }
    Outcome publish(const PublishRequest& request, const SaveState& save) override;
    Outcome settle(const PublishRequest& request, const SaveState& save, Instant) override;

  private:
    Api api(const Account& account, std::string token) const;

    net::HttpClient& m_http;
    const Clock& m_clock;
    const config::PlatformConfig& m_platform;
};

// The configured api_base (tests, proxies) wins over the account's PDS, as
// for Mastodon; then the default entryway.
std::string base_url(const config::PlatformConfig& platform, const Account& account) {
    std::string base = !platform.api_base.empty()      ? platform.api_base
                       : !account.instance_url.empty() ? account.instance_url
                                                       : std::string(k_bluesky_default_base);
    return normalized_base_url(std::move(base));
}

Api BlueskyAdapter::api(const Account& account, std::string token) const {
    return Api{m_http, m_clock, base_url(m_platform, account), std::move(token),
               m_platform.timeout};
}

AccountProfile BlueskyAdapter::verify_account(const Account& account,
                                              const std::string& access_token) {
    const Api session = api(account, access_token);
    const std::string who = "bluesky account " + in_quotes(account.name);
    net::HttpResponse response;
    try {
        response = session.send("GET", "com.atproto.server.getSession", "getSession");
    } catch (const Stop& stop) {
        throw Error(Exit::unavailable, who + ": " + stop.outcome.message);
    }
    if (response.status == 400 || response.status == 401) {
        throw Error(Exit::no_perm,
                    "bluesky rejected the session for " + who + ": " + error_text(response));
    }
    const json body = json::parse(response.body, nullptr, false);
    if (response.status != 200 || !body.is_object() || !body.contains("did") ||
        !body["did"].is_string()) {
        throw Error(Exit::unavailable, "bluesky answered HTTP " + std::to_string(response.status) +
                                           " to getSession for " + who + ": " +
                                           error_text(response));
    }
    AccountProfile profile;
    profile.platform_account_id = body["did"].get<std::string>();
    profile.username = body.value("handle", std::string());
    return profile;
}

ContentVerdict BlueskyAdapter::check_text(const Account& account, std::string_view text,
                                          std::string_view options_json) const {
    ContentVerdict verdict;
    verdict.limit = k_max_graphemes;
    verdict.unit = "graphemes";
    if (!verdict.check_options([&] { parse_langs(options_json); }) || !verdict.check_utf8(text))
        return verdict;
    verdict.count = count_graphemes(text);
    const std::string who = " for bluesky account " + in_quotes(account.name);
    if (verdict.count > k_max_graphemes) {
        verdict.refuse("text is " + std::to_string(verdict.count) +
                       " graphemes, over the limit of " + std::to_string(k_max_graphemes) + who);
    } else if (text.size() > k_max_bytes) {
        verdict.refuse("text is " + std::to_string(text.size()) +
                       " bytes of UTF-8, over the limit of " + std::to_string(k_max_bytes) + who);
    }
    return verdict;
}

// Images only; the byte limit is the lexicon's (platforms.bluesky.max_image_bytes).
MediaRules BlueskyAdapter::media_rules(const Account&) const {
    MediaRules rules;
    rules.max_items = k_max_images;
    rules.max_bytes =
        m_platform.media_max_bytes != 0 ? m_platform.media_max_bytes : k_default_image_bytes;
    rules.types = {"image/jpeg", "image/png", "image/gif", "image/webp"};
    return rules;
}

Outcome BlueskyAdapter::publish(const PublishRequest& request, const SaveState& save) {
    Publication publication(api(request.account, request.access_token), request, save);
    return publication.run();
}

// The keys are ours and putRecord with swapRecord null never writes twice,
// so settling is exact at any age: getRecord on the saved keys, then go on.
Outcome BlueskyAdapter::settle(const PublishRequest& request, const SaveState& save, Instant) {
    Publication publication(api(request.account, request.access_token), request, save);
    return publication.settle();
}

}  // namespace

std::unique_ptr<Adapter> make_bluesky_adapter(const AdapterContext& context) {
    return std::make_unique<BlueskyAdapter>(context);
}

}  // namespace postsched::adapters
