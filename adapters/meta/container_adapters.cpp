// The Instagram and Threads adapters: one class over the container flow, the
// differences in a Dialect, the text rules and the media rules.
#include "adapters/meta/container_flow.hpp"
#include "adapters/meta/meta_adapters.hpp"
#include "adapters/meta/meta_text.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "media/media.hpp"

namespace postsched::adapters {
namespace {

using namespace meta;
using Kind = Outcome::Kind;

struct ContainerPlatform {
    const Dialect& dialect;
    std::string_view default_base;
    std::string_view default_version;
    ContentVerdict (*check)(const Account&, std::string_view);
    MediaRules rules;
    bool threads;
};

MediaRules instagram_rules() {
    MediaRules rules;
    rules.max_items = 10;  // a carousel of 2–10; one item is a single post
    rules.min_items = 1;   // Instagram posts need an image or a video
    rules.max_bytes = 8 * 1024 * 1024;
    rules.types = {"image/jpeg", "video/mp4", "video/quicktime"};
    rules.urls_only = true;
    return rules;
}

MediaRules threads_rules() {
    MediaRules rules;
    rules.max_items = 10;
    rules.max_bytes = 8 * 1024 * 1024;
    rules.types = {"image/jpeg", "image/png", "video/mp4", "video/quicktime"};
    rules.urls_only = true;
    return rules;
}

class ContainerAdapter final : public Adapter {
  public:
    ContainerAdapter(const AdapterContext& context, ContainerPlatform platform)
        : m_http(context.http),
          m_clock(context.clock),
          m_config(context.platform),
          m_platform(std::move(platform)) {}

    AccountProfile verify_account(const Account& account, const std::string& token) override {
        std::string node = account.platform_account_id;
        if (node.empty() && !m_platform.threads) {
            throw Error(Exit::usage,
                        "instagram needs --platform-account-id IG_USER_ID (the Instagram "
                        "professional account's id, from GET /{page-id}?fields="
                        "instagram_business_account)");
        }
        if (node.empty())
            node = "me";
        return read_profile(graph(account, token), node, "id,username,name", "username");
    }

    ContentVerdict check_text(const Account& account, std::string_view text,
                              std::string_view) const override {
        return m_platform.check(account, text);
    }

    MediaRules media_rules(const Account&) const override {
        MediaRules rules = m_platform.rules;
        if (m_config.media_max_bytes != 0)
            rules.max_bytes = std::min(rules.max_bytes, m_config.media_max_bytes);
        return rules;
    }

    bool supports_threads() const override { return m_platform.threads; }

    Outcome publish(const PublishRequest& request, const SaveState& save) override {
        const std::string name(m_platform.dialect.platform);
        if (request.account.platform_account_id.empty()) {
            return Outcome::failure(Kind::permanent, name + " account " +
                                                         in_quotes(request.account.name) +
                                                         " has no user id (--platform-account-id)");
        }
        if (!m_platform.threads && request.media.empty()) {
            return Outcome::failure(Kind::permanent, "instagram posts need an image or a video");
        }
        for (const auto& media : request.media) {
            if (!media::is_url(media.source)) {
                return Outcome::failure(Kind::permanent,
                                        "media " + in_quotes(media.source) + " is a local file; " +
                                            name + " fetches media from public URLs only");
            }
        }
        ContainerFlow flow(graph(request.account, request.access_token), m_platform.dialect,
                           request, save, {m_config.poll_interval, m_config.poll_attempts});
        return flow.run();
    }

    // The saved state says which containers exist and whether a publish
    // request went out; the flow resolves both before any new request.
    Outcome settle(const PublishRequest& request, const SaveState& save, Instant) override {
        return publish(request, save);
    }

  private:
    Graph graph(const Account& account, std::string token) const {
        return make_graph(m_http, m_clock, m_config, m_platform.dialect.platform,
                          m_platform.default_base, m_platform.default_version, account,
                          std::move(token));
    }

    net::HttpClient& m_http;
    const Clock& m_clock;
    const config::PlatformConfig& m_config;
    ContainerPlatform m_platform;
};

}  // namespace

std::unique_ptr<Adapter> make_instagram_adapter(const AdapterContext& context) {
    return std::make_unique<ContainerAdapter>(
        context, ContainerPlatform{k_instagram, "https://graph.facebook.com", "v26.0",
                                   check_instagram_text, instagram_rules(), false});
}

std::unique_ptr<Adapter> make_threads_adapter(const AdapterContext& context) {
    return std::make_unique<ContainerAdapter>(
        context, ContainerPlatform{k_threads, "https://graph.threads.net", "v1.0",
                                   check_threads_text, threads_rules(), true});
}

}  // namespace postsched::adapters
