#pragma once
// PKCE (RFC 7636, S256) and the `state` value, from the OpenSSL CSPRNG.
#include <string>
#include <string_view>

namespace postsched::oauth {

// base64url without padding (RFC 4648 §5, RFC 7636 appendix A).
std::string base64url(std::string_view bytes);
// A fresh code verifier: 64 random bytes as base64url (86 characters, within
// the 43–128 of [A-Za-z0-9-._~] the RFC allows).
std::string make_verifier();
// base64url(SHA-256(verifier)), no padding.
std::string s256_challenge(std::string_view verifier);
// A fresh, unguessable state value (32 random bytes, base64url).
std::string make_state();
// Compares in constant time (state checks).
bool same_secret(std::string_view a, std::string_view b);

}  // namespace postsched::oauth
