#pragma once
// `account add x` without --token-env/--token-stdin: the four OAuth 1.0a
// secrets (consumer key/secret, access token/secret) from environment
// variables, kept as one encrypted bundle. These tokens never expire.
#include <string>

namespace CLI {
class App;
}

namespace postsched::cli {

struct XSecretEnv {
    std::string consumer_key = "TWITTER_API_KEY";
    std::string consumer_secret = "TWITTER_API_SECRET";
    std::string access_token = "TWITTER_ACCESS_TOKEN";
    std::string access_token_secret = "TWITTER_ACCESS_TOKEN_SECRET";
};

// Adds --consumer-key-env and its three siblings to `account add`.
void add_x_secret_options(CLI::App& add, XSecretEnv& env);
// The bundle to store as the access token. Throws Error(Exit::usage) naming
// the variable that is not set.
std::string x_oauth1_token(const XSecretEnv& env);

}  // namespace postsched::cli
