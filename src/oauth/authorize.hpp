#pragma once
// The browser half of the authorization-code flow: the authorization URL
// (state, PKCE), the loopback listener that receives the redirect, and the
// paste-back parser for headless machines. httplib stays in the .cpp.
#include <functional>
#include <istream>
#include <ostream>
#include <string>

#include "core/clock.hpp"
#include "oauth/client.hpp"

namespace postsched::oauth {

struct AuthRequest {
    std::string url;       // the authorization URL to open
    std::string state;     // checked against the redirect
    std::string verifier;  // PKCE code verifier (empty when the provider has no PKCE)
};

// A fresh request: new state, new verifier, scopes from the provider (or
// `scopes` when non-empty).
AuthRequest make_auth_request(const Client& client, const std::string& scopes = "");

// The code from a redirect's query string ("code=…&state=…" or a full URL).
// Throws Error: the platform's error (user denied: "access_denied"), a state
// that does not match, or no code.
std::string code_from_query(const std::string& query_or_url, const std::string& state,
                            const std::string& platform);

// What the user pasted: the final redirect URL (state checked) or the bare
// code (out-of-band flows show only the code).
std::string code_from_paste(const std::string& pasted, const std::string& state,
                            const std::string& platform);

// True when `redirect_uri` is http://127.0.0.1:PORT/… (or localhost), which a
// loopback listener can receive.
bool is_loopback_redirect(const std::string& redirect_uri);

// Listens on the redirect URI's loopback port, runs `open_browser` once
// listening, and waits for one request to its path: answers a small page and
// returns the code (state checked). Throws Error(Exit::temp_fail) with a clear
// message after `timeout` without a redirect; Error(Exit::unavailable) when
// the port is taken.
std::string wait_for_redirect(const std::string& redirect_uri, const std::string& state,
                              const std::string& platform, Millis timeout,
                              const std::function<void()>& open_browser);

// Runs the configured browser command with the URL as its one argument
// (`/bin/sh -c 'CMD "$1"'`), not waiting for it. Empty command: nothing.
void launch_browser(const std::string& command, const std::string& url);

}  // namespace postsched::oauth
