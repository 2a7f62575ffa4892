// Overlapping passes (issue 4): 20 `postsched run` processes started at once.
// On one SQLite store the run lock lets exactly one of them work while the
// others exit 0 without a word; with --wait they take turns. On PostgreSQL,
// 20 hosts with their own lock files share the backlog through SKIP LOCKED.
// Either way each due target is published exactly once, as counted by the
// fake Mastodon per Idempotency-Key.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "fakes/fake_mastodon.hpp"
#include "support/postgres_db.hpp"
#include "support/runner_farm.hpp"
#include "support/sandbox.hpp"

using postsched::Millis;
using postsched::fakes::FakeMastodon;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;

namespace {

constexpr int k_runs = 20;
constexpr int k_accounts = 4;

// A SQLite store with `posts` due posts over four mastodon accounts.
struct Backlog {
    FakeMastodon fake;
    Sandbox box;
    int posts;

    explicit Backlog(int n) : posts(n) {
        box.env["SECRET_KEY"] = "concurrent runs passphrase";
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        for (int i = 0; i < k_accounts; ++i) {
            const std::string token = "overlap-token-" + std::to_string(i) + "-0123456789";
            fake.add_account(token, std::to_string(i + 1), "user" + std::to_string(i));
            box.env["MTOKEN" + std::to_string(i)] = token;
        }
        box.ok({"init"});
        for (int i = 0; i < k_accounts; ++i)
            box.ok({"account", "add", "mastodon", "--name", "m" + std::to_string(i), "--instance",
                    fake.base_url(), "--token-env", "MTOKEN" + std::to_string(i)});
        std::string csv = "scheduled_at,timezone,accounts,content\n";
        for (int i = 0; i < n; ++i)
            csv += "2026-11-28T12:00:00Z,UTC,m" + std::to_string(i % k_accounts) +
                   ",overlap post " + std::to_string(i) + "\n";
        box.write_file("backlog.csv", csv);
        box.ok({"import", box.dir() + "/backlog.csv"});
    }

    // Starts k_runs `postsched run` at once (threads, so they overlap), returns their results.
    std::vector<RunResult> run_all(const std::vector<std::string>& args) {
        std::vector<RunResult> results(k_runs);
        std::vector<std::thread> threads;
        for (int i = 0; i < k_runs; ++i)
            threads.emplace_back([&, i] { results[i] = box.run(args); });
        for (auto& t : threads)
            t.join();
        return results;
    }

    // Every target posted, every status created once, one per target.
    void check_exactly_once() {
        std::map<std::string, int> per_key;
        std::set<std::string> texts;
        for (const auto& s : fake.statuses()) {
            ++per_key[s.idempotency_key];
            texts.insert(s.text);
        }
        BOOST_TEST(fake.statuses().size() == static_cast<std::size_t>(posts));
        BOOST_TEST(texts.size() == static_cast<std::size_t>(posts));
        for (const auto& [key, n] : per_key)
            BOOST_TEST(n == 1, "Idempotency-Key " << key << " created " << n << " statuses");
        BOOST_TEST(sqlite(box.db_path(), "SELECT status, count(*) FROM post_targets GROUP BY 1") ==
                   "posted|" + std::to_string(posts) + "\n");
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(concurrent_runs_test)

BOOST_AUTO_TEST_CASE(twenty_runs_at_once_on_sqlite_one_works_the_others_exit_quietly) {
    Backlog b(40);
    // 40 statuses at 60 ms each over 4 workers: the winner holds the lock
    // for about 0.6 s, while the other 19 start.
    b.fake.delay_statuses(Millis(60), 40);
    const auto results = b.run_all({"run", "--json"});
    int worked = 0, quiet = 0, idle = 0;
    for (const auto& r : results) {
        BOOST_TEST(r.code == 0, "exit " << r.code << ": " << r.err);
        BOOST_TEST(r.err.empty(), r.err);
        if (r.out.empty()) {
            ++quiet;  // lost the lock: nothing printed at all
            continue;
        }
        const auto j = nlohmann::json::parse(r.out);
        if (j["claimed"].get<int>() > 0) {
            ++worked;
            BOOST_TEST(j["posted"].get<int>() == 40);
        } else {
            ++idle;  // started after the winner had finished: an empty pass
        }
    }
    BOOST_TEST_MESSAGE(worked << " pass worked, " << quiet << " found the lock taken, " << idle
                              << " came after it and found nothing due");
    BOOST_TEST(worked == 1);
    BOOST_TEST(quiet >= k_runs / 2);  // most really overlapped the winner
    b.check_exactly_once();
    // Only passes that held the lock are recorded.
    BOOST_TEST(sqlite(b.box.db_path(), "SELECT count(*), sum(posted) FROM runs") ==
               std::to_string(worked + idle) + "|40\n");
}

BOOST_AUTO_TEST_CASE(twenty_runs_with_wait_take_turns_on_sqlite) {
    Backlog b(40);
    b.fake.delay_statuses(Millis(20), 40);
    const auto results = b.run_all({"run", "--json", "--wait", "60"});
    int worked = 0;
    for (const auto& r : results) {
        BOOST_TEST(r.code == 0, "exit " << r.code << ": " << r.err);
        BOOST_REQUIRE_MESSAGE(!r.out.empty(), "a --wait run gave up on the lock");
        worked += nlohmann::json::parse(r.out)["claimed"].get<int>() > 0;
    }
    BOOST_TEST(worked == 1);
    b.check_exactly_once();
    BOOST_TEST(sqlite(b.box.db_path(), "SELECT count(*), sum(posted) FROM runs") ==
               std::to_string(k_runs) + "|40\n");
}

BOOST_AUTO_TEST_CASE(twenty_hosts_share_a_postgresql_backlog,
                     *boost::unit_test::precondition(postsched::testing::postgres_wanted)) {
    postsched::testing::TestDatabase db;
    FakeMastodon fake;
    postsched::testing::RunnerFarm farm(db.url(), db.env(), fake, 20);
    farm.seed(400, "shared post");
    fake.delay_statuses(Millis(10), 400);
    std::vector<postsched::testing::PassResult> results(k_runs);
    std::vector<std::thread> hosts;
    for (int i = 0; i < k_runs; ++i)
        hosts.emplace_back([&, i] {
            results[i] = farm.pass("host" + std::to_string(i), {"--limit", "40"});
        });
    for (auto& h : hosts)
        h.join();
    int posted = 0, working = 0;
    for (int i = 0; i < k_runs; ++i) {
        BOOST_TEST(results[i].code == 0, "host" << i << ": " << results[i].err);
        BOOST_TEST(results[i].failed == 0);
        posted += results[i].posted;
        working += results[i].posted > 0;
    }
    BOOST_TEST_MESSAGE(working << " of " << k_runs << " hosts published, " << posted
                               << " targets in the concurrent passes");
    BOOST_TEST(working >= 2);  // the backlog really was shared
    const auto rest = farm.drain("host0");
    BOOST_TEST(rest.errors.empty());
    BOOST_TEST(posted + rest.posted == 400);
    std::map<std::string, int> per_key;
    for (const auto& s : fake.statuses())
        ++per_key[s.idempotency_key];
    BOOST_TEST(fake.statuses().size() == 400u);
    BOOST_TEST(per_key.size() == 400u);
    BOOST_TEST(db.sql("SELECT status, count(*) FROM post_targets GROUP BY 1") == "posted|400\n");
}

BOOST_AUTO_TEST_SUITE_END()
