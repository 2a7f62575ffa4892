#pragma once
// The OAuth client of one platform as configured: id, secret, redirect URI
// and endpoints (defaults from the provider table, overrides from config).
#include <string>

#include "oauth/provider.hpp"

namespace postsched::config {
struct Config;
}

namespace postsched::oauth {

struct Client {
    const Provider* provider = nullptr;
    std::string client_id;
    std::string client_secret;  // secret: never logged
    std::string redirect_uri;   // empty: paste-back with the platform's out-of-band form
    std::string authorize_url;
    std::string token_url;
    std::string refresh_url;
};

// The client for `provider` from `config`; `instance` is the base URL of
// instance-relative providers (Mastodon). `need_id`: throws Error(Exit::config)
// naming the key and variables to set when the id (or a required secret) is
// missing. The secret comes from the variable, else the secret file.
Client client_for(const config::Config& config, const Provider& provider,
                  const std::string& instance = "", bool need_id = true);

}  // namespace postsched::oauth
