// Token refresh: the Refresher against the fake OAuth server (X rotation,
// rejection, an endpoint that is down, the lease, Threads and Bluesky
// styles) and `postsched run` / `account refresh` through the real binary,
// including two runners at once spending a rotating refresh token once.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <future>

#include "config/config.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "crypto/fernet.hpp"
#include "crypto/vault.hpp"
#include "fakes/fake_oauth.hpp"
#include "net/curl_http_client.hpp"
#include "oauth/provider.hpp"
#include "oauth/refresh.hpp"
#include "store/store.hpp"
#include "support/sandbox.hpp"

using namespace postsched;
using namespace std::chrono_literals;
using fakes::FakeOAuth;
using fakes::FakeOAuthOptions;
using Status = oauth::RefreshResult::Status;
using testing::RunResult;
using testing::Sandbox;

namespace {

const Instant k_now = *parse_utc_instant("2026-11-28T12:00:00Z");
constexpr const char* k_key = "correct horse battery staple";

struct Module {
    // Before the fake: its server threads read the clock until it stops.
    FixedClock clock{k_now};
    FakeOAuth fake;
    std::string dir =
        (std::filesystem::temp_directory_path() / ("refresh-" + random_hex(6))).string();
    std::unique_ptr<store::Store> store;
    crypto::Vault vault{{crypto::FernetKey::derive(k_key)}, "test key"};
    config::Config config;
    std::unique_ptr<net::HttpClient> http = net::make_curl_http_client(5000ms);
    oauth::Refresher refresher{*(store = open()), vault, config, *http, clock};

    explicit Module(FakeOAuthOptions o = {}) : fake(std::move(o)) {
        fake.set_clock([this] { return clock.now(); });
        for (const char* p : {"x", "threads"}) {
            auto& pc = config.platforms[p];
            pc.client_id = "fake-client-id";
            pc.client_secret = "fake-client-SECRET-9f3a";
            pc.token_url = fake.token_url();
            pc.refresh_url = fake.base_url() + "/refresh_access_token";
            pc.timeout = 5000ms;
        }
    }
    ~Module() { std::filesystem::remove_all(dir); }

    std::unique_ptr<store::Store> open() {
        auto s = store::open_store("sqlite://" + dir + "/s.db");
        s->migrate();
        return s;
    }

