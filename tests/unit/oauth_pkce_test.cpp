// PKCE, state, authorization URLs, redirect parsing, the provider table and
// client configuration (no network).
#include <boost/test/unit_test.hpp>

#include <set>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/model.hpp"
#include "oauth/authorize.hpp"
#include "oauth/client.hpp"
#include "oauth/pkce.hpp"
#include "oauth/provider.hpp"

using namespace postsched;
using namespace postsched::oauth;

namespace {

bool all_unreserved(const std::string& s) {
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
              c == '~'))
            return false;
    return true;
}

config::Config x_config() {
    config::Config c;
    auto& x = c.platforms["x"];
    x.client_id = "my client";
    x.client_secret = "s3cret";
    x.redirect_uri = "http://127.0.0.1:8765/callback";
    return c;
}

bool message_has(const Error& e, const std::string& needle) {
    return std::string(e.what()).find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oauth_pkce_test)

BOOST_AUTO_TEST_CASE(base64url_has_no_padding_and_url_safe_letters) {
    BOOST_TEST(base64url("") == "");
    BOOST_TEST(base64url("f") == "Zg");
    BOOST_TEST(base64url("fo") == "Zm8");
    BOOST_TEST(base64url("foo") == "Zm9v");
    BOOST_TEST(base64url("foob") == "Zm9vYg");
    BOOST_TEST(base64url("\xfb\xff") == "-_8");
}

BOOST_AUTO_TEST_CASE(s256_matches_an_independent_computation) {
    // Expected values computed with Python's hashlib and base64.
    BOOST_TEST(s256_challenge("M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag") ==
               "qjrzSW9gMiUgpUvqgEPE4_-8swvyCtfOVvg55o5S_es");
    BOOST_TEST(s256_challenge("dBjftJeZ4CVP-mJ92NUzpj3u7MUqS3Y3ykhhjiOU8wM") ==
               "2-MpozvpGRW3JUBDibcKwXk7VwyrSstamB_oXDMt14M");
}

BOOST_AUTO_TEST_CASE(verifiers_and_states_are_fresh_and_well_formed) {
    std::set<std::string> seen;
    for (int i = 0; i < 20; ++i) {
        std::string v = make_verifier();
        BOOST_TEST(v.size() >= 43u);
        BOOST_TEST(v.size() <= 128u);
        BOOST_TEST(all_unreserved(v));
        std::string s = make_state();
        BOOST_TEST(s.size() >= 32u);
        BOOST_TEST(all_unreserved(s));
        BOOST_TEST(seen.insert(v).second);
        BOOST_TEST(seen.insert(s).second);
    }
    BOOST_TEST(same_secret("abc", "abc"));
    BOOST_TEST(!same_secret("abc", "abd"));
    BOOST_TEST(!same_secret("abc", "abcd"));
}

BOOST_AUTO_TEST_CASE(the_x_authorization_url_carries_state_pkce_and_exact_redirect) {
    auto c = x_config();
    Client client = client_for(c, *find_provider("x"));
    AuthRequest a = make_auth_request(client);
    BOOST_TEST(a.url.starts_with("https://x.com/i/oauth2/authorize?response_type=code&"));
    BOOST_TEST(a.url.find("client_id=my%20client") != std::string::npos);
    BOOST_TEST(a.url.find("redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback") !=
               std::string::npos);
    BOOST_TEST(a.url.find("scope=tweet.read%20tweet.write%20users.read%20offline.access%20media."
                          "write") != std::string::npos);
    BOOST_TEST(a.url.find("state=" + a.state) != std::string::npos);
    BOOST_TEST(a.url.find("code_challenge=" + s256_challenge(a.verifier)) != std::string::npos);
    BOOST_TEST(a.url.find("code_challenge_method=S256") != std::string::npos);
    BOOST_TEST(a.url.find(a.verifier) == std::string::npos, "the verifier never leaves");
    BOOST_TEST(make_auth_request(client).state != a.state);
}

BOOST_AUTO_TEST_CASE(linkedin_sends_no_pkce_and_overrides_apply) {
    config::Config c;
    auto& l = c.platforms["linkedin"];
    l.client_id = "li";
    l.client_secret = "sec";
    l.redirect_uri = "http://127.0.0.1:9000/li";
    l.auth_url = "http://127.0.0.1:1/authorize";
    Client client = client_for(c, *find_provider("linkedin"));
    AuthRequest a = make_auth_request(client);
    BOOST_TEST(a.url.starts_with("http://127.0.0.1:1/authorize?"));
    BOOST_TEST(a.url.find("code_challenge") == std::string::npos);
    BOOST_TEST(a.verifier.empty());
    BOOST_TEST(client.token_url == "https://www.linkedin.com/oauth/v2/accessToken");
}

