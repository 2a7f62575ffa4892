#pragma once
// Base URLs of servers that users name themselves (a Mastodon instance, a
// Bluesky PDS), where a bare host is the common way to write one.
#include <string>

namespace postsched::adapters {

// `host_or_url` as a base for request paths: a bare host means https, and
// trailing slashes go so that "base + path" never doubles one.
std::string normalized_base_url(std::string host_or_url);

}  // namespace postsched::adapters
