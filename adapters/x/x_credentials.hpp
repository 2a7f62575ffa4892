#pragma once
// How an X account's secrets are kept: an OAuth 2.0 user access token as is,
// or the four OAuth 1.0a secrets as one JSON bundle (encrypted like any
// token) that the adapter recognises and signs requests with.
#include <optional>
#include <string>
#include <string_view>

#include "net/oauth1.hpp"

namespace postsched::adapters::x {

std::string oauth1_bundle(const net::OAuth1Credentials& credentials);
// The OAuth 1.0a secrets when `token` is such a bundle, else nullopt (a
// Bearer token).
std::optional<net::OAuth1Credentials> oauth1_from_token(std::string_view token);

}  // namespace postsched::adapters::x
