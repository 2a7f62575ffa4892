#pragma once
// `account connect`, platform by platform, up to the tokens: Mastodon app
// registration, the authorization (loopback listener or paste-back), the
// code exchange, Meta's long-lived exchanges and page choice. The caller
// seals the tokens, asks the adapter for the profile and stores the account.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "oauth/token.hpp"

namespace postsched::config {
struct Config;
}

namespace postsched::oauth {

struct ConnectOptions {
    std::string platform;
    std::string instance;  // Mastodon: the instance base URL
    std::string page_id;   // Facebook/Instagram: the page; LinkedIn: the organization
    bool no_browser = false;
    std::istream* in = nullptr;   // paste-back input
    std::ostream* err = nullptr;  // the authorization URL and prompts
};

struct Connected {
    TokenSet tokens;  // the account's own token (Facebook/Instagram: the page token)
    std::optional<Instant> token_expiry;
    std::string platform_account_id;  // when the flow learns it (pages, Threads)
    std::string display_name;
    std::string instance_url;
    // Mastodon's registered app: kept with the account (secret sealed by the caller).
    std::string app_client_id;
    std::string app_client_secret;
    std::string settings = "{}";  // JSON to keep on the account (page id, ...)
};

// Runs the whole flow. Throws Error with a clear message: denied consent,
// wrong state, timeout, refused code (TokenError), page to choose (usage,
// listing the pages), configuration missing (naming the keys).
Connected connect(net::HttpClient& http, const Clock& clock, const config::Config& config,
                  const ConnectOptions& options);

// Platforms whose connect runs in a browser (provider table), for help texts.
std::vector<std::string> browser_platforms();

}  // namespace postsched::oauth
