// post publish, post add --publish (with idempotency keys, also on a fresh
// store), stats, check and db prune: the real binary against the fake Mastodon.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "support/mastodon_world.hpp"
#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::testing::is_error;
using postsched::testing::MastodonWorld;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;

namespace {

const char* const k_future = "2026-12-24T18:00:00+01:00";

json parse(const RunResult& r) {
    BOOST_TEST_INFO("stdout: " << r.out << "\nstderr: " << r.err);
    return json::parse(r.out);
}

json target_of(const json& summary, const std::string& account) {
    for (const auto& t : summary["targets"])
        if (t["account"] == account)
            return t;
    return json();
}

std::vector<std::string> ci_command(const std::string& text) {
    return {"post",        "add",   text, "--to", "m", "--publish", "--idempotency-key",
            "release-1.2", "--json"};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_publish_test)

BOOST_AUTO_TEST_CASE(post_publish_sends_a_future_post_now_and_prints_its_url) {
    MastodonWorld w;
    std::string id = w.add({"ahead of time", "--to", "m,feed", "--at", k_future});
    RunResult r = w.box.run({"post", "publish", id});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.code == 0);
    auto statuses = w.mastodon.statuses();
    BOOST_TEST_REQUIRE(statuses.size() == 1u);
    std::string url = target_of(w.show(id), "m")["url"];
    BOOST_TEST(!url.empty());
    BOOST_TEST(r.out.find(url) != std::string::npos);
    BOOST_TEST(r.out.find("feed") != std::string::npos);
    BOOST_TEST(w.show(id)["status"] == "posted");
    // Published posts are not published again.
    BOOST_TEST(w.box.run({"post", "publish", id}).code == 0);
    BOOST_TEST(w.mastodon.statuses().size() == 1u);
}

BOOST_AUTO_TEST_CASE(post_publish_exits_1_when_a_target_failed_with_the_platform_text) {
    MastodonWorld w;
    std::string id = w.add({"refused", "--to", "m,feed", "--now"});
    w.mastodon.fail_statuses(422, R"({"error":"Validation failed: Text is spam"})");
    RunResult r = w.box.run({"post", "publish", id, "--json"});
    BOOST_TEST(r.code == 1);
    json s = parse(r);
    BOOST_TEST(target_of(s, "m")["status"] == "failed");
    BOOST_TEST(target_of(s, "m")["error"].get<std::string>().find("Text is spam") !=
               std::string::npos);
    BOOST_TEST(target_of(s, "feed")["status"] == "posted");
    BOOST_TEST(s["exit_code"] == 1);
}

BOOST_AUTO_TEST_CASE(post_publish_exits_75_when_rate_limited_and_then_does_not_call) {
    MastodonWorld w;
    std::string id = w.add({"later please", "--to", "m", "--now"});
    w.mastodon.rate_limit_statuses("2026-11-28T12:30:00.000Z");
    RunResult r = w.box.run({"post", "publish", id, "--json"});
    BOOST_TEST(r.code == 75);
    BOOST_TEST(target_of(parse(r), "m")["status"] == "pending");
    int calls = w.mastodon.status_requests();
    RunResult again = w.box.run({"post", "publish", id});
    BOOST_TEST(again.code == 75);
    BOOST_TEST(again.out.find("rate-limited until 2026-11-28T12:30") != std::string::npos);
    BOOST_TEST(w.mastodon.status_requests() == calls);  // held: the platform is not called
}

BOOST_AUTO_TEST_CASE(post_publish_refuses_a_draft_and_an_unknown_id) {
    MastodonWorld w;
    std::string id = w.add({"not yet", "--to", "m", "--now", "--draft"});
    BOOST_TEST(is_error(w.box.run({"post", "publish", id}), 65, {"draft", "approve"}));
    BOOST_TEST(is_error(w.box.run({"post", "publish", "nope"}), 65, {"no post"}));
    BOOST_TEST(w.mastodon.status_requests() == 0);
}

BOOST_AUTO_TEST_CASE(ci_rerun_with_the_same_key_publishes_nothing_twice) {
    MastodonWorld w;
    RunResult first = w.box.run(ci_command("v1.2 is out"));
    BOOST_TEST(first.code == 0);
    std::string url = target_of(parse(first), "m")["url"];
    BOOST_TEST(!url.empty());
    RunResult again = w.box.run(ci_command("v1.2 is out"));
    BOOST_TEST(again.code == 0);
    BOOST_TEST(target_of(parse(again), "m")["url"] == url);
    BOOST_TEST(w.mastodon.statuses().size() == 1u);
    // The same key with another text is refused, naming the key.
    BOOST_TEST(is_error(w.box.run(ci_command("v1.3 is out")), 65, {"release-1.2"}));
    BOOST_TEST(w.mastodon.statuses().size() == 1u);
}

