#include "adapters/x/x_credentials.hpp"

#include <nlohmann/json.hpp>

namespace postsched::adapters::x {

std::string oauth1_bundle(const net::OAuth1Credentials& c) {
    return nlohmann::json{{"oauth1",
                           {{"consumer_key", c.consumer_key},
                            {"consumer_secret", c.consumer_secret},
                            {"token", c.token},
                            {"token_secret", c.token_secret}}}}
        .dump();
}

std::optional<net::OAuth1Credentials> oauth1_from_token(std::string_view token) {
    if (token.empty() || token.front() != '{')
        return std::nullopt;
    const auto bundle = nlohmann::json::parse(token, nullptr, false);
    if (bundle.is_discarded() || !bundle.is_object() || !bundle.contains("oauth1"))
        return std::nullopt;
    const auto& o = bundle["oauth1"];
    const auto field = [&](const char* key) {
        return o.is_object() && o.contains(key) && o[key].is_string() ? o[key].get<std::string>()
                                                                      : std::string();
    };
    net::OAuth1Credentials c{field("consumer_key"), field("consumer_secret"), field("token"),
                             field("token_secret")};
    if (c.consumer_key.empty() || c.consumer_secret.empty() || c.token.empty() ||
        c.token_secret.empty()) {
        return std::nullopt;
    }
    return c;
}

}  // namespace postsched::adapters::x
