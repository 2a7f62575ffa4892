// End to end on PostgreSQL: the real binary with store.url naming a database
// on the throwaway server, fake platforms; how the password is found and
// never shown; a connection lost mid-pass.
#include <sys/stat.h>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "fakes/fake_mastodon.hpp"
#include "support/mastodon_world.hpp"
#include "support/postgres_db.hpp"
#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::Millis;
using postsched::fakes::FakeMastodon;
using postsched::testing::is_error;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::TestDatabase;

namespace {

constexpr const char* k_token = postsched::testing::k_mastodon_token;

// The usual world on a fresh PostgreSQL database.
struct PgStore {
    TestDatabase db;
    std::map<std::string, std::string> env() const {
        auto e = db.env();
        e["POSTSCHED_STORE_URL"] = db.url();
        return e;
    }
};
struct PgWorld : PgStore, postsched::testing::MastodonWorld {
    PgWorld() : MastodonWorld(PgStore::env()) {}
    std::string sql(const std::string& statements) const { return db.sql(statements); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_run_test,
                      *boost::unit_test::precondition(postsched::testing::postgres_wanted))

BOOST_AUTO_TEST_CASE(a_pass_publishes_a_thread_to_mastodon_and_exec) {
    PgWorld w;
    std::string id = w.add({"first part\n---\nsecond part", "--to", "m,feed", "--now"});
    w.box.ok({"run"});
    auto statuses = w.mastodon.statuses();
    BOOST_REQUIRE_EQUAL(statuses.size(), 2u);
    BOOST_TEST(statuses[0].text == "first part");
    BOOST_TEST(statuses[1].in_reply_to_id == statuses[0].id);
    BOOST_TEST(w.box.read_file(w.box.dir() + "/feed.txt").find("second part") != std::string::npos);
    auto post = w.show(id);
    BOOST_TEST(post["status"] == "posted");
    for (const auto& t : post["targets"])
        BOOST_TEST(t["status"] == "posted");
    w.box.ok({"run"});
    BOOST_TEST(w.mastodon.statuses().size() == 2u);
    // The store holds no token in plain text, and instants are timestamptz.
    std::string dump = w.sql("SELECT access_token_encrypted FROM social_accounts");
    BOOST_TEST(dump.find(k_token) == std::string::npos);
    BOOST_TEST(w.sql("SELECT count(*) FROM post_targets WHERE posted_at IS NOT NULL") == "2\n");
    BOOST_TEST(w.sql("SELECT posted, claimed FROM runs ORDER BY started_at LIMIT 1") == "2|2\n");
}

BOOST_AUTO_TEST_CASE(every_command_works_the_same_on_postgresql) {
    PgWorld w;
    auto status = json::parse(w.box.ok({"db", "status", "--json"}));
    BOOST_TEST(status["up_to_date"] == true);
    BOOST_TEST(status["store"] == w.db.url());
    BOOST_TEST(w.box.ok({"db", "migrate"}).find("0 migration(s) applied") == 0);
    BOOST_TEST(w.box.ok({"account", "list"}).find("feed") != std::string::npos);

    std::string draft = w.add({"a draft", "--to", "m", "--now", "--draft"});
    std::string later = w.add({"later", "--to", "m", "--at", "2026-11-29T09:00:00Z"});
    std::string broken_id;
    w.box.ok({"account", "add", "exec", "--name", "broken", "--command",
              "echo 'quota exceeded' >&2; exit 3"});
    broken_id = w.add({"to a broken account", "--to", "broken", "--now"});
    BOOST_TEST(w.show(draft)["status"] == "draft");
    std::string dry = w.box.ok({"run", "--dry-run"});
    BOOST_TEST(dry.find(broken_id) != std::string::npos);
    BOOST_TEST(w.sql("SELECT count(*) FROM runs") == "0\n");
    w.box.ok({"post", "approve", draft});
    w.box.ok({"post", "edit", later, "--text", "later, edited"});
    w.box.ok({"post", "reschedule", later, "--at", "2026-11-29T10:00:00Z"});
    w.box.ok({"run"});
    BOOST_TEST(w.show(draft)["status"] == "posted");
    auto failed = w.show(broken_id);
    BOOST_TEST(failed["status"] == "failed");
    BOOST_TEST(failed["targets"][0]["error"].get<std::string>().find("quota exceeded") !=
               std::string::npos);
    auto list = json::parse(w.box.ok({"post", "list", "--json"}));
    BOOST_TEST(list.size() == 3u);
    BOOST_TEST(list.back()["id"] == later);
    BOOST_TEST(list.back()["parts"][0] == "later, edited");
    // retry by target prefix, then cancel what is left.
    std::string target = failed["targets"][0]["id"];
    w.box.ok({"retry", target.substr(0, 30)});
    BOOST_TEST(w.show(broken_id)["targets"][0]["status"] == "pending");
    w.box.ok({"post", "cancel", later});
    BOOST_TEST(w.show(later)["status"] == "cancelled");
    w.sql("UPDATE post_targets SET status = 'unknown' WHERE id = '" + target + "'");
    w.box.ok({"target", "resolve", target, "--posted", "https://example.org/1"});
    BOOST_TEST(w.show(broken_id)["status"] == "posted");
    w.box.ok({"account", "remove", "feed"});
    BOOST_TEST(w.box.ok({"account", "list"}).find("feed") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(overlapping_runs_publish_each_target_once) {
    PgWorld w;
    postsched::testing::publish_in_overlapping_runs(w);
    BOOST_TEST(w.sql("SELECT count(*) FROM post_targets WHERE status = 'posted'") == "30\n");
}

BOOST_AUTO_TEST_CASE(an_interrupted_send_is_settled_after_its_lease_not_repeated) {
    PgWorld w;
    std::string id = w.add({"settle me", "--to", "m", "--now"});
    w.box.ok({"run"});
    BOOST_REQUIRE(w.mastodon.statuses().size() == 1u);
    // As if the pass died after the platform accepted and before recording;
    // its lease ran out a minute ago on the database's clock.
    w.sql(
        "UPDATE post_targets SET status = 'sending', claimed_until = now() - interval '1 minute', "
        "sending_at = '2026-11-28T12:00:00Z', claim_token = 'dead'; "
        "UPDATE scheduled_posts SET status = 'posting'");
    w.box.ok({"run"});
    BOOST_TEST(w.mastodon.statuses().size() == 1u);
    auto post = w.show(id);
    BOOST_TEST(post["targets"][0]["status"] == "posted");
    BOOST_TEST(post["status"] == "posted");
}

BOOST_AUTO_TEST_CASE(an_unreachable_store_is_exit_69_and_no_password_is_shown) {
    Sandbox box;
    box.env["SECRET_KEY"] = "correct horse battery staple";
    box.env["POSTSCHED_STORE_URL"] = "postgresql://postsched:s3cret-pw@127.0.0.1:1/nowhere";
    for (const auto& cmd : std::vector<std::vector<std::string>>{
             {"post", "list"}, {"run"}, {"db", "migrate"}, {"db", "status"}}) {
        RunResult r = box.run(cmd);
        BOOST_TEST(is_error(
            r, 69, {"cannot reach the PostgreSQL store at 127.0.0.1:1/nowhere: ", "refused"}));
        BOOST_TEST(r.err.find("s3cret-pw") == std::string::npos, r.err);
    }
}

BOOST_AUTO_TEST_CASE(the_password_comes_from_pgpassword_pgpass_or_a_password_file) {
    TestDatabase db;
    const char* pw = std::getenv("PGPASSWORD");
    BOOST_REQUIRE_MESSAGE(pw, "the test server's password comes in PGPASSWORD");
    Sandbox box;
    box.env["POSTSCHED_STORE_URL"] = db.url();
    // No password at all: libpq's own message, exit 69.
    RunResult none = box.run({"db", "migrate"});
    BOOST_TEST(is_error(none, 69, {"cannot reach the PostgreSQL store at "}));
    // A wrong one: refused, and never echoed.
    RunResult wrong = box.run({"db", "migrate"}, "", {{"PGPASSWORD", "not-the-password-42"}});
    BOOST_TEST(is_error(wrong, 69, {"password authentication failed"}));
    BOOST_TEST(wrong.err.find("not-the-password-42") == std::string::npos);
    // ~/.pgpass (mode 0600), as libpq reads it.
    box.write_file(".pgpass", std::string("*:*:*:*:") + pw + "\n");
    ::chmod((box.dir() + "/.pgpass").c_str(), 0600);
    BOOST_TEST(box.ok({"db", "migrate"}).find("1 migration(s) applied") == 0);
    // A password file named in the URL (libpq's passfile parameter).
    box.write_file("secrets/pg.pass", std::string("*:*:*:*:") + pw + "\n");
    ::chmod((box.dir() + "/secrets/pg.pass").c_str(), 0600);
    std::filesystem::remove(box.dir() + "/.pgpass");
    box.env["POSTSCHED_STORE_URL"] = db.url() + "?passfile=" + box.dir() + "/secrets/pg.pass";
    auto status = json::parse(box.ok({"db", "status", "--json"}));
    BOOST_TEST(status["up_to_date"] == true);
    // A password written into the URL works, and output masks it.
    auto at = db.url().find('@');
    box.env["POSTSCHED_STORE_URL"] = db.url().substr(0, at) + ":" + pw + db.url().substr(at);
    std::string out = box.ok({"db", "status"});
    BOOST_TEST(out.find(pw) == std::string::npos, out);
    BOOST_TEST(out.find(":********@") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(a_connection_lost_mid_pass_loses_nothing) {
    PgWorld w;
    for (int i = 0; i < 5; ++i)
        w.add({"lost " + std::to_string(i), "--to", "m", "--now"});
    w.mastodon.delay_statuses(Millis(500), 1);
    const std::map<std::string, std::string> env{{"POSTSCHED_LEASE", "2s"},
                                                 {"POSTSCHED_CONCURRENCY", "1"}};
    RunResult first;
    std::thread runner([&] { first = w.box.run({"run"}, "", env); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (w.mastodon.status_requests() < 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(Millis(10));
    // The first publish is in flight: the server drops the runner's session.
    w.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + w.db.name() +
          "' AND application_name = 'postsched'");
    runner.join();
    BOOST_TEST(is_error(first, 69, {"lost the connection to the PostgreSQL store at "}));
    // After the lease the next pass settles the in-flight one and sends the rest.
    std::this_thread::sleep_for(Millis(2500));
    w.box.ok({"run"}, "");
    auto statuses = w.mastodon.statuses();
    BOOST_TEST(statuses.size() == 5u);
    BOOST_TEST(postsched::testing::texts_of(statuses).size() == 5u);
    BOOST_TEST(w.sql("SELECT count(*) FROM post_targets WHERE status = 'posted'") == "5\n");
}

BOOST_AUTO_TEST_SUITE_END()