BOOST_AUTO_TEST_CASE(ci_rerun_retries_only_what_failed_or_waited) {
    MastodonWorld w;
    w.mastodon.fail_statuses(503, R"({"error":"down for maintenance"})");
    std::vector<std::string> cmd = {
        "post", "add", "v2", "--to", "m,feed", "--publish", "--idempotency-key", "v2", "--json"};
    RunResult first = w.box.run(cmd);
    BOOST_TEST(first.code == 75);  // transient: retried later
    BOOST_TEST(target_of(parse(first), "feed")["status"] == "posted");
    RunResult again = w.box.run(cmd);
    BOOST_TEST(again.code == 0);
    BOOST_TEST(target_of(parse(again), "m")["status"] == "posted");
    BOOST_TEST(w.mastodon.statuses().size() == 1u);
    // The feed target was not published twice.
    std::string feed = w.box.read_file(w.box.dir() + "/feed.txt");
    BOOST_TEST(feed.find("v2") == feed.rfind("v2"));
}

BOOST_AUTO_TEST_CASE(ci_rerun_on_a_fresh_store_finds_the_earlier_post) {
    MastodonWorld w;
    RunResult first = w.box.run(ci_command("v1.2 is out"));
    BOOST_TEST(first.code == 0);
    std::string url = target_of(parse(first), "m")["url"];
    auto statuses = w.mastodon.statuses();
    BOOST_TEST_REQUIRE(statuses.size() == 1u);
    // A platform-side key derived from the idempotency key, not a target id.
    BOOST_TEST(statuses[0].idempotency_key.rfind("k", 0) == 0u);

    // A new CI runner: a new store, the same account, two hours later (past
    // Mastodon's one-hour Idempotency-Key memory): the lookup finds it.
    Sandbox fresh;
    for (const char* name : {"SECRET_KEY", "MTOKEN"})
        fresh.env[name] = w.box.env[name];
    fresh.env["POSTSCHED_NOW"] = "2026-11-28T14:00:00Z";
    fresh.ok({"init"});
    fresh.ok({"account", "add", "mastodon", "--name", "m", "--instance", w.mastodon.base_url(),
              "--token-env", "MTOKEN"});
    RunResult again = fresh.run(ci_command("v1.2 is out"));
    BOOST_TEST(again.code == 0);
    BOOST_TEST(target_of(parse(again), "m")["url"] == url);
    BOOST_TEST(w.mastodon.statuses().size() == 1u);
}

BOOST_AUTO_TEST_CASE(stats_counts_queue_delays_and_writes_a_prometheus_file) {
    MastodonWorld w;
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T11:58:00Z";
    w.add({"one", "--to", "m", "--at", "2026-11-28T11:59:00Z"});
    w.add({"two", "--to", "feed", "--at", k_future});
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
    w.box.ok({"run"});
    json s = json::parse(w.box.ok({"stats", "--json"}));
    BOOST_TEST(s["targets"]["posted"] == 1);
    BOOST_TEST(s["targets"]["pending"] == 1);
    BOOST_TEST(s["posts"]["posted"] == 1);
    BOOST_TEST(s["window"]["posted"] == 1);
    BOOST_TEST(s["delay_seconds"]["p95"] == 60.0);  // scheduled 11:59, published 12:00
    BOOST_TEST(s["last_pass"]["posted"] == 1);
    std::string text = w.box.ok({"stats"});
    BOOST_TEST(text.find("last pass: 2026-11-28T12:00") != std::string::npos);

    std::string prom = w.box.dir() + "/postsched.prom";
    std::string out = w.box.ok({"stats", "--prometheus", prom});
    BOOST_TEST(out.empty());
    std::string file = w.box.read_file(prom);
    BOOST_TEST(file.find("postsched_targets{status=\"posted\"} 1\n") != std::string::npos);
    BOOST_TEST(file.find("postsched_targets{status=\"unknown\"} 0\n") != std::string::npos);
    BOOST_TEST(file.find("# TYPE postsched_due_targets gauge") != std::string::npos);
    BOOST_TEST(is_error(w.box.run({"stats", "--prometheus", w.box.dir() + "/no/such/dir/x.prom"}),
                        73, {"--prometheus"}));
}

