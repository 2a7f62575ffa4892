// Several hosts, one PostgreSQL backlog (issue 7): `postsched run` processes
// with separate lock files share 2,000 due targets through FOR UPDATE SKIP
// LOCKED; one of them dies by kill -9 mid-pass and the others and a later
// pass finish its claimed work after the lease. The fake Mastodon honours
// Idempotency-Key, so "exactly once" is checked on what it created.
#include <signal.h>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <set>
#include <thread>

#include "fakes/fake_mastodon.hpp"
#include "support/postgres_db.hpp"
#include "support/runner_farm.hpp"

using postsched::Millis;
using postsched::fakes::FakeMastodon;
using postsched::testing::PassResult;
using postsched::testing::RunnerFarm;
using postsched::testing::RunnerTotals;
using postsched::testing::TestDatabase;

namespace {

int count(const TestDatabase& db, const std::string& where) {
    return std::stoi(db.sql("SELECT count(*) FROM post_targets WHERE " + where));
}

// Every status the fake created is a distinct backlog post, `n` of them.
void check_exactly_once(const FakeMastodon& fake, int n, const std::string& prefix) {
    auto statuses = fake.statuses();
    std::set<std::string> texts;
    for (const auto& s : statuses)
        texts.insert(s.text);
    BOOST_TEST(statuses.size() == static_cast<std::size_t>(n));
    BOOST_TEST(texts.size() == static_cast<std::size_t>(n));
    for (int i : {0, n / 2, n - 1})
        BOOST_TEST(texts.count(prefix + " " + std::to_string(i)) == 1u, prefix << " " << i);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_multi_runner_test,
                      *boost::unit_test::precondition(postsched::testing::postgres_wanted))

BOOST_AUTO_TEST_CASE(four_hosts_share_a_backlog_and_publish_each_target_once) {
    TestDatabase db;
    FakeMastodon fake;
    RunnerFarm farm(db.url(), db.env(), fake, 40);
    farm.seed(2000);
    fake.delay_statuses(Millis(5), 2000);
    // Four processes at once, each claiming at most 500: none can finish the
    // backlog alone, so each publishes some, and together they publish all.
    const std::map<std::string, std::string> env{{"POSTSCHED_TIME_BUDGET", "170s"}};
    std::vector<PassResult> results(4);
    std::vector<std::thread> hosts;
    for (int i = 0; i < 4; ++i)
        hosts.emplace_back([&, i] {
            results[i] = farm.pass("host" + std::to_string(i), {"--limit", "500"}, env);
        });
    for (auto& h : hosts)
        h.join();
    int posted = 0;
    for (int i = 0; i < 4; ++i) {
        BOOST_TEST_CONTEXT("host" << i) {
            BOOST_TEST(results[i].code == 0, results[i].err);
            BOOST_TEST(results[i].posted > 0);
            BOOST_TEST(results[i].failed == 0);
        }
        posted += results[i].posted;
    }
    // Whatever a slow machine left for later (time budget) goes in a next pass.
    RunnerTotals rest = farm.drain("host0", {}, env);
    BOOST_TEST(rest.errors.empty());
    BOOST_TEST(posted + rest.posted == 2000);
    check_exactly_once(fake, 2000, "backlog post");
    BOOST_TEST(count(db, "status = 'posted'") == 2000);
    BOOST_TEST(db.sql("SELECT count(*) FROM scheduled_posts WHERE status <> 'posted'") == "0\n");
    // The runs table shows the four hosts' passes and what each published.
    BOOST_TEST(db.sql("SELECT sum(posted) FROM runs") == "2000\n");
    BOOST_TEST(std::stoi(db.sql("SELECT count(DISTINCT pid) FROM runs WHERE posted > 0")) >= 4);
}

BOOST_AUTO_TEST_CASE(a_runner_killed_mid_pass_loses_nothing_and_duplicates_nothing) {
    TestDatabase db;
    FakeMastodon fake;
    RunnerFarm farm(db.url(), db.env(), fake, 20);
    farm.seed(400);
    fake.delay_statuses(Millis(40), 400);
    // A short lease so the test need not wait long for the dead host's claims.
    const std::map<std::string, std::string> env{{"POSTSCHED_LEASE", "4s"}};
    pid_t victim = farm.spawn("victim", {"--limit", "60"}, env);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (count(db, "status IN ('sending','posted')") < 8 &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(Millis(20));
    ::kill(victim, SIGKILL);
    BOOST_TEST(postsched::testing::wait_for(victim) == 128 + SIGKILL);
    int held = count(db, "status IN ('claimed','sending')");
    BOOST_TEST(held > 0, "the victim died holding no claims");
    BOOST_TEST_MESSAGE("the killed runner held " << held << " claimed or sending targets");

    // The other hosts work through what is free; the dead host's claims wait
    // for their lease.
    std::vector<RunnerTotals> totals(3);
    std::vector<std::thread> hosts;
    for (int i = 0; i < 3; ++i)
        hosts.emplace_back([&, i] {
            totals[i] = farm.drain("host" + std::to_string(i), {"--limit", "40"}, env);
        });
    for (auto& h : hosts)
        h.join();
    for (const auto& t : totals)
        BOOST_TEST(t.errors.empty());
    // The next pass, once the lease has run out on the database's clock.
    std::this_thread::sleep_for(std::chrono::milliseconds(4500));
    RunnerTotals next = farm.drain("host0", {}, env);
    BOOST_TEST(next.errors.empty());
    int recovered = next.recovered;
    for (const auto& t : totals)
        recovered += t.recovered;
    BOOST_TEST(recovered >= held);
    check_exactly_once(fake, 400, "backlog post");
    BOOST_TEST(count(db, "status = 'posted'") == 400);
    BOOST_TEST(count(db, "status <> 'posted'") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
