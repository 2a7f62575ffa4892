#include "oauth/provider.hpp"

#include "core/model.hpp"

namespace postsched::oauth {
namespace {

using namespace std::chrono_literals;
constexpr Millis k_days{24 * 3600 * 1000};
constexpr std::string_view k_loopback = "http://127.0.0.1:8765/callback";

}  // namespace

const std::vector<Provider>& providers() {
    static const std::vector<Provider> k_table = {
        {"x", true, "https://x.com/i/oauth2/authorize", "https://api.x.com/2/oauth2/token", "",
         false, "tweet.read tweet.write users.read offline.access media.write", ClientAuth::basic,
         true, true, k_loopback, RefreshStyle::oauth2, true, Millis{0}, "TWITTER_CLIENT_ID",
         "TWITTER_CLIENT_SECRET", "TWITTER_REDIRECT_URI"},
        {"linkedin", true, "https://www.linkedin.com/oauth/v2/authorization",
         "https://www.linkedin.com/oauth/v2/accessToken", "", false,
         "openid profile w_member_social", ClientAuth::body, false, true, k_loopback,
         RefreshStyle::oauth2, false, 7 * k_days, "LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET",
         "LINKEDIN_REDIRECT_URI"},
        {"facebook", true, "https://www.facebook.com/v25.0/dialog/oauth",
         "https://graph.facebook.com/v25.0/oauth/access_token", "", false,
         "pages_show_list,pages_read_engagement,pages_manage_posts", ClientAuth::query, false,
         false, "", RefreshStyle::none, false, Millis{0}, "FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET",
         "FACEBOOK_REDIRECT_URI"},
        {"instagram", true, "https://www.facebook.com/v25.0/dialog/oauth",
         "https://graph.facebook.com/v25.0/oauth/access_token",
         "https://graph.instagram.com/refresh_access_token", false,
         "instagram_basic,instagram_content_publish,pages_show_list,pages_read_engagement",
         ClientAuth::query, false, false, "", RefreshStyle::ig_refresh, false, 10 * k_days,
         "INSTAGRAM_APP_ID", "INSTAGRAM_APP_SECRET", "INSTAGRAM_REDIRECT_URI"},
        {"threads", true, "https://threads.net/oauth/authorize",
         "https://graph.threads.net/oauth/access_token",
         "https://graph.threads.net/refresh_access_token", false,
         "threads_basic,threads_content_publish", ClientAuth::body, false, false, "",
         RefreshStyle::threads_refresh, false, 10 * k_days, "THREADS_APP_ID", "THREADS_APP_SECRET",
         "THREADS_REDIRECT_URI"},
        {"mastodon", true, "/oauth/authorize", "/oauth/token", "", true,
         "write:statuses write:media profile", ClientAuth::body, true, true, k_loopback,
         RefreshStyle::none, false, Millis{0}, "", "", ""},
        {"bluesky", false, "", "", "/xrpc/com.atproto.server.refreshSession", true, "",
         ClientAuth::body, false, false, "", RefreshStyle::bluesky_session, true, 30 * k_days, "",
         "", ""},
    };
    return k_table;
}

const Provider* find_provider(std::string_view platform) {
    for (const auto& p : providers())
        if (p.platform == platform)
            return &p;
    return nullptr;
}

bool can_refresh(std::string_view platform) {
    const Provider* p = find_provider(platform);
    return p && p->refresh != RefreshStyle::none;
}

bool can_refresh(const Account& account) {
    const Provider* p = find_provider(account.platform);
    if (!p || p->refresh == RefreshStyle::none)
        return false;
    // Instagram and Threads refresh the long-lived access token itself.
    bool needs_refresh_token =
        p->refresh == RefreshStyle::oauth2 || p->refresh == RefreshStyle::bluesky_session;
    return needs_refresh_token ? !account.refresh_token_enc.empty()
                               : !account.access_token_enc.empty() && account.token_expiry;
}

}  // namespace postsched::oauth
