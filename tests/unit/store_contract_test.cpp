// The Store contract. Written against the interface so the same cases
// (store_contract_cases.inc) run on every implementation: the suite
// store_contract_test/sqlite and store_contract_test/postgresql, the latter on
// the throwaway server tools/test.sh starts (support/postgres_db.hpp).
#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/test/unit_test.hpp>

#include <pqxx/connection>
#include <pqxx/transaction>

#include <filesystem>
#include <set>
#include <thread>

#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"
#include "support/postgres_db.hpp"

using namespace postsched;
using namespace postsched::store;
using postsched::testing::TestDatabase;

namespace {

const Instant k_t0 = *parse_utc_instant("2026-11-28T12:00:00Z");
const Millis k_lease{300000};
const Millis k_late{6 * 3600000};

}  // namespace

// Named, not anonymous: the cases come from an included file, and GCC warns
// about bases from an anonymous namespace there.
namespace store_contract_fixtures {

// What the cases need; each store's fixture below opens `s` on `url`.
struct StoreFixture {
    std::string url;
    std::unique_ptr<Store> s;

    void open(const std::string& store_url) {
        url = store_url;
        s = open_store(url);
        s->migrate();
    }

    Account account(const std::string& name) {
        Account a;
        a.id = new_uuid_v7(k_t0);
        a.platform = "exec";
        a.name = name;
        a.created_at = k_t0;
        s->add_account(a);
        return a;
    }
    // A post due at `at` targeting `accounts`; returns the post id.
    std::string post(const std::vector<Account>& accounts, Instant at,
                     PostStatus status = PostStatus::pending, std::optional<Millis> late = {}) {
        Post p;
        p.id = new_uuid_v7(k_t0);
        p.parts = {"hello"};
        p.scheduled_at = at;
        p.timezone = "UTC";
        p.status = status;
        p.max_lateness = late;
        p.created_at = p.updated_at = k_t0;
        std::vector<Target> ts;
        for (const auto& a : accounts) {
            Target t;
            t.id = new_uuid_v7(k_t0);
            t.post_id = p.id;
            t.account_id = a.id;
            t.next_attempt_at = at;
            ts.push_back(t);
        }
        s->add_post(p, ts);
        return p.id;
    }
    ClaimResult claim(Instant now, const std::string& token, int limit = 100) {
        return s->claim_due(now, limit, now + k_lease, token, k_late);
    }
    PostView view(const std::string& id) { return *s->get_post(id); }
};

struct SqliteFixture : StoreFixture {
    std::string dir;
    SqliteFixture() {
        dir = (std::filesystem::temp_directory_path() / ("store-" + random_hex(6))).string();
        open("sqlite://" + dir + "/s.db");
    }
    ~SqliteFixture() { std::filesystem::remove_all(dir); }
    void raw_sql(const std::string& sql) {
        SQLite::Database db(dir + "/s.db", SQLite::OPEN_READWRITE);
        db.exec(sql);
    }
    // Leases follow the instants the caller passes: nothing to do.
    void let_leases_expire(Millis) {}
};

struct PostgresFixture : StoreFixture {
    TestDatabase db;
    PostgresFixture() { open(db.url()); }
    void raw_sql(const std::string& sql) { db.sql(sql); }
    // Leases run on the database clock, which tests cannot move: move the
    // leases back instead, as if `elapsed` had passed on the server.
    void let_leases_expire(Millis elapsed) {
        db.sql("UPDATE post_targets SET claimed_until = claimed_until - " +
               std::to_string(elapsed.count()) + " * interval '1 millisecond'");
    }
};

}  // namespace store_contract_fixtures

