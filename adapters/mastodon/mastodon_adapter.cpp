// The Adapter for Mastodon and Mastodon-API instances (platforms doc §1–3, §7).
// Publishing lives in mastodon_publish.cpp, text rules in mastodon_text.cpp,
// answer classification in mastodon_errors.cpp.
#include "adapters/mastodon/mastodon_adapter.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "adapters/base_url.hpp"
#include "adapters/mastodon/mastodon_internal.hpp"
#include "adapters/mastodon/mastodon_publish.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "net/http_client.hpp"

namespace postsched::adapters {
namespace {

using namespace mastodon;

// Media types the fetcher sniffs that Mastodon takes.
const std::vector<std::string> k_sniffed_types = {"image/jpeg", "image/png", "image/gif",
                                                  "image/webp", "video/mp4"};

class MastodonAdapter final : public Adapter {
  public:
    MastodonAdapter(const AdapterContext& context, const MastodonTuning& tuning)
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
    std::optional<Outcome> find_published(const PublishRequest& request,
                                          const SaveState& save) override;

  private:
    Api api(const Account& account, std::string token) const;
    net::HttpResponse fetch(const Api& api, const Account& account, const std::string& path) const;
    InstanceLimits instance_limits(const Account& account) const;
    // Runs `flow` on a Publication of `request`; an account with no instance
    // url fails permanently before any request.
    template <class Flow>
    Outcome with_publication(const PublishRequest& request, const SaveState& save, Flow flow);

