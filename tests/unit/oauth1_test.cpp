// OAuth 1.0a signing (net/oauth1) against the examples of RFC 5849 and X's
// "Creating a signature" documentation.
#include "net/oauth1.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

namespace {

using namespace postsched::net;

std::string param(const Params& params, const std::string& key) {
    for (const auto& [k, v] : params) {
        if (k == key)
            return v;
    }
    return "<missing>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oauth1_test)

// RFC 5849 §3.4.1.1: query, form body and oauth_* parameters, with repeated
// names, encoded values and an empty value.
BOOST_AUTO_TEST_CASE(rfc5849_base_string_example) {
    Params params = parse_form("c2&a3=2+q");
    for (const auto& p : Params{{"oauth_consumer_key", "9djdj82h48djs9d2"},
                                {"oauth_token", "kkk9d7dh3k39sjv7"},
                                {"oauth_signature_method", "HMAC-SHA1"},
                                {"oauth_timestamp", "137131201"},
                                {"oauth_nonce", "7d8f3e4a"}}) {
        params.push_back(p);
    }
    BOOST_TEST(
        oauth1_base_string("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                           params) ==
        "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D"
        "%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_"
        "nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201"
        "%26oauth_token%3Dkkk9d7dh3k39sjv7");
}

// RFC 5849 §3.4.1.2: scheme and host lower-cased, default port and query dropped.
BOOST_AUTO_TEST_CASE(rfc5849_base_uri_examples) {
    BOOST_TEST(oauth1_base_string("GET", "http://EXAMPLE.COM:80/r%20v/X?id=123", {}) ==
               "GET&http%3A%2F%2Fexample.com%2Fr%2520v%2FX&id%3D123");
    BOOST_TEST(oauth1_base_string("get", "https://www.example.net:8080/?q=1", {}) ==
               "GET&https%3A%2F%2Fwww.example.net%3A8080%2F&q%3D1");
    BOOST_TEST(oauth1_base_string("GET", "https://api.x.com:443/2/users/me", {}) ==
               "GET&https%3A%2F%2Fapi.x.com%2F2%2Fusers%2Fme&");
}

// RFC 5849 §1.2: the photo request signed with HMAC-SHA1.
BOOST_AUTO_TEST_CASE(rfc5849_signature_example) {
    const Params params = {{"oauth_consumer_key", "dpf43f3p2l4k3l03"},
                           {"oauth_token", "nnch734d00sl2jdk"},
                           {"oauth_signature_method", "HMAC-SHA1"},
                           {"oauth_timestamp", "137131202"},
                           {"oauth_nonce", "chapoH"}};
    const std::string base = oauth1_base_string(
        "GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", params);
    BOOST_TEST(oauth1_signature(base, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00") ==
               "MdpQcU8iPSUjWoN/UDMsK2sui9I=");
}

// X's documentation example ("Creating a signature"), end to end through the
// Authorization header.
BOOST_AUTO_TEST_CASE(x_docs_signature_example) {
    const OAuth1Credentials credentials{"xvz1evFS4wEEPTGEFPHBog",
                                        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
                                        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
                                        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"};
    const std::string header = oauth1_authorization(
        "POST", "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
        {{"status", "Hello Ladies + Gentlemen, a signed OAuth request!"}}, credentials,
        "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", "1318622958");
    BOOST_TEST(header.starts_with("OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", "));
    const Params parsed = parse_oauth1_header(header);
    BOOST_TEST(param(parsed, "oauth_signature") == "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
    BOOST_TEST(header.find("oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\"") !=
               std::string::npos);
    BOOST_TEST(param(parsed, "oauth_version") == "1.0");
    BOOST_TEST(param(parsed, "oauth_token") == credentials.token);
}

BOOST_AUTO_TEST_CASE(percent_encoding_is_rfc3986) {
    // Unreserved kept, everything else (space, '+', '*', '~' kept, UTF-8) encoded.
    const std::string base = oauth1_base_string("POST", "https://a.example/p", {{"k", "a b+*~é"}});
    BOOST_TEST(base == "POST&https%3A%2F%2Fa.example%2Fp&k%3Da%2520b%252B%252A~%25C3%25A9");
}

BOOST_AUTO_TEST_CASE(nonces_differ_and_are_alphanumeric) {
    const std::string a = oauth1_nonce();
    const std::string b = oauth1_nonce();
    BOOST_TEST(a.size() == 32u);
    BOOST_TEST(a != b);
    BOOST_TEST(
        a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") ==
        std::string::npos);
}

BOOST_AUTO_TEST_CASE(header_parse_rejects_other_schemes) {
    BOOST_TEST(parse_oauth1_header("Bearer abc").empty());
}

BOOST_AUTO_TEST_SUITE_END()
