// account connect against the fake OAuth server: the flow of each platform
// style at module level (X and LinkedIn with the loopback listener and by
// pasting back; Facebook pages, Instagram and Threads by pasting back, as Meta
// takes only https redirects), its failure paths, and Mastodon, X and
// LinkedIn end to end through the real binary, each then publishing.
#include <arpa/inet.h>
#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "fakes/fake_linkedin.hpp"
#include "fakes/fake_mastodon.hpp"
#include "fakes/fake_oauth.hpp"
#include "fakes/fake_x.hpp"
#include "net/curl_http_client.hpp"
#include "oauth/connect.hpp"
#include "support/sandbox.hpp"

using namespace postsched;
using namespace std::chrono_literals;
using fakes::FakeOAuth;
using fakes::FakeOAuthOptions;
using testing::RunResult;
using testing::Sandbox;
using Auth = FakeOAuthOptions::Auth;

namespace {

const Instant k_now = Instant(std::chrono::seconds(1795000000));
constexpr const char* k_browser = "curl -s -o /dev/null -L";

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

// The first URL printed (the authorization URL).
std::string printed_url(const std::string& text) {
    auto at = text.find("http://127.0.0.1:");
    BOOST_REQUIRE(at != std::string::npos);
    auto end = text.find_first_of(" \n", at);
    return text.substr(at, end - at);
}

// A "browser" that follows nothing: the authorize endpoint's redirect target.
std::string consent_location(const std::string& authorize_url) {
    auto slash = authorize_url.find('/', 7);
    httplib::Client cli(authorize_url.substr(0, slash));
    auto r = cli.Get(authorize_url.substr(slash));
    BOOST_REQUIRE(r);
    BOOST_REQUIRE_MESSAGE(r->status == 302, "authorize answered " << r->status << ": " << r->body);
    return r->get_header_value("Location");
}

// stdin that, when first read, plays the user: takes the URL printed so far,
// consents, and "pastes" what `paste` makes of the redirect location.
class PasteBack : public std::streambuf {
  public:
    PasteBack(const std::ostringstream& printed, std::function<std::string(std::string)> paste)
        : m_printed(printed), m_paste(std::move(paste)) {}

  protected:
    int_type underflow() override {
        if (gptr() < egptr())
            return traits_type::to_int_type(*gptr());
        if (m_done)
            return traits_type::eof();
        m_done = true;
        m_data = m_paste(consent_location(printed_url(m_printed.str()))) + "\n";
        setg(m_data.data(), m_data.data(), m_data.data() + m_data.size());
        return traits_type::to_int_type(*gptr());
    }

  private:
    const std::ostringstream& m_printed;
    std::function<std::string(std::string)> m_paste;
    std::string m_data;
    bool m_done = false;
};

struct Flow {
    // Before the fake: its server threads call the clock until it is gone.
    FixedClock clock{k_now};
    FakeOAuth fake;
    config::Config config;
    std::unique_ptr<net::HttpClient> http = net::make_curl_http_client(5000ms);
    std::ostringstream printed;
    std::string redirect;

    Flow(const std::string& platform, FakeOAuthOptions o, std::string redirect_uri = "")
        : fake(std::move(o)) {
        redirect = redirect_uri.empty()
                       ? "http://127.0.0.1:" + std::to_string(free_port()) + "/callback"
                       : redirect_uri;
        fake.set_redirect_uri(redirect);
        fake.set_clock([this] { return clock.now(); });
        auto& p = config.platforms[platform];
        p.name = platform;
        p.client_id = "fake-client-id";
        p.client_secret = "fake-client-SECRET-9f3a";
        p.redirect_uri = redirect;
        p.auth_url = fake.authorize_url();
        p.token_url = fake.token_url();
        p.api_base = fake.base_url();
        p.timeout = 5000ms;
        config.browser = k_browser;
        config.connect_timeout = 20s;
    }