namespace {

TargetUpdate posted() {
    TargetUpdate u;
    u.status = TargetStatus::posted;
    u.platform_post_id = "1";
    u.url = "https://example.org/1";
    u.posted_at = k_t0;
    return u;
}

TargetUpdate failed() {
    TargetUpdate u;
    u.status = TargetStatus::failed;
    u.error_message = "rejected";
    return u;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(store_contract_test)

BOOST_AUTO_TEST_SUITE(sqlite)
using Fixture = store_contract_fixtures::SqliteFixture;
#include "store_contract_cases.inc"
BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(postgresql, *boost::unit_test::precondition(testing::postgres_wanted))
using Fixture = store_contract_fixtures::PostgresFixture;
#include "store_contract_cases.inc"

// ---- PostgreSQL only: several hosts, the database clock, connections ----

BOOST_FIXTURE_TEST_CASE(leases_run_on_the_database_clock_not_the_callers, Fixture) {
    auto a = account("a"), b = account("b");
    post({a, b}, k_t0);
    // A host whose clock is a year ahead claims with a one-second lease ...
    Instant ahead = k_t0 + Millis{365LL * 86400000};
    auto c = s->claim_due(ahead, 10, ahead + Millis{1000}, "tok", Millis{400LL * 86400000}).claimed;
    BOOST_REQUIRE(c.size() == 2u);
    BOOST_TEST(s->mark_sending(c[0].target.id, "tok", ahead, ahead + Millis{1000}));
    // ... and another host, further ahead still, cannot take the claims over.
    Instant further = ahead + Millis{86400000};
    BOOST_TEST(s->release_expired_claims(further) == 0);
    BOOST_TEST(s->take_expired_sending(further, further + k_lease, "tok2", 10).empty());
    std::this_thread::sleep_for(Millis{1200});
    // A second later on the server, a host whose clock is behind takes them.
    BOOST_TEST(s->release_expired_claims(k_t0) == 1);
    auto settling = s->take_expired_sending(k_t0, k_t0 + k_lease, "tok2", 10);
    BOOST_REQUIRE(settling.size() == 1u);
    BOOST_TEST(settling[0].target.id == c[0].target.id);
}

BOOST_FIXTURE_TEST_CASE(claims_lock_targets_not_accounts_and_skip_locked_targets, Fixture) {
    auto a = account("a");
    for (int i = 0; i < 5; ++i)
        post({a}, k_t0);
    auto due = s->peek_due(k_t0, 10);
    BOOST_REQUIRE(due.size() == 5u);
    // Another session holds the account row and one target row.
    pqxx::connection other(db.url());
    pqxx::work tx(other);
    tx.exec("SELECT 1 FROM social_accounts FOR UPDATE");
    tx.exec("SELECT 1 FROM post_targets WHERE id = " + tx.quote(due[0].target.id) + " FOR UPDATE");
    auto quick = open_store(db.url(), Millis{2000});
    auto c = quick->claim_due(k_t0, 10, k_t0 + k_lease, "tok", k_late).claimed;
    BOOST_TEST(c.size() == 4u);
    for (const auto& x : c)
        BOOST_TEST(x.target.id != due[0].target.id);
    tx.abort();
    BOOST_TEST(quick->claim_due(k_t0, 10, k_t0 + k_lease, "tok2", k_late).claimed.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(hosts_migrating_at_once_apply_each_migration_once, Fixture) {
    TestDatabase fresh;
    std::vector<int> applied(4, -1);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] { applied[i] = open_store(fresh.url())->migrate(); });
    for (auto& t : threads)
        t.join();
    int total = 0;
    for (int n : applied)
        total += n;
    BOOST_TEST(total == s->latest_version());
    BOOST_TEST(fresh.sql("SELECT count(*) FROM schema_migrations") ==
               std::to_string(s->latest_version()) + "\n");
}

BOOST_FIXTURE_TEST_CASE(an_unreachable_server_is_unavailable_and_names_no_secret, Fixture) {
    try {
        open_store("postgresql://bob:hunter2-secret@127.0.0.1:1/backlog");
        BOOST_FAIL("connected to port 1");
    } catch (const Error& e) {
        std::string what = e.what();
        BOOST_TEST((e.code() == Exit::unavailable));
        BOOST_TEST(what.rfind("cannot reach the PostgreSQL store at 127.0.0.1:1/backlog: ", 0) == 0,
                   what);
        BOOST_TEST(what.find("refused") != std::string::npos, what);
        BOOST_TEST(what.find("hunter2") == std::string::npos, what);
        BOOST_TEST(what.find('\n') == std::string::npos, what);
    }
    try {
        open_store(db.url() + "?password=wrong-secret-pw");
        BOOST_FAIL("a wrong password was accepted");
    } catch (const Error& e) {
        std::string what = e.what();
        BOOST_TEST((e.code() == Exit::unavailable));
        BOOST_TEST(what.find("password authentication failed") != std::string::npos, what);
        BOOST_TEST(what.find("wrong-secret-pw") == std::string::npos, what);
    }
    BOOST_CHECK_EXCEPTION(open_store("postgresql://host/db?no_such_option=1"), Error,
                          [](const Error& e) { return e.code() == Exit::config; });
}

BOOST_FIXTURE_TEST_CASE(a_lost_connection_stops_the_store_and_loses_no_claim, Fixture) {
    auto a = account("a");
    post({a}, k_t0);
    auto c = s->claim_due(k_t0, 10, k_t0 + Millis{1000}, "tok", k_late).claimed;
    BOOST_REQUIRE(c.size() == 1u);
    db.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name() +
           "' AND pid <> pg_backend_pid()");
    // That call and every later one fail: the pass stops instead of going on
    // with a half-recorded state.
    for (int i = 0; i < 2; ++i) {
        try {
            s->mark_sending(c[0].target.id, "tok", k_t0, k_t0 + k_lease);
            BOOST_FAIL("the call went through a terminated connection");
        } catch (const Error& e) {
            BOOST_TEST((e.code() == Exit::unavailable));
            BOOST_TEST(std::string(e.what()).rfind(
                           "lost the connection to the PostgreSQL store at ", 0) == 0,
                       e.what());
        }
    }
    // The claim made before is intact, and comes back after its lease.
    auto next = open_store(url);
    BOOST_TEST((next->get_target(c[0].target.id)->status == TargetStatus::claimed));
    std::this_thread::sleep_for(Millis{1100});
    BOOST_TEST(next->release_expired_claims(k_t0) == 1);
    BOOST_TEST(next->claim_due(k_t0, 10, k_t0 + k_lease, "tok2", k_late).claimed.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
