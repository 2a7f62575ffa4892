#include "cli/x_secrets.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>

#include "adapters/x/x_credentials.hpp"
#include "core/errors.hpp"

namespace postsched::cli {
namespace {

std::string from_env(const std::string& var, const char* option) {
    const char* value = std::getenv(var.c_str());
    if (!value || !*value) {
        throw Error(Exit::usage, std::string("x needs OAuth 1.0a secrets (") + option +
                                     "): environment variable " + var +
                                     " is not set or empty (or give an OAuth 2.0 token with "
                                     "--token-env VAR or --token-stdin)");
    }
    return value;
}

}  // namespace

void add_x_secret_options(CLI::App& add, XSecretEnv& env) {
    add.add_option("--consumer-key-env", env.consumer_key,
                   "x OAuth 1.0a: variable with the API key (default TWITTER_API_KEY)");
    add.add_option("--consumer-secret-env", env.consumer_secret,
                   "x OAuth 1.0a: variable with the API key secret (default TWITTER_API_SECRET)");
    add.add_option("--access-token-env", env.access_token,
                   "x OAuth 1.0a: variable with the access token (default TWITTER_ACCESS_TOKEN)");
    add.add_option("--access-token-secret-env", env.access_token_secret,
                   "x OAuth 1.0a: variable with the access token secret (default "
                   "TWITTER_ACCESS_TOKEN_SECRET)");
}

std::string x_oauth1_token(const XSecretEnv& env) {
    net::OAuth1Credentials credentials{
        from_env(env.consumer_key, "--consumer-key-env"),
        from_env(env.consumer_secret, "--consumer-secret-env"),
        from_env(env.access_token, "--access-token-env"),
        from_env(env.access_token_secret, "--access-token-secret-env")};
    return adapters::x::oauth1_bundle(credentials);
}

}  // namespace postsched::cli