    oauth::Connected connect(const std::string& platform, bool no_browser = false,
                             const std::string& page = "") {
        printed.str("");
        PasteBack paste(printed, [](std::string location) { return location; });
        std::istream in(&paste);
        oauth::ConnectOptions o{platform, "", page, no_browser, &in, &printed};
        return oauth::connect(*http, clock, config, o);
    }
};

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// LinkedIn: the secret in the body, no PKCE, no refresh token, 60 days.
FakeOAuthOptions linkedin_style() {
    FakeOAuthOptions o;
    o.auth = Auth::body;
    o.require_pkce = false;
    o.issue_refresh = false;
    o.expires_in = 5184000;
    return o;
}

bool says(const Error& e, const std::string& needle) {
    return std::string(e.what()).find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oauth_connect_test)

BOOST_AUTO_TEST_CASE(x_connects_through_the_loopback_listener_with_pkce_and_basic_auth) {
    Flow f("x", {});
    auto c = f.connect("x");
    BOOST_TEST(f.fake.refusals().empty());
    BOOST_TEST(f.fake.access_token_valid(c.tokens.access_token));
    BOOST_TEST(f.fake.refresh_token_valid(c.tokens.refresh_token));
    BOOST_TEST((c.token_expiry == k_now + 7200s));
    std::string q = f.fake.last_authorize_query();
    BOOST_TEST(q.find("code_challenge_method=S256") != std::string::npos);
    BOOST_TEST(q.find("scope=tweet.read tweet.write users.read offline.access media.write") !=
               std::string::npos);
    BOOST_TEST(f.printed.str().find(c.tokens.access_token) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(x_refuses_a_confidential_client_without_basic_auth) {
    Flow f("x", {});
    f.config.platforms["x"].client_secret.clear();  // sent as a public client
    BOOST_CHECK_EXCEPTION(f.connect("x"), oauth::TokenError, [](const oauth::TokenError& e) {
        return e.rejected() && says(e, "x refused the authorization code (HTTP 401)") &&
               says(e, "unauthorized_client");
    });
    BOOST_TEST(has(f.fake.refusals(), "no basic authorization"));
}

BOOST_AUTO_TEST_CASE(linkedin_pastes_back_with_the_secret_in_the_body) {
    Flow f("linkedin", linkedin_style());
    auto c = f.connect("linkedin", true);
    BOOST_TEST(f.fake.refusals().empty());
    BOOST_TEST(f.fake.access_token_valid(c.tokens.access_token));
    BOOST_TEST(c.tokens.refresh_token.empty());
    BOOST_TEST((c.token_expiry == k_now + 5184000s));
    BOOST_TEST(f.fake.last_authorize_query().find("code_challenge") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(x_pastes_back_the_redirect_url_with_pkce_and_basic_auth) {
    Flow f("x", {});
    auto c = f.connect("x", true);
    BOOST_TEST(f.fake.refusals().empty());
    BOOST_TEST(f.fake.access_token_valid(c.tokens.access_token));
    BOOST_TEST(f.fake.refresh_token_valid(c.tokens.refresh_token));
    BOOST_TEST(f.printed.str().find("code_challenge_method=S256") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(linkedin_connects_through_the_loopback_listener) {
    Flow f("linkedin", linkedin_style());
    auto c = f.connect("linkedin");
    BOOST_TEST(f.fake.refusals().empty());
    BOOST_TEST(f.fake.access_token_valid(c.tokens.access_token));
    BOOST_TEST((c.token_expiry == k_now + 5184000s));
}

BOOST_AUTO_TEST_CASE(a_denied_consent_stops_before_any_token_request) {
    Flow f("x", {});
    f.fake.set_consent(FakeOAuth::Consent::deny);
    BOOST_CHECK_EXCEPTION(f.connect("x"), Error, [](const Error& e) {
        return e.code() == Exit::no_perm && says(e, "x did not authorize postsched") &&
               says(e, "access_denied");
    });
    BOOST_TEST(f.fake.token_requests() == 0);
}

BOOST_AUTO_TEST_CASE(a_redirect_with_another_state_is_refused) {
    Flow f("x", {});
    f.fake.set_consent(FakeOAuth::Consent::forge_state);
    BOOST_CHECK_EXCEPTION(f.connect("x"), Error, [](const Error& e) {
        return e.code() == Exit::data && says(e, "state does not match");
    });
    BOOST_TEST(f.fake.token_requests() == 0, "the code was not exchanged");
}

BOOST_AUTO_TEST_CASE(a_code_older_than_thirty_seconds_is_refused) {
    Flow f("x", {});
    f.fake.set_exchange_lateness(31s);
    BOOST_CHECK_EXCEPTION(f.connect("x"), oauth::TokenError, [](const oauth::TokenError& e) {
        return e.rejected() && says(e, "Value passed for the authorization code was invalid");
    });
    BOOST_TEST(has(f.fake.refusals(), "code expired"));
}

BOOST_AUTO_TEST_CASE(a_redirect_uri_the_app_did_not_register_never_redirects_and_times_out) {
    Flow f("x", {});
    f.fake.set_redirect_uri("http://127.0.0.1:1/other");
    f.config.connect_timeout = 2s;
    BOOST_CHECK_EXCEPTION(f.connect("x"), Error, [](const Error& e) {
        return e.code() == Exit::temp_fail && says(e, "no redirect arrived at http://127.0.0.1:") &&
               says(e, "within 2 s") && says(e, "--no-browser");
    });
    BOOST_TEST(has(f.fake.refusals(), "redirect_uri mismatch"));
}

BOOST_AUTO_TEST_CASE(a_token_endpoint_that_is_down_is_unavailable) {
    Flow f("x", {});
    f.fake.set_down(true);
    BOOST_CHECK_EXCEPTION(f.connect("x"), oauth::TokenError, [](const oauth::TokenError& e) {
        return !e.rejected() && e.code() == Exit::unavailable && says(e, "HTTP 503");
    });
}

BOOST_AUTO_TEST_CASE(facebook_takes_the_page_token_after_the_long_lived_exchange) {
    FakeOAuthOptions o;
    o.auth = Auth::query;
    o.require_pkce = false;
    o.issue_refresh = false;
    Flow f("facebook", o, "https://app.example/fb/callback");
    f.fake.set_pages(R"([{"id":"111","name":"First Page","access_token":"PAGE-TOKEN-111"},
                         {"id":"222","name":"Second Page","access_token":"PAGE-TOKEN-222"}])");
    BOOST_CHECK_EXCEPTION(f.connect("facebook"), Error, [](const Error& e) {
        return e.code() == Exit::usage && says(e, "--page ID") && says(e, "111  First Page") &&
               says(e, "222  Second Page");
    });
    BOOST_TEST(f.printed.str().find("needs the paste-back flow") != std::string::npos);
    auto c = f.connect("facebook", false, "222");
    BOOST_TEST(f.fake.refusals().empty());
    BOOST_TEST(c.tokens.access_token == "PAGE-TOKEN-222");
    BOOST_TEST(c.platform_account_id == "222");
    BOOST_TEST(c.display_name == "Second Page");
    BOOST_TEST(!c.token_expiry.has_value(), "page tokens do not expire");
}

BOOST_AUTO_TEST_CASE(instagram_connects_through_the_facebook_page_it_belongs_to) {
    FakeOAuthOptions o;
    o.auth = Auth::query;
    o.require_pkce = false;
    o.issue_refresh = false;
    Flow f("instagram", o, "https://app.example/ig/callback");
    f.fake.set_pages(R"([{"id":"111","name":"No IG","access_token":"PAGE-TOKEN-111"},
        {"id":"333","name":"Shop","access_token":"PAGE-TOKEN-333",
         "instagram_business_account":{"id":"17841400000000001"}}])");
    auto c = f.connect("instagram", true);
    BOOST_TEST(c.platform_account_id == "17841400000000001");
    BOOST_TEST(c.tokens.access_token == "PAGE-TOKEN-333");
    BOOST_TEST(c.settings.find("\"page_id\":\"333\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(threads_exchanges_the_short_token_for_a_sixty_day_one) {
    FakeOAuthOptions o;
    o.auth = Auth::body;
    o.require_pkce = false;
    o.issue_refresh = false;
    o.expires_in = 3600;
    Flow f("threads", o, "https://app.example/th/callback");
    auto c = f.connect("threads", true);
    BOOST_TEST(f.fake.refusals().empty());
    BOOST_TEST(f.fake.access_token_valid(c.tokens.access_token));
    BOOST_TEST((c.token_expiry == k_now + 5183944s));
}

// ---- Mastodon through the real binary ----

namespace {

constexpr const char* k_key = "correct horse battery staple";

struct MastodonCli {
    // Before the fakes: their server threads use these until they stop.
    std::vector<std::string> issued;
    std::mutex mutex;
    fakes::FakeMastodon api;
    FakeOAuth instance;
    Sandbox box;

    static FakeOAuthOptions options() {
        FakeOAuthOptions o;
        o.mastodon = true;
        o.auth = Auth::body;
        o.expires_in = 0;  // Mastodon tokens never expire
        o.issue_refresh = false;
        return o;
    }

    explicit MastodonCli(const std::string& redirect) : instance(options()) {
        instance.forward_to(api.base_url());
        instance.on_access_token([this](const std::string& token) {
            std::lock_guard lock(mutex);
            issued.push_back(token);
            api.add_account(token, "109", "alice");
        });
        box.env["SECRET_KEY"] = k_key;
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.env["POSTSCHED_BROWSER"] = k_browser;
        box.ok({"init"});
        if (!redirect.empty())
            box.write_file("config/postsched/config.toml",
                           "[platforms.mastodon]\nredirect_uri = \"" + redirect + "\"\n");
    }
};

// Runs postsched with ARGS, stdin from a fifo: waits for the authorization
// URL on stderr, consents as the user would, and pastes what `paste` makes of
// the redirect location. stderr comes back in `err`.
RunResult run_pasting(Sandbox& box, const std::vector<std::string>& args,
                      const std::function<std::string(const std::string&)>& paste) {
    const std::string fifo = box.dir() + "/stdin.fifo";
    const std::string err_file = box.dir() + "/stderr.txt";
    ::unlink(fifo.c_str());
    ::unlink(err_file.c_str());
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    std::vector<std::string> argv{"/bin/sh", "-c",
                                  "exec \"$0\" \"$@\" < '" + fifo + "' 2> '" + err_file + "'",
                                  POSTSCHED_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto env = box.env;
    auto running =
        std::async(std::launch::async, [&] { return testing::run_program(argv, "", env); });
    std::ofstream to_stdin(fifo);  // opens once postsched's shell opens the reader
    std::string printed;
    for (int i = 0; i < 500 && printed.find("state=") == std::string::npos; ++i) {
        std::this_thread::sleep_for(20ms);
        std::ifstream in(err_file);
        printed.assign(std::istreambuf_iterator<char>(in), {});
    }
    to_stdin << paste(consent_location(printed_url(printed))) << "\n";
    to_stdin.close();
    RunResult r = running.get();
    std::ifstream in(err_file);
    r.err.assign(std::istreambuf_iterator<char>(in), {});
    return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(mastodon_connects_in_the_browser_and_then_publishes) {
    std::string redirect = "http://127.0.0.1:" + std::to_string(free_port()) + "/callback";
    MastodonCli m(redirect);
    RunResult r = m.box.run({"-vv", "account", "connect", "mastodon", "--name", "social",
                             "--instance", m.instance.base_url()});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out == "connected mastodon account \"social\" (alice)\n");
    BOOST_TEST(m.instance.refusals().empty());
    BOOST_REQUIRE(m.issued.size() == 1u);
    // Debug logs name requests, never the token, the app secret or the code.
    BOOST_TEST(r.err.find(m.issued[0]) == std::string::npos);
    BOOST_TEST(r.err.find("appsecret-") == std::string::npos);
    BOOST_TEST(r.err.find("code=C-") == std::string::npos);
    auto shown = nlohmann::json::parse(m.box.ok({"account", "show", "social", "--json"}));
    BOOST_TEST(shown["platform_account_id"] == "109");
    BOOST_TEST(shown["instance_url"] == m.instance.base_url());
    BOOST_TEST(shown["token_expiry"].is_null());
    std::string dump = testing::sqlite(m.box.db_path(), ".dump");
    BOOST_TEST(dump.find(m.issued[0]) == std::string::npos, "the token is sealed");
    BOOST_TEST(dump.find("client_secret_enc") != std::string::npos);
    BOOST_TEST(dump.find("appsecret-") == std::string::npos, "the app secret is sealed");

    m.box.ok({"post", "add", "hello from a connected account", "--to", "social", "--now"});
    m.box.ok({"run"});
    BOOST_REQUIRE(m.api.statuses().size() == 1u);
    BOOST_TEST(m.api.statuses()[0].text == "hello from a connected account");

    // Connecting the same name again reconnects in place.
    std::string out = m.box.ok({"account", "connect", "mastodon", "--name", "social"});
    BOOST_TEST(out == "reconnected mastodon account \"social\" (alice)\n");
    BOOST_TEST(m.box.ok({"account", "list"}).find("social") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(mastodon_connects_headless_by_pasting_the_code) {
    MastodonCli m("");  // no redirect configured: out-of-band, the code is shown
    RunResult r =
        run_pasting(m.box,
                    {"account", "connect", "mastodon", "--name", "headless", "--no-browser",
                     "--instance", m.instance.base_url()},
                    [](const std::string& location) {
                        BOOST_TEST(location.starts_with("urn:ietf:wg:oauth:2.0:oob?code="));
                        std::string code = location.substr(location.find("code=") + 5);
                        return code.substr(0, code.find('&'));
                    });
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out == "connected mastodon account \"headless\" (alice)\n");
    BOOST_TEST(m.instance.refusals().empty());
}

// ---- X and LinkedIn through the real binary, then a post ----

namespace {

// A store, the fake OAuth server of one platform pointed at by its config,
// and the access tokens it issues (each handed to `grant`, which registers
// it with the platform's API fake).
struct ConnectCli {
    // Before the fake: its server threads record tokens until it is gone.
    std::vector<std::string> issued;
    std::mutex mutex;
    FakeOAuth oauth;
    Sandbox box;
    std::string redirect;

    ConnectCli(FakeOAuthOptions o, const std::string& platform, const std::string& api_base,
               std::function<void(const std::string&)> grant, const std::string& extra = "")
        : oauth(std::move(o)) {
        oauth.on_access_token([this, grant](const std::string& token) {
            std::lock_guard lock(mutex);
            issued.push_back(token);
            grant(token);
        });
        redirect = "http://127.0.0.1:" + std::to_string(free_port()) + "/callback";
        oauth.set_redirect_uri(redirect);
        box.env["SECRET_KEY"] = k_key;
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.write_file("config/postsched/config.toml",
                       "[platforms." + platform + "]\napi_base = \"" + api_base +
                           "\"\nauth_url = \"" + oauth.authorize_url() + "\"\ntoken_url = \"" +
                           oauth.token_url() + "\"\nredirect_uri = \"" + redirect + "\"\n" + extra);
        box.ok({"init"});
    }

    // The connect went through and its debug log shows no token, secret or code.
    void check_connected(const RunResult& r) {
        BOOST_TEST(r.code == 0, r.err);
        BOOST_TEST(oauth.refusals().empty());
        BOOST_REQUIRE(issued.size() == 1u);
        BOOST_TEST(r.err.find(issued[0]) == std::string::npos);
        BOOST_TEST(r.err.find("fake-client-SECRET") == std::string::npos);
        BOOST_TEST(r.err.find("code=") == std::string::npos);
        BOOST_TEST(testing::sqlite(box.db_path(), ".dump").find(issued[0]) == std::string::npos);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(x_connects_through_the_binary_publishes_and_refreshes_before_publishing) {
    fakes::FakeX x;
    x.set_clock([] { return k_now; });
    int grants = 0;  // the user id tells which token a tweet went out with
    ConnectCli c(
        {}, "x", x.base_url(),
        [&](const std::string& token) {
            x.add_user(token, grants++ == 0 ? "2244994945" : "2244994945-after-refresh", "brand");
        },
        "client_id = \"fake-client-id\"\n");
    c.box.env["POSTSCHED_BROWSER"] = k_browser;
    c.box.env["TWITTER_CLIENT_SECRET"] = "fake-client-SECRET-9f3a";
    RunResult r = c.box.run({"-vv", "account", "connect", "x", "--name", "brand"});
    c.check_connected(r);
    BOOST_TEST(r.out ==
               "connected x account \"brand\" (brand); token valid until "
               "2026-11-28T14:00:00.000Z\n");
    auto shown = nlohmann::json::parse(c.box.ok({"account", "show", "brand", "--json"}));
    BOOST_TEST(shown["platform_account_id"] == "2244994945");
    BOOST_TEST(shown["username"] == "brand");
    BOOST_TEST(shown["token_expiry"] == "2026-11-28T14:00:00.000Z");

    c.box.ok({"post", "add", "connected and posting", "--to", "brand", "--now"});
    c.box.ok({"run"});
    BOOST_REQUIRE(x.tweets().size() == 1u);
    BOOST_TEST(x.tweets()[0].text == "connected and posting");

    // Two and a half hours later the token has expired: the pass refreshes it
    // (X rotates the refresh token) and publishes with the new one.
    const std::string before = testing::sqlite(c.box.db_path(), ".dump");
    c.box.env["POSTSCHED_NOW"] = "2026-11-28T14:30:00Z";
    c.box.ok({"post", "add", "after the refresh", "--to", "brand", "--now"});
    r = c.box.run({"-vv", "run"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_REQUIRE(c.issued.size() == 2u);
    BOOST_TEST(r.err.find(c.issued[1]) == std::string::npos);
    BOOST_REQUIRE(x.tweets().size() == 2u);
    BOOST_TEST(x.tweets()[1].user_id == "2244994945-after-refresh");
    shown = nlohmann::json::parse(c.box.ok({"account", "show", "brand", "--json"}));
    BOOST_TEST(shown["token_expiry"] == "2026-11-28T16:30:00.000Z");
    BOOST_TEST(testing::sqlite(c.box.db_path(), ".dump").find(c.issued[1]) == std::string::npos);
    BOOST_TEST(before != testing::sqlite(c.box.db_path(), ".dump"));
}

BOOST_AUTO_TEST_CASE(linkedin_connects_through_the_binary_by_pasting_back_and_publishes) {
    fakes::FakeLinkedIn linkedin;
    linkedin.set_clock_ms(k_now.time_since_epoch().count() * 1000);
    ConnectCli c(linkedin_style(), "linkedin", linkedin.base_url(),
                 [&linkedin](const std::string& token) {
                     linkedin.add_member(token, "782bbtaQ", "Ada Lovelace",
                                         {"openid", "profile", "w_member_social"});
                 });
    c.box.env["LINKEDIN_CLIENT_ID"] = "fake-client-id";
    c.box.env["LINKEDIN_CLIENT_SECRET"] = "fake-client-SECRET-9f3a";
    // The whole redirect URL is pasted, as a user copies it from the browser.
    RunResult r = run_pasting(
        c.box, {"-vv", "account", "connect", "linkedin", "--name", "ada", "--no-browser"},
        [](const std::string& location) { return location; });
    c.check_connected(r);
    BOOST_TEST(r.out ==
               "connected linkedin account \"ada\" (782bbtaQ@example.com); token valid until "
               "2027-01-27T12:00:00.000Z\n");
    auto shown = nlohmann::json::parse(c.box.ok({"account", "show", "ada", "--json"}));
    BOOST_TEST(shown["platform_account_id"] == "urn:li:person:782bbtaQ");

    c.box.ok({"post", "add", "connected on linkedin", "--to", "ada", "--now"});
    c.box.ok({"run"});
    BOOST_REQUIRE(linkedin.posts().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_linkedin_page_connects_through_the_listener_and_posts_as_the_page) {
    fakes::FakeLinkedIn linkedin;
    linkedin.set_clock_ms(k_now.time_since_epoch().count() * 1000);
    linkedin.add_organization("2414183", "Acme Corp", {"782bbtaQ"});
    linkedin.add_organization("5550001", "Not Hers", {"someone-else"});
    ConnectCli c(linkedin_style(), "linkedin", linkedin.base_url(),
                 [&linkedin](const std::string& token) {
                     linkedin.add_member(token, "782bbtaQ", "Ada Lovelace",
                                         {"openid", "profile", "w_organization_social"});
                 });
    c.box.env["POSTSCHED_BROWSER"] = k_browser;
    c.box.env["LINKEDIN_CLIENT_ID"] = "fake-client-id";
    c.box.env["LINKEDIN_CLIENT_SECRET"] = "fake-client-SECRET-9f3a";
    RunResult r =
        c.box.run({"-vv", "account", "connect", "linkedin", "--name", "acme", "--page", "2414183"});
    c.check_connected(r);
    BOOST_TEST(c.oauth.last_authorize_query().find("w_organization_social") != std::string::npos);
    auto shown = nlohmann::json::parse(c.box.ok({"account", "show", "acme", "--json"}));
    BOOST_TEST(shown["platform_account_id"] == "urn:li:organization:2414183");
    BOOST_TEST(shown["display_name"] == "Acme Corp");
    c.box.ok({"post", "add", "from the page", "--to", "acme", "--now"});
    c.box.ok({"run"});
    BOOST_REQUIRE(linkedin.posts().size() == 1u);
    BOOST_TEST(linkedin.posts()[0].author == "urn:li:organization:2414183");

    // A page the member does not administer: LinkedIn's 403, nothing stored.
    r = c.box.run({"account", "connect", "linkedin", "--name", "other", "--page",
                   "urn:li:organization:5550001"});
    BOOST_TEST(r.code != 0);
    BOOST_TEST(r.err.find("Not enough permissions") != std::string::npos, r.err);
    BOOST_TEST(c.box.run({"account", "show", "other"}).code != 0);
    BOOST_TEST(testing::is_error(
        c.box.run({"account", "connect", "linkedin", "--name", "x", "--page", "acme"}), 64,
        {"--page \"acme\": give the LinkedIn organization as urn:li:organization:ID"}));
    BOOST_TEST(
        testing::is_error(c.box.run({"account", "connect", "x", "--name", "x", "--page", "1"}), 64,
                          {"--page is for facebook, instagram and linkedin, not x"}));
}

BOOST_AUTO_TEST_CASE(connect_names_only_the_platforms_it_can_connect_here) {
    MastodonCli m("");
    RunResult r = m.box.run({"account", "connect", "myspace", "--name", "a"});
    BOOST_TEST(r.code == 64);
    BOOST_TEST(r.err.find("unknown platform \"myspace\" for connect (known: x, linkedin, "
                          "facebook, instagram, threads, mastodon)") != std::string::npos,
               r.err);
    r = m.box.run({"account", "connect", "mastodon", "--name", "a"});
    BOOST_TEST(r.code == 64);
    BOOST_TEST(r.err.find("mastodon needs --instance URL") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(a_denied_mastodon_consent_stores_nothing_and_leaks_nothing) {
    std::string redirect = "http://127.0.0.1:" + std::to_string(free_port()) + "/callback";
    MastodonCli m(redirect);
    m.instance.set_consent(FakeOAuth::Consent::deny);
    RunResult r = m.box.run({"-vv", "account", "connect", "mastodon", "--name", "social",
                             "--instance", m.instance.base_url()});
    BOOST_TEST(r.code == 77);
    BOOST_TEST(
        r.err.find("mastodon did not authorize postsched (access_denied") != std::string::npos,
        r.err);
    BOOST_TEST(r.err.find("appsecret-") == std::string::npos);
    BOOST_TEST(m.box.ok({"account", "list", "--json"}) == "[]\n");
}

BOOST_AUTO_TEST_CASE(client_secrets_come_from_the_environment_and_are_masked) {
    Sandbox box;
    auto r = box.run({"config", "show"}, "",
                     {{"TWITTER_CLIENT_ID", "cid"}, {"TWITTER_CLIENT_SECRET", "supersecret-x"}});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("supersecret-x") == std::string::npos);
    auto at = r.out.find("platforms.x.client_secret ");
    BOOST_REQUIRE(at != std::string::npos);
    std::string line = r.out.substr(at, r.out.find('\n', at) - at);
    BOOST_TEST(line.find("********") != std::string::npos, line);
    BOOST_TEST(r.out.find("env TWITTER_CLIENT_SECRET") != std::string::npos, r.out);
    box.write_file("config/postsched/config.toml", "[platforms.x]\nclient_secret = \"s\"\n");
    r = box.run({"config", "show"});
    BOOST_TEST(testing::is_error(r, 78,
                                 {"config.toml:2: key \"platforms.x.client_secret\" may only "
                                  "be set in the environment (POSTSCHED_X_CLIENT_SECRET)"}));
}

BOOST_AUTO_TEST_SUITE_END()