BOOST_AUTO_TEST_CASE(redirects_give_the_code_only_with_the_right_state) {
    BOOST_TEST(code_from_query("http://127.0.0.1:8765/callback?code=abc&state=S1", "S1", "x") ==
               "abc");
    BOOST_TEST(code_from_query("state=S1&code=a%2Fb", "S1", "x") == "a/b");
    BOOST_TEST(code_from_query("https://h.example/cb?code=ig1&state=S#_", "S", "instagram") ==
               "ig1");
    BOOST_CHECK_EXCEPTION(
        code_from_query("code=abc&state=S2", "S1", "x"), Error, [](const Error& e) {
            return e.code() == Exit::data && message_has(e, "state does not match");
        });
    BOOST_CHECK_EXCEPTION(code_from_query("code=abc", "S1", "x"), Error,
                          [](const Error& e) { return message_has(e, "state does not match"); });
    BOOST_CHECK_EXCEPTION(
        code_from_query("error=access_denied&error_description=no+thanks&state=S1", "S1", "x"),
        Error, [](const Error& e) {
            return e.code() == Exit::no_perm && message_has(e, "x did not authorize") &&
                   message_has(e, "access_denied: no thanks");
        });
}

BOOST_AUTO_TEST_CASE(pasted_text_is_a_redirect_url_or_a_bare_code) {
    BOOST_TEST(code_from_paste("  the-code-123\n", "S", "mastodon") == "the-code-123");
    BOOST_TEST(code_from_paste("https://app.example/cb?code=c9&state=S\n", "S", "facebook") ==
               "c9");
    BOOST_CHECK_THROW(code_from_paste("https://app.example/cb?code=c9&state=T", "S", "facebook"),
                      Error);
    BOOST_CHECK_THROW(code_from_paste("\n", "S", "x"), Error);
    BOOST_CHECK_THROW(code_from_paste("two words", "S", "x"), Error);
}

BOOST_AUTO_TEST_CASE(only_fixed_loopback_ports_are_listened_on) {
    BOOST_TEST(is_loopback_redirect("http://127.0.0.1:8765/callback"));
    BOOST_TEST(is_loopback_redirect("http://localhost:8080/"));
    BOOST_TEST(is_loopback_redirect("http://127.0.0.1:8765"));
    BOOST_TEST(!is_loopback_redirect("http://127.0.0.1/callback"));  // no port
    BOOST_TEST(!is_loopback_redirect("https://127.0.0.1:8765/callback"));
    BOOST_TEST(!is_loopback_redirect("http://127.0.0.1:99999/cb"));
    BOOST_TEST(!is_loopback_redirect("https://example.org/cb"));
    BOOST_TEST(!is_loopback_redirect("urn:ietf:wg:oauth:2.0:oob"));
}

BOOST_AUTO_TEST_CASE(the_provider_table_says_who_refreshes_and_how_clients_authenticate) {
    BOOST_TEST(can_refresh("x"));
    BOOST_TEST(can_refresh("linkedin"));
    BOOST_TEST(can_refresh("threads"));
    BOOST_TEST(can_refresh("instagram"));
    BOOST_TEST(can_refresh("bluesky"));
    BOOST_TEST(!can_refresh("mastodon"));
    BOOST_TEST(!can_refresh("facebook"));
    BOOST_TEST(!can_refresh("discord"));
    BOOST_TEST((find_provider("x")->client_auth == ClientAuth::basic));
    BOOST_TEST((find_provider("linkedin")->client_auth == ClientAuth::body));
    BOOST_TEST((find_provider("facebook")->client_auth == ClientAuth::query));
    BOOST_TEST((find_provider("mastodon")->client_auth == ClientAuth::body));
    BOOST_TEST(find_provider("x")->pkce);
    BOOST_TEST(find_provider("x")->rotates_refresh_token);
    BOOST_TEST(!find_provider("facebook")->loopback_allowed);

    Account a;
    a.platform = "x";
    BOOST_TEST(!can_refresh(a), "no refresh token: nothing to refresh with");
    a.refresh_token_enc = "sealed";
    BOOST_TEST(can_refresh(a));
    a.platform = "threads";
    a.access_token_enc = "sealed";
    BOOST_TEST(!can_refresh(a), "no expiry known");
    a.token_expiry = Instant{};
    BOOST_TEST(can_refresh(a));
}

BOOST_AUTO_TEST_CASE(missing_client_settings_name_the_keys_and_variables) {
    config::Config c;
    BOOST_CHECK_EXCEPTION(client_for(c, *find_provider("x")), Error, [](const Error& e) {
        return e.code() == Exit::config && message_has(e, "platforms.x.client_id") &&
               message_has(e, "POSTSCHED_X_CLIENT_ID") && message_has(e, "TWITTER_CLIENT_ID");
    });
    c.platforms["facebook"].client_id = "fb";
    BOOST_CHECK_EXCEPTION(client_for(c, *find_provider("facebook")), Error, [](const Error& e) {
        return message_has(e, "FACEBOOK_APP_SECRET") && message_has(e, "client_secret_file");
    });
    c.platforms["facebook"].client_secret = "s";
    BOOST_CHECK_EXCEPTION(client_for(c, *find_provider("facebook")), Error, [](const Error& e) {
        return message_has(e, "platforms.facebook.redirect_uri") && message_has(e, "https");
    });
    // X public clients (PKCE, no secret) are allowed.
    c.platforms["x"].client_id = "pub";
    BOOST_TEST(client_for(c, *find_provider("x")).client_secret.empty());
}

BOOST_AUTO_TEST_SUITE_END()
