#pragma once
// OAuth 1.0a request signing (RFC 5849, HMAC-SHA1), as X accepts for user
// context: consumer key/secret + access token/secret, which never expire.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postsched::net {

struct OAuth1Credentials {
    std::string consumer_key;
    std::string consumer_secret;
    std::string token;
    std::string token_secret;
};

using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 5849 §3.4.1: METHOD&base-uri&normalised-parameters, each
// percent-encoded per RFC 3986. `url` may carry a query: its parameters join
// `params` (the oauth_* ones and any form-encoded body fields), and the base
// URI drops it, the default port and upper-case scheme/host.
std::string oauth1_base_string(std::string_view method, std::string_view url, const Params& params);

// base64(HMAC-SHA1(consumer_secret&token_secret, base_string)).
std::string oauth1_signature(std::string_view base_string, std::string_view consumer_secret,
                             std::string_view token_secret);

// The Authorization header value ("OAuth oauth_consumer_key=..., ...") for
// one request. `body_params` are the fields of an application/x-www-form-
// urlencoded body (none for JSON or multipart bodies). `nonce` and
// `timestamp` are given by the caller so tests are exact; see oauth1_nonce().
std::string oauth1_authorization(std::string_view method, std::string_view url,
                                 const Params& body_params, const OAuth1Credentials& credentials,
                                 std::string_view nonce, std::string_view timestamp);

// 32 random alphanumeric characters from the OpenSSL CSPRNG.
std::string oauth1_nonce();

// Parameters of an Authorization: OAuth header (values percent-decoded), for
// servers that verify signatures (the tests' fake X). Empty when it is not one.
Params parse_oauth1_header(std::string_view header);
// Query string or form body → decoded pairs ('+' is a space).
Params parse_form(std::string_view form);

}  // namespace postsched::net
