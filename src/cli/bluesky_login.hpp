#pragma once
// `account add bluesky --handle H --app-password-env VAR|--app-password-stdin`:
// logs in with createSession at the PDS; the app password is used once and
// never stored. Kept apart so account_cmd.cpp stays platform-neutral.
#include <string>

#include "adapters/bluesky/bluesky_adapter.hpp"

namespace postsched::cli {

class Context;

struct BlueskyLogin {
    std::string platform;  // must be "bluesky"
    std::string handle;
    std::string instance;  // --instance; empty: platforms.bluesky.api_base, else bsky.social
    std::string password;  // read from the variable or stdin by the caller
};

// Throws Error(usage) for a missing handle or another platform, and what
// create_bluesky_session throws.
adapters::BlueskySession bluesky_login(Context& ctx, const BlueskyLogin& login);

}  // namespace postsched::cli