    net::HttpClient& m_http;
    const Clock& m_clock;
    const config::PlatformConfig& m_platform;
    MastodonTuning m_tuning;
};

// The instance's base URL: the configured api_base (tests, proxies) wins over
// the account's instance_url; a bare host means https.
std::string base_url(const config::PlatformConfig& platform, const Account& account) {
    std::string base = platform.api_base.empty() ? account.instance_url : platform.api_base;
    if (base.empty()) {
        throw Error(Exit::config,
                    "mastodon account " + in_quotes(account.name) + " has no instance url");
    }
    return normalized_base_url(std::move(base));
}

Api MastodonAdapter::api(const Account& account, std::string token) const {
    return Api{m_http, m_clock, base_url(m_platform, account), std::move(token),
               m_platform.timeout};
}

// GET for account add: failures become Errors naming the account.
net::HttpResponse MastodonAdapter::fetch(const Api& api, const Account& account,
                                         const std::string& path) const {
    try {
        return api.send("GET", path, path);
    } catch (const Stop& stop) {
        throw Error(stop.outcome.kind == Outcome::Kind::permanent ? Exit::data : Exit::unavailable,
                    "mastodon account " + in_quotes(account.name) + ": " + stop.outcome.message);
    }
}

AccountProfile MastodonAdapter::verify_account(const Account& account,
                                               const std::string& access_token) {
    const Api with_token = api(account, access_token);
    const auto response = fetch(with_token, account, "/api/v1/accounts/verify_credentials");
    if (response.status == 401 || response.status == 403) {
        throw Error(Exit::no_perm, "mastodon rejected the token for account " +
                                       in_quotes(account.name) + ": " + error_text(response));
    }
    if (response.status != 200) {
        throw Error(Exit::unavailable, "mastodon answered HTTP " + std::to_string(response.status) +
                                           " to verify_credentials for account " +
                                           in_quotes(account.name) + ": " + error_text(response));
    }
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("id") || !body["id"].is_string()) {
        throw Error(Exit::unavailable, "mastodon answered verify_credentials for account " +
                                           in_quotes(account.name) + " with an unreadable body");
    }
    AccountProfile profile;
    profile.platform_account_id = body["id"].get<std::string>();
    profile.username = body.value("acct", body.value("username", std::string()));
    profile.display_name = body.value("display_name", std::string());
    profile.settings = settings_with_limits(account.settings, instance_limits(account));
    return profile;
}

// /api/v2/instance, then /api/v1/instance, then the defaults (500 characters).
InstanceLimits MastodonAdapter::instance_limits(const Account& account) const {
    const Api anonymous = api(account, "");
    for (const std::string path : {"/api/v2/instance", "/api/v1/instance"}) {
        try {
            const auto response = anonymous.send("GET", path, path);
            if (response.status != 200)
                continue;
            if (auto limits = limits_from_instance(response.body))
                return *limits;
        } catch (const Stop& stop) {
            spdlog::warn("mastodon account \"{}\": {}", account.name, stop.outcome.message);
        }
    }
    spdlog::warn("mastodon account \"{}\": the instance states no limits; assuming 500 characters",
                 account.name);
    return {};
}

ContentVerdict MastodonAdapter::check_text(const Account& account, std::string_view text,
                                           std::string_view options_json) const {
    ContentVerdict verdict;
    const InstanceLimits limits = limits_from_settings(account.settings);
    verdict.limit = limits.max_characters;
    PostOptions options;
    if (!verdict.check_options([&] { options = parse_post_options(options_json); }) ||
        !verdict.check_utf8(text)) {
        return verdict;
    }
    verdict.count = status_length(options.spoiler_text, text, limits.url_chars);
    if (verdict.count > verdict.limit) {
        verdict.refuse("text is " + std::to_string(verdict.count) +
                       " characters (content warning included, links count " +
                       std::to_string(limits.url_chars) + "), over the limit of " +
                       std::to_string(verdict.limit) + " for mastodon account " +
                       in_quotes(account.name));
    }
    return verdict;
}

// The instance's image and video size limits; a configured media_max_bytes
// lowers both.
MediaRules MastodonAdapter::media_rules(const Account& account) const {
    const InstanceLimits limits = limits_from_settings(account.settings);
    MediaRules rules;
    rules.max_items = limits.max_media;
    rules.max_bytes = limits.image_size_limit;
    rules.by_type = {{"video/", "video", limits.video_size_limit, false}};
    rules.cap_bytes(m_platform.media_max_bytes);
    rules.types.clear();
    for (const auto& type : k_sniffed_types) {
        const auto& stated = limits.mime_types;
        if (stated.empty() || std::find(stated.begin(), stated.end(), type) != stated.end()) {
            rules.types.push_back(type);
        }
    }
    return rules;
}

template <class Flow>
Outcome MastodonAdapter::with_publication(const PublishRequest& request, const SaveState& save,
                                          Flow flow) {
    std::optional<Api> instance;
    try {
        instance.emplace(api(request.account, request.access_token));
    } catch (const Error& error) {
        return Outcome::failure(Outcome::Kind::permanent, error.what());
    }
    Publication publication(std::move(*instance), request, save, m_tuning);
    return flow(publication);
}

Outcome MastodonAdapter::publish(const PublishRequest& request, const SaveState& save) {
    return with_publication(request, save,
                            [](Publication& publication) { return publication.run(); });
}

Outcome MastodonAdapter::settle(const PublishRequest& request, const SaveState& save,
                                Instant sending_since) {
    // Within the hour the same Idempotency-Keys return the statuses already
    // created, so publishing again is exact; after it, look the post up.
    if (m_clock.now() - sending_since < k_idempotency_window)
        return publish(request, save);
    return with_publication(request, save, [&](Publication& publication) {
        return publication.settle_by_lookup(sending_since);
    });
}

std::optional<Outcome> MastodonAdapter::find_published(const PublishRequest& request,
                                                       const SaveState& save) {
    std::optional<Api> instance;
    try {
        instance.emplace(api(request.account, request.access_token));
    } catch (const Error&) {
        return std::nullopt;  // publish says what is wrong
    }
    Publication publication(std::move(*instance), request, save, m_tuning);
    return publication.find_earlier();
}

}  // namespace

std::unique_ptr<Adapter> make_mastodon_adapter(const AdapterContext& context) {
    return std::make_unique<MastodonAdapter>(context, MastodonTuning{});
}

std::unique_ptr<Adapter> make_mastodon_adapter_tuned(const AdapterContext& context,
                                                     const MastodonTuning& tuning) {
    return std::make_unique<MastodonAdapter>(context, tuning);
}

}  // namespace postsched::adapters
