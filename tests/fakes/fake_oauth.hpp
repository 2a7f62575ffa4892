#pragma once
// A strict fake OAuth 2.0 authorization server on 127.0.0.1, in the styles of
// the platforms postsched connects (platforms docs: X §1.1, LinkedIn §2.1,
// Meta §1/§3/§4, Mastodon §1, Bluesky §4):
//   GET  /authorize   simulated consent: 302 to the redirect URI with code and
//                     state, or error=access_denied, or a forged state;
//                     checks client id, exact redirect URI, PKCE S256 params
//   POST /token       (GET for the Meta style) code and refresh grants; checks
//                     the client authentication style, the exact redirect URI,
//                     that the PKCE verifier really hashes to the challenge,
//                     code expiry and single use; rotates refresh tokens
//                     (reusing a spent one revokes the whole grant, as X does)
//   GET  /access_token, /refresh_access_token  Meta long-lived exchange/refresh
//   POST /xrpc/com.atproto.server.refreshSession  Bluesky (Bearer refreshJwt)
//   POST /api/v1/apps (Mastodon mode) app registration
// Anything else is forwarded to `forward_to` (the fake Mastodon API), so one
// base URL can serve as a whole Mastodon instance.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace postsched::fakes {

struct FakeOAuthOptions {
    enum class Auth { basic, body, query };
    Auth auth = Auth::basic;
    std::string client_id = "fake-client-id";
    std::string client_secret = "fake-client-SECRET-9f3a";
    std::string redirect_uri;  // registered; empty: set_redirect_uri later
    bool require_pkce = true;
    bool rotate_refresh = true;  // X: new refresh token each time, old one dies
    bool issue_refresh = true;
    Millis code_lifetime{30000};  // X: 30 s
    long long expires_in = 7200;
    bool mastodon = false;  // apps registered via POST /api/v1/apps
};

class FakeOAuth {
  public:
    enum class Consent { approve, deny, forge_state };

    explicit FakeOAuth(FakeOAuthOptions options = {});
    ~FakeOAuth();
    FakeOAuth(const FakeOAuth&) = delete;
    FakeOAuth& operator=(const FakeOAuth&) = delete;

    std::string base_url() const;
    std::string authorize_url() const { return base_url() + "/authorize"; }
    std::string token_url() const { return base_url() + "/token"; }

    void set_redirect_uri(const std::string& uri);
    void set_consent(Consent consent);
    void set_clock(std::function<Instant()> now);
    void set_down(bool down);            // token endpoints answer 503
    void set_token_delay(Millis delay);  // each token answer waits this long
    // Each code exchange counts as happening this long after the consent
    // (the fake's clock knob for expired codes: X's live 30 s).
    void set_exchange_lateness(Millis lateness);
    void forward_to(const std::string& base_url);
    // Called with each access token issued (tests register it with the API fake).
    void on_access_token(std::function<void(const std::string&)> hook);

    // Facebook pages for GET /me/accounts (a JSON array of {id, name,
    // access_token, instagram_business_account?}); the Bearer must be an
    // access token this fake issued.
    void set_pages(const std::string& pages_json);

    // A grant as if the user had consented earlier: returns its refresh token.
    std::string seed_grant();
    // An access token on a fresh grant (Meta long-lived tokens to refresh).
    std::string seed_access_token();
    // A Bluesky-style session: returns the refreshJwt (a JWT with `exp`).
    std::string seed_session(Instant refresh_expiry);

    bool access_token_valid(const std::string& token) const;
    bool refresh_token_valid(const std::string& token) const;
    int grants_revoked() const;
    int token_requests() const;    // every call to a token endpoint, faults included
    int refresh_requests() const;  // refresh grants (and Meta/Bluesky refreshes)
    int codes_issued() const;
    // Why requests were refused, in order ("redirect_uri mismatch", ...).
    std::vector<std::string> refusals() const;
    // The last authorize request's query parameters (name=value joined by &).
    std::string last_authorize_query() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace postsched::fakes
