#pragma once
// The OAuth provider table: per platform, where to send the user and the
// code, how the client authenticates, and how (whether) tokens refresh.
// Pure data, one row a platform (platforms docs in ../shared/platforms/).
#include <string_view>
#include <vector>

#include "core/clock.hpp"

namespace postsched {
struct Account;
}

namespace postsched::oauth {

// How the client proves itself at the token endpoint.
enum class ClientAuth {
    basic,  // Authorization: Basic base64(id:secret) (X confidential clients);
            // without a secret: a public client, client_id in the body
    body,   // client_id and client_secret in the form body (LinkedIn, Mastodon, Threads)
    query,  // client_id and client_secret as query parameters of a GET (Facebook)
};

enum class RefreshStyle {
    none,             // tokens do not expire, or the user reconnects
    oauth2,           // grant_type=refresh_token at the token endpoint
    ig_refresh,       // GET refresh_access_token?grant_type=ig_refresh_token&access_token=
    threads_refresh,  // GET refresh_access_token?grant_type=th_refresh_token&access_token=
    bluesky_session,  // POST com.atproto.server.refreshSession, Bearer refreshJwt
};

struct Provider {
    std::string_view platform;
    bool browser_flow;  // connect authorizes in a browser (false: Bluesky app passwords)
    // Instance-relative paths for Mastodon (instance_relative), else full URLs.
    std::string_view authorize_url;
    std::string_view token_url;
    std::string_view refresh_url;  // ig/threads refresh endpoint, Bluesky XRPC path
    bool instance_relative;
    std::string_view scopes;  // as sent: separator included
    ClientAuth client_auth;
    bool pkce;              // S256 code challenge
    bool loopback_allowed;  // the platform accepts http://127.0.0.1:PORT redirects
    std::string_view default_redirect;
    RefreshStyle refresh;
    bool rotates_refresh_token;  // the old refresh token dies at each refresh
    Millis idle_window;          // idle accounts refresh when the token expires within this
    // Seed-compatible environment names (after POSTSCHED_<PLATFORM>_*).
    std::string_view id_env, secret_env, redirect_env;
};

const std::vector<Provider>& providers();
const Provider* find_provider(std::string_view platform);

// Whether tokens of this platform can be refreshed without the user
// (`postsched check` warns before an unrefreshable token expires).
bool can_refresh(std::string_view platform);
// Whether this account's token can be refreshed: the platform refreshes and
// the account holds what the refresh needs (a refresh token where required).
bool can_refresh(const Account& account);

}  // namespace postsched::oauth
