// The registry table: platform name → factory. Adding a platform is one row.
#include "adapters/bluesky/bluesky_adapter.hpp"
#include "adapters/exec/exec_adapter.hpp"
#include "adapters/linkedin/linkedin_adapter.hpp"
#include "adapters/mastodon/mastodon_adapter.hpp"
#include "adapters/meta/meta_adapters.hpp"
#include "adapters/webhook/webhook_adapter.hpp"
#include "adapters/x/x_adapter.hpp"

namespace postsched::adapters {

const std::vector<AdapterInfo>& registry() {
    static const std::vector<AdapterInfo> k_table = {
        {"mastodon", "Mastodon and Mastodon-API instances (--instance URL)", true, true,
         make_mastodon_adapter},
        {"x", "X (Twitter): OAuth 2.0 user token, or OAuth 1.0a secrets from the environment", true,
         false, make_x_adapter},
        {"bluesky", "Bluesky (--handle and an app password, or an access token)", true, false,
         make_bluesky_adapter},
        {"linkedin", "LinkedIn member, or a page with --platform-account-id urn:li:organization:ID",
         true, false, make_linkedin_adapter},
        {"facebook", "Facebook Page (a Page access token, --platform-account-id PAGE_ID)", true,
         false, make_facebook_adapter},
        {"instagram", "Instagram professional account (--platform-account-id IG_USER_ID)", true,
         false, make_instagram_adapter},
        {"threads", "Threads account (a Threads user token)", true, false, make_threads_adapter},
        {"discord", "Discord incoming webhook (the webhook URL is the token)", true, false,
         [](const AdapterContext& c) { return make_webhook_adapter(c, WebhookFlavor::discord); }},
        {"slack", "Slack incoming webhook (the webhook URL is the token)", true, false,
         [](const AdapterContext& c) { return make_webhook_adapter(c, WebhookFlavor::slack); }},
        {"webhook", "generic JSON webhook (the URL is the token)", true, false,
         [](const AdapterContext& c) { return make_webhook_adapter(c, WebhookFlavor::json); }},
        {"exec", "a local command of yours (--command), see EXEC PROTOCOL", false, false,
         make_exec_adapter},
    };
    return k_table;
}

const AdapterInfo* find_adapter(std::string_view platform) {
    for (const auto& info : registry()) {
        if (info.name == platform)
            return &info;
    }
    return nullptr;
}

}  // namespace postsched::adapters