    Account add(const std::string& platform, const std::string& access, const std::string& refresh,
                std::optional<Instant> expiry, const std::string& instance = "") {
        Account a;
        a.id = new_uuid_v7(k_now);
        a.platform = platform;
        a.name = platform + "-acct";
        a.instance_url = instance;
        a.access_token_enc = vault.encrypt(access);
        if (!refresh.empty())
            a.refresh_token_enc = vault.encrypt(refresh);
        a.token_expiry = expiry;
        a.created_at = k_now;
        store->add_account(a);
        return a;
    }
    std::string stored_refresh(const std::string& name) {
        return vault.decrypt(store->find_account(name)->refresh_token_enc, "refresh");
    }
};

bool says(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(oauth_refresh_test)

BOOST_AUTO_TEST_CASE(an_x_token_refreshes_and_the_rotated_refresh_token_is_stored) {
    Module m;
    std::string rt = m.fake.seed_grant();
    Account a = m.add("x", "old-access", rt, k_now + 5min);
    BOOST_TEST(m.refresher.due(a, 10min));
    BOOST_TEST(!m.refresher.due(a, 1min));
    auto r = m.refresher.refresh(a, 10min);
    BOOST_TEST((r.status == Status::refreshed), r.message);
    BOOST_TEST(m.fake.access_token_valid(r.access_token));
    std::string stored = m.stored_refresh("x-acct");
    BOOST_TEST(stored != rt);
    BOOST_TEST(m.fake.refresh_token_valid(stored));
    BOOST_TEST(!m.fake.refresh_token_valid(rt), "the old refresh token died");
    auto now = *m.store->find_account("x-acct");
    BOOST_TEST((now.token_expiry == k_now + 7200s));
    BOOST_TEST(m.vault.decrypt(now.access_token_enc, "a") == r.access_token);
    BOOST_TEST(!m.refresher.due(now, 10min));
    // Not due any more under the lease: nothing spent.
    auto again = m.refresher.refresh(a, 10min);
    BOOST_TEST((again.status == Status::refreshed));
    BOOST_TEST(m.fake.refresh_requests() == 1);
    BOOST_TEST(m.fake.refusals().empty());
}

BOOST_AUTO_TEST_CASE(a_rejected_refresh_flags_the_account_and_names_it) {
    Module m;
    std::string rt = m.fake.seed_grant();
    Account a = m.add("x", "old-access", rt, k_now + 5min);
    BOOST_TEST((m.refresher.refresh(a).status == Status::refreshed));
    // The spent token back in the store (as after a crash between the call
    // and the write): using it again makes X revoke the whole grant.
    m.store->save_refreshed_tokens(a.id,
                                   {a.access_token_enc, a.refresh_token_enc, a.token_expiry, ""});
    auto r = m.refresher.refresh(a);
    BOOST_TEST((r.status == Status::rejected));
    BOOST_TEST(says(r.message, "account \"x-acct\" needs reconnecting (its targets wait)"),
               r.message);
    BOOST_TEST(says(r.message, "Value passed for the token was invalid"));
    BOOST_TEST(says(r.message, "postsched account connect x --name x-acct"));
    BOOST_TEST(m.store->find_account("x-acct")->needs_reconnect);
    BOOST_TEST(m.fake.grants_revoked() == 1);
    BOOST_TEST(!says(r.message, rt));
    BOOST_TEST(!m.refresher.due(*m.store->find_account("x-acct"), 10min),
               "a flagged account is not due");
}

BOOST_AUTO_TEST_CASE(a_token_endpoint_that_is_down_is_transient_and_releases_the_lease) {
    Module m;
    Account a = m.add("x", "old-access", m.fake.seed_grant(), k_now + 5min);
    m.fake.set_down(true);
    auto r = m.refresher.refresh(a);
    BOOST_TEST((r.status == Status::unavailable));
    BOOST_TEST(says(r.message, "will retry"));
    BOOST_TEST(says(r.message, "HTTP 503"));
    BOOST_TEST(!m.store->find_account("x-acct")->needs_reconnect);
    m.fake.set_down(false);
    BOOST_TEST((m.refresher.refresh(a).status == Status::refreshed), "the lease was released");
}

BOOST_AUTO_TEST_CASE(a_held_lease_means_busy_and_no_request) {
    Module m;
    Account a = m.add("x", "old-access", m.fake.seed_grant(), k_now + 5min);
    BOOST_TEST(m.store->take_refresh_lease(a.id, k_now, k_now + 60s));
    BOOST_TEST(!m.store->take_refresh_lease(a.id, k_now + 30s, k_now + 90s));
    auto r = m.refresher.refresh(a);
    BOOST_TEST((r.status == Status::busy));
    BOOST_TEST(m.fake.token_requests() == 0);
    m.clock.set(k_now + 61s);  // an abandoned lease expires
    BOOST_TEST((m.refresher.refresh(a).status == Status::refreshed));
}

BOOST_AUTO_TEST_CASE(threads_refreshes_its_long_lived_token_and_idle_accounts_refresh) {
    Module m;
    Account x = m.add("x", "unused", m.fake.seed_grant(), k_now + 30 * 24h);  // far from expiry
    Account t = m.add("threads", m.fake.seed_access_token(), "", k_now + 5 * 24h);
    BOOST_TEST(oauth::can_refresh(t));
    BOOST_TEST(m.refresher.refresh_idle() == 1, "threads is within its 10-day window, x is not");
    BOOST_TEST(m.fake.refresh_requests() == 1);
    BOOST_TEST(m.fake.refusals().empty());
    auto stored = *m.store->find_account("threads-acct");
    BOOST_TEST((stored.token_expiry == k_now + 5183944s));
    BOOST_TEST(m.fake.access_token_valid(m.vault.decrypt(stored.access_token_enc, "a")));
    BOOST_TEST(m.refresher.refresh_idle() == 0);
    BOOST_TEST(m.store->find_account("x-acct")->refresh_token_enc == x.refresh_token_enc);
}

BOOST_AUTO_TEST_CASE(a_bluesky_session_refreshes_with_the_refresh_jwt_as_bearer) {
    Module m;
    std::string refresh_jwt = m.fake.seed_session(k_now + 24h);
    Account b = m.add("bluesky", "old-access-jwt", refresh_jwt, k_now - 1h, m.fake.base_url());
    BOOST_TEST(m.refresher.refresh_idle() == 1, "the refresh JWT expires within 30 days");
    auto stored = *m.store->find_account("bluesky-acct");
    BOOST_TEST((stored.token_expiry == k_now + 2h));
    BOOST_TEST(says(stored.settings, "refresh_token_expiry"));
    BOOST_TEST(m.stored_refresh("bluesky-acct") != refresh_jwt);
    BOOST_TEST(m.refresher.refresh_idle() == 0, "the new session lasts 90 days");
}

// ---- through the binary ----

namespace {

std::string sealed(const std::string& plain) {
    return crypto::encrypt(crypto::FernetKey::derive(k_key), plain, 1795000000);
}

// A sandbox with an X account (no X adapter needed: refresh happens before
// claiming) whose token expires in five minutes.
struct Cli {
    FakeOAuth fake;
    Sandbox box;
    std::string account_id = new_uuid_v7(k_now);

    explicit Cli(const std::string& refresh_token) {
        box.env["SECRET_KEY"] = k_key;
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.env["POSTSCHED_X_CLIENT_ID"] = "fake-client-id";
        box.env["TWITTER_CLIENT_SECRET"] = "fake-client-SECRET-9f3a";
        box.env["POSTSCHED_X_TOKEN_URL"] = fake.token_url();
        box.ok({"init"});
        sql("INSERT INTO social_accounts (id, platform, name, access_token_encrypted, "
            "refresh_token_encrypted, token_expiry, created_at) VALUES ('" +
            account_id + "', 'x', 'xacct', '" + sealed("old-access") + "', '" +
            sealed(refresh_token) + "', '2026-11-28T12:05:00.000Z', '2026-11-28T10:00:00.000Z')");
    }
    std::string sql(const std::string& q) const { return testing::sqlite(box.db_path(), q); }
    std::string stored_refresh() const {
        std::string enc = sql("SELECT refresh_token_encrypted FROM social_accounts");
        enc.pop_back();
        return *crypto::decrypt(crypto::FernetKey::derive(k_key), enc);
    }
    void add_due_target() const {
        std::string post = new_uuid_v7(k_now), target = new_uuid_v7(k_now);
        sql("INSERT INTO scheduled_posts (id, content, scheduled_at, timezone, status, created_at, "
            "updated_at) VALUES ('" +
            post +
            "', 'hi', '2026-11-28T11:00:00.000Z', 'UTC', "
            "'pending', '2026-11-28T10:00:00.000Z', '2026-11-28T10:00:00.000Z')");
        sql("INSERT INTO post_targets (id, post_id, account_id, status, next_attempt_at, "
            "created_at, updated_at) VALUES ('" +
            target + "', '" + post + "', '" + account_id +
            "', 'pending', '2026-11-28T11:00:00.000Z', '2026-11-28T10:00:00.000Z', "
            "'2026-11-28T10:00:00.000Z')");
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(two_runners_at_once_spend_the_rotating_refresh_token_once) {
    Cli c("placeholder");
    std::string rt = c.fake.seed_grant();
    c.sql("UPDATE social_accounts SET refresh_token_encrypted = '" + sealed(rt) + "'");
    c.fake.set_token_delay(1500ms);  // both runners are inside the window together
    auto runner = [&c](const std::string& lock) {
        return c.box.run({"run"}, "", {{"POSTSCHED_LOCK_FILE", c.box.dir() + "/" + lock}});
    };
    auto a = std::async(std::launch::async, runner, "a.lock");
    auto b = std::async(std::launch::async, runner, "b.lock");
    RunResult ra = a.get(), rb = b.get();
    BOOST_TEST(ra.code == 0, ra.err);
    BOOST_TEST(rb.code == 0, rb.err);
    BOOST_TEST(c.fake.refresh_requests() == 1);
    BOOST_TEST(c.fake.grants_revoked() == 0);
    BOOST_TEST(c.fake.refresh_token_valid(c.stored_refresh()));
    BOOST_TEST(
        c.sql("SELECT token_expiry, needs_reconnect, refreshing_until FROM social_accounts") ==
        "2026-11-28T14:00:00.000Z|0|\n");
    // A later pass finds the token fresh: nothing spent.
    c.box.ok({"run"});
    BOOST_TEST(c.fake.refresh_requests() == 1);
}

BOOST_AUTO_TEST_CASE(a_revoked_refresh_token_holds_the_account_and_its_targets_wait) {
    Cli c("RT-revoked-long-ago");
    c.add_due_target();
    RunResult r = c.box.run({"run"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(says(r.err, "account \"xacct\" needs reconnecting (its targets wait)"), r.err);
    BOOST_TEST(!says(r.err, "RT-revoked-long-ago"));
    BOOST_TEST(c.sql("SELECT needs_reconnect FROM social_accounts") == "1\n");
    BOOST_TEST(c.sql("SELECT status, attempts FROM post_targets") == "pending|0\n");
    auto listed = c.box.ok({"account", "list"});
    BOOST_TEST(says(listed, "xacct"));
    c.box.ok({"run"});
    BOOST_TEST(c.fake.refresh_requests() == 1, "a flagged account is not refreshed again");
    BOOST_TEST(c.sql("SELECT status FROM post_targets") == "pending\n");
}

BOOST_AUTO_TEST_CASE(a_token_endpoint_that_is_down_leaves_the_account_alone) {
    Cli c("RT-whatever");
    c.fake.set_down(true);
    RunResult r = c.box.run({"run"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(says(r.err, "account \"xacct\": token refresh failed, will retry"), r.err);
    BOOST_TEST(c.sql("SELECT needs_reconnect, refreshing_until FROM social_accounts") == "0|\n");
}

BOOST_AUTO_TEST_CASE(missing_client_settings_hold_one_account_not_the_pass) {
    Cli c("RT-whatever");
    c.box.env.erase("POSTSCHED_X_CLIENT_ID");
    RunResult r = c.box.run({"run"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(says(r.err,
                    "account \"xacct\": cannot refresh its token: no OAuth client id for "
                    "x: set platforms.x.client_id or POSTSCHED_X_CLIENT_ID"),
               r.err);
    BOOST_TEST(c.fake.token_requests() == 0);
    BOOST_TEST(c.sql("SELECT needs_reconnect, refreshing_until FROM social_accounts") == "0|\n");
}

BOOST_AUTO_TEST_CASE(account_refresh_forces_one_and_says_when_it_cannot) {
    Cli c("placeholder");
    std::string rt = c.fake.seed_grant();
    c.sql("UPDATE social_accounts SET refresh_token_encrypted = '" + sealed(rt) +
          "', token_expiry = '2026-12-28T12:00:00.000Z'");
    std::string out = c.box.ok({"account", "refresh", "xacct"});
    BOOST_TEST(out == "account \"xacct\": token refreshed, valid until 2026-11-28T14:00:00.000Z\n");
    BOOST_TEST(!c.fake.refresh_token_valid(rt));
    // Debug logs name the requests, never a token or the client secret.
    RunResult v = c.box.run({"-vv", "account", "refresh", "xacct"});
    BOOST_TEST(v.code == 0, v.err);
    std::string now_rt = c.stored_refresh();
    for (const std::string& secret : {rt, now_rt, std::string("fake-client-SECRET-9f3a")})
        BOOST_TEST(v.err.find(secret) == std::string::npos, "a secret in the log: " << v.err);
    BOOST_TEST(v.err.find("POST " + c.fake.token_url()) != std::string::npos, v.err);
    c.fake.set_down(true);
    RunResult r = c.box.run({"account", "refresh", "xacct"});
    BOOST_TEST(testing::is_error(r, 75, {"token refresh failed, will retry", "HTTP 503"}));
    r = c.box.run({"account", "refresh", "nobody"});
    BOOST_TEST(testing::is_error(r, 65, {"no account named \"nobody\""}));
}

BOOST_AUTO_TEST_SUITE_END()
