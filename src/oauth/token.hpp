#pragma once
// Token endpoint calls: the code exchange, refresh grants and the Meta
// long-lived exchanges, each classifying the answer: tokens, rejected (the
// grant is dead: reconnect) or unavailable (try again later).
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/errors.hpp"
#include "oauth/client.hpp"

namespace postsched::net {
class HttpClient;
}

namespace postsched::oauth {

struct TokenSet {
    std::string access_token;
    std::string refresh_token;  // empty: none issued (keep the old one)
    std::optional<Seconds> expires_in;
    std::string scope;
    std::string user_id;  // Threads/Instagram Login answers name the user
};

// A token endpoint's refusal. `rejected`: the code or grant is invalid,
// expired or revoked (400/401 with an OAuth error): reconnect. Otherwise the
// endpoint is down or overloaded (5xx, 429, transport): try again later.
// The message names the platform and quotes its error, never a token.
class TokenError : public Error {
  public:
    TokenError(bool rejected, const std::string& message)
        : Error(rejected ? Exit::no_perm : Exit::unavailable, message), m_rejected(rejected) {}
    bool rejected() const { return m_rejected; }

  private:
    bool m_rejected;
};

// authorization_code grant (PKCE verifier when non-empty).
TokenSet exchange_code(net::HttpClient& http, const Client& client, const std::string& code,
                       const std::string& verifier, Millis timeout);
// refresh_token grant (X rotates: the answer's refresh token replaces the old).
TokenSet refresh_grant(net::HttpClient& http, const Client& client,
                       const std::string& refresh_token, Millis timeout);
// Meta: short-lived → long-lived. Facebook: GET token_url with
// grant_type=fb_exchange_token; Threads: GET {graph}/access_token with
// grant_type=th_exchange_token.
TokenSet long_lived_exchange(net::HttpClient& http, const Client& client,
                             const std::string& exchange_url, const std::string& grant_type,
                             const std::string& short_token, Millis timeout);
// Instagram/Threads: GET refresh_url?grant_type=…&access_token=LONG.
TokenSet refresh_long_lived(net::HttpClient& http, const Client& client,
                            const std::string& grant_type, const std::string& token,
                            Millis timeout);
// Bluesky: POST {pds}/xrpc/com.atproto.server.refreshSession with the
// refreshJwt as Bearer; expires_in from the new access JWT's `exp` at `now`.
TokenSet refresh_bluesky(net::HttpClient& http, const std::string& url,
                         const std::string& refresh_jwt, Instant now, Millis timeout);

// The `exp` claim of a JWT (unverified: only to schedule refreshes).
std::optional<Instant> jwt_expiry(const std::string& jwt);

}  // namespace postsched::oauth
