#pragma once
// The Bluesky (AT Protocol) adapter, and the app-password login that
// `account add bluesky` uses (platforms doc §4–8).
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/adapter.hpp"

namespace postsched::adapters {

std::unique_ptr<Adapter> make_bluesky_adapter(const AdapterContext& context);

// The PDS (or entryway) used when neither --instance nor api_base is given.
inline constexpr std::string_view k_bluesky_default_base = "https://bsky.social";

// What com.atproto.server.createSession answered. The app password is only
// sent, never kept.
struct BlueskySession {
    std::string access_jwt;
    std::string refresh_jwt;
    std::string did;
    std::string handle;
    std::string pds;  // the account's PDS from its DID document, else the base asked
    std::optional<Instant> access_expiry;   // the access JWT's `exp`
    std::optional<Instant> refresh_expiry;  // the refresh JWT's `exp`
};

// Logs in at `base` with a handle (or email) and an app password. Throws
// Error(no_perm) when refused and Error(unavailable) when unreachable; the
// messages never hold the password.
BlueskySession create_bluesky_session(net::HttpClient& http, const std::string& base,
                                      const std::string& identifier, const std::string& password,
                                      Millis timeout);

}  // namespace postsched::adapters