BOOST_AUTO_TEST_CASE(stats_shows_due_but_waiting_targets_and_held_accounts) {
    MastodonWorld w;
    w.add({"held", "--to", "m", "--now"});
    w.mastodon.rate_limit_statuses("2026-11-28T12:30:00.000Z");
    w.box.ok({"run"});
    json s = json::parse(w.box.ok({"stats", "--json"}));
    BOOST_TEST(s["due_waiting"] == 1);
    BOOST_TEST(s["due_ready"] == 0);
    BOOST_TEST_REQUIRE(s["held_accounts"].size() == 1u);
    BOOST_TEST(s["held_accounts"][0]["account"] == "m");
    BOOST_TEST(s["held_accounts"][0]["kind"] == "rate_limited");
}

BOOST_AUTO_TEST_CASE(check_says_why_and_exits_1) {
    MastodonWorld w;
    RunResult never = w.box.run({"check"});
    BOOST_TEST(never.code == 1);
    BOOST_TEST(never.out.find("no pass has run") != std::string::npos);
    w.box.ok({"run"});
    RunResult fine = w.box.run({"check"});
    BOOST_TEST(fine.code == 0);
    BOOST_TEST(fine.out == "ok\n");
    // An hour without a pass (cron stopped).
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T13:00:00Z";
    RunResult stale = w.box.run({"check", "--json"});
    BOOST_TEST(stale.code == 1);
    BOOST_TEST(parse(stale)["problems"][0]["kind"] == "stale_pass");
    // A token refused by the platform: the account needs reconnecting.
    w.add({"hello", "--to", "m", "--now"});
    w.mastodon.fail_statuses(401, R"({"error":"The access token is invalid"})");
    w.box.ok({"run"});
    RunResult reconnect = w.box.run({"check"});
    BOOST_TEST(reconnect.code == 1);
    BOOST_TEST(reconnect.out.find("account \"m\" needs reconnecting") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(check_warns_before_an_unrefreshable_token_expires) {
    MastodonWorld w;
    w.box.ok({"account", "add", "mastodon", "--name", "short", "--instance", w.mastodon.base_url(),
              "--token-env", "MTOKEN", "--expires-at", "2026-12-01T00:00:00Z"});
    w.box.ok({"run"});
    RunResult r = w.box.run({"check", "--json"});
    BOOST_TEST(r.code == 1);
    json j = parse(r);
    BOOST_TEST_REQUIRE(j["problems"].size() == 1u);
    BOOST_TEST(j["problems"][0]["kind"] == "token_expiring");
    BOOST_TEST(j["problems"][0]["message"].get<std::string>().find("\"short\"") !=
               std::string::npos);
    // With a shorter warning window it is fine.
    RunResult quiet = w.box.run({"check"}, "", {{"POSTSCHED_CHECK_TOKEN_WARNING", "1d"}});
    BOOST_TEST(quiet.code == 0);
}

BOOST_AUTO_TEST_CASE(check_reports_unknown_targets) {
    MastodonWorld w;
    std::string id = w.add({"lost answer", "--to", "m", "--now"});
    w.box.ok({"run"});
    sqlite(w.box.db_path(), "UPDATE post_targets SET status = 'unknown'");
    RunResult r = w.box.run({"check"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(r.out.find("1 target(s) unknown") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(db_prune_removes_old_pass_rows_and_with_posts_settled_posts) {
    MastodonWorld w;
    std::string sent = w.add({"sent", "--to", "m", "--now"});
    std::string waiting = w.add({"waiting", "--to", "m", "--at", k_future});
    w.box.ok({"run"});
    BOOST_TEST(sqlite(w.box.db_path(), "SELECT count(*) FROM runs") == "1\n");
    w.box.env["POSTSCHED_NOW"] = "2026-12-20T00:00:00Z";
    std::string out = w.box.ok({"db", "prune", "--older-than", "7d"});
    BOOST_TEST(out.find("removed 1 pass record(s)") != std::string::npos);
    BOOST_TEST(sqlite(w.box.db_path(), "SELECT count(*) FROM runs") == "0\n");
    BOOST_TEST(w.show(sent)["status"] == "posted");  // posts stay without --posts
    json j = json::parse(w.box.ok({"db", "prune", "--older-than", "7d", "--posts", "--json"}));
    BOOST_TEST(j["posts"] == 1);
    BOOST_TEST(is_error(w.box.run({"post", "show", sent}), 65, {"no post"}));
    BOOST_TEST(w.show(waiting)["status"] == "pending");
    BOOST_TEST(sqlite(w.box.db_path(), "SELECT count(*) FROM post_targets") == "1\n");
    BOOST_TEST(is_error(w.box.run({"db", "prune", "--older-than", "soon"}), 64, {"soon"}));
}

BOOST_AUTO_TEST_SUITE_END()
