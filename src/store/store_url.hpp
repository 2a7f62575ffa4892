#pragma once
// Store URLs fit for messages and output: a password is never shown.
#include <string>

namespace postsched::store {

// The URL with any password replaced by "********": the one in
// "scheme://user:password@host" and a "password=" query parameter.
std::string redact_url(const std::string& url);

// True for postgresql:// and postgres:// URLs.
bool is_postgres_url(const std::string& url);

}  // namespace postsched::store
