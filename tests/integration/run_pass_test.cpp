// End to end: the real binary, a throwaway SQLite store, fake platforms.
#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "fakes/fake_files.hpp"
#include "fakes/fake_mastodon.hpp"
#include "fakes/fake_webhooks.hpp"
#include "support/mastodon_world.hpp"
#include "support/sandbox.hpp"

using postsched::fakes::FakeMastodon;
using postsched::fakes::FakeWebhooks;
using postsched::fakes::HookKind;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;

namespace {

constexpr const char* k_token = postsched::testing::k_mastodon_token;

// The usual world, plus fake webhooks ($HOOK_URL is a Discord webhook).
struct World : postsched::testing::MastodonWorld {
    FakeWebhooks hooks;
    World() { box.env["HOOK_URL"] = hooks.discord_url(); }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(run_pass_test)

BOOST_AUTO_TEST_CASE(publishes_a_thread_to_mastodon_discord_and_exec) {
    World w;
    w.box.ok({"account", "add", "discord", "--name", "d", "--token-env", "HOOK_URL"});
    std::string id =
        w.add({"first part\n---\nsecond part", "--to", "m,d", "--to", "feed", "--now"});
    w.box.ok({"run"});
    auto statuses = w.mastodon.statuses();
    BOOST_REQUIRE_EQUAL(statuses.size(), 2u);
    BOOST_TEST(statuses[0].text == "first part");
    BOOST_TEST(statuses[1].text == "second part");
    BOOST_TEST(statuses[1].in_reply_to_id == statuses[0].id);
    auto discord = w.hooks.received(HookKind::discord);
    BOOST_REQUIRE_EQUAL(discord.size(), 2u);
    BOOST_TEST(discord[0].text == "first part");
    BOOST_TEST(w.box.read_file(w.box.dir() + "/feed.txt").find("second part") != std::string::npos);
    auto post = w.show(id);
    BOOST_TEST(post["status"] == "posted");
    for (const auto& t : post["targets"])
        BOOST_TEST(t["status"] == "posted");
    // A second pass has nothing to do.
    w.box.ok({"run"});
    BOOST_TEST(w.mastodon.statuses().size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_store_holds_no_token_or_webhook_url_in_plain_text) {
    World w;
    w.box.ok({"account", "add", "discord", "--name", "d", "--token-env", "HOOK_URL"});
    std::string dump = sqlite(w.box.db_path(), ".dump");
    BOOST_TEST(dump.find("social_accounts") != std::string::npos);
    BOOST_TEST(dump.find(k_token) == std::string::npos);
    BOOST_TEST(dump.find(std::string(FakeWebhooks::k_discord_token)) == std::string::npos);
    BOOST_TEST(dump.find("gAAAAA") != std::string::npos);  // Fernet tokens are there
}

BOOST_AUTO_TEST_CASE(a_future_post_waits_for_its_time) {
    World w;
    std::string id = w.add({"later", "--to", "m", "--at", "2026-11-28T13:30:00+01:00"});
    w.box.ok({"run"});
    BOOST_TEST(w.mastodon.status_requests() == 0);
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T12:30:00Z";
    w.box.ok({"run"});
    BOOST_TEST(w.mastodon.statuses().size() == 1u);
    BOOST_TEST(w.show(id)["status"] == "posted");
}

BOOST_AUTO_TEST_CASE(dry_run_sends_nothing_and_changes_nothing) {
    World w;
    std::string id = w.add({"hello", "--to", "m", "--now"});
    std::string before = sqlite(w.box.db_path(), "select * from post_targets");
    std::string out = w.box.ok({"run", "--dry-run"});
    BOOST_TEST(out.find(id) != std::string::npos);
    BOOST_TEST(w.mastodon.status_requests() == 0);
    BOOST_TEST(sqlite(w.box.db_path(), "select * from post_targets") == before);
    BOOST_TEST(sqlite(w.box.db_path(), "select count(*) from runs") == "0\n");
}

BOOST_AUTO_TEST_CASE(a_post_found_later_than_its_lateness_is_skipped) {
    World w;
    std::string id = w.add({"stale", "--to", "m", "--now", "--max-lateness", "2h"});
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T14:30:00Z";
    w.box.ok({"run"});
    BOOST_TEST(w.mastodon.status_requests() == 0);
    auto post = w.show(id);
    BOOST_TEST(post["targets"][0]["status"] == "skipped");
    BOOST_TEST(post["status"] == "failed");
}

BOOST_AUTO_TEST_CASE(overlapping_runs_publish_each_target_once) {
    World w;
    postsched::testing::publish_in_overlapping_runs(w);
    BOOST_TEST(sqlite(w.box.db_path(), "select count(*) from post_targets where status='posted'") ==
               "30\n");
}

BOOST_AUTO_TEST_CASE(a_wrong_key_is_a_clear_error_and_changes_nothing) {
    World w;
    w.add({"hello", "--to", "m", "--now"});
    RunResult r = w.box.run({"run"}, "", {{"SECRET_KEY", "another passphrase"}});
    BOOST_TEST(r.code == 77);
    BOOST_TEST(r.err.find("SECRET_KEY") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("another passphrase") == std::string::npos);
    BOOST_TEST(w.mastodon.status_requests() == 0);
    BOOST_TEST(sqlite(w.box.db_path(), "select status from post_targets") == "pending\n");
}

BOOST_AUTO_TEST_CASE(a_failing_command_fails_its_target_with_the_platform_text) {
    World w;
    w.box.ok({"account", "add", "exec", "--name", "broken", "--command",
              "echo 'quota exceeded for today' >&2; exit 3"});
    std::string id = w.add({"hello", "--to", "broken,m", "--now"});
    w.box.ok({"run"});
    auto post = w.show(id);
    BOOST_TEST(post["status"] == "posted");  // partial success counts as posted
    for (const auto& t : post["targets"]) {
        if (t["account"] == "broken") {
            BOOST_TEST(t["status"] == "failed");
            BOOST_TEST(t["error"].get<std::string>().find("quota exceeded") != std::string::npos);
        } else {
            BOOST_TEST(t["status"] == "posted");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_timeout_after_delivery_is_retried_with_the_same_key) {
    World w;
    w.box.write_file("config/postsched/config.toml",
                     "[platforms.mastodon]\ntimeout = \"1s\"\n[scheduler]\nretry_base = \"1m\"\n");
    std::string id = w.add({"exactly once", "--to", "m", "--now"});
    w.mastodon.delay_statuses(postsched::Millis(2500), 1);  // accepted, answer too late
    w.box.ok({"run"});
    BOOST_TEST(w.mastodon.statuses().size() == 1u);
    BOOST_TEST(w.show(id)["targets"][0]["status"] == "pending");
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T12:10:00Z";  // past the backoff
    w.box.ok({"run"});
    BOOST_TEST(w.mastodon.statuses().size() == 1u);  // the Idempotency-Key held
    BOOST_TEST(w.mastodon.status_requests() == 2);
    BOOST_TEST(w.show(id)["targets"][0]["status"] == "posted");
}

BOOST_AUTO_TEST_CASE(an_interrupted_send_is_settled_not_repeated) {
    World w;
    std::string id = w.add({"settle me", "--to", "m", "--now"});
    w.box.ok({"run"});
    BOOST_REQUIRE(w.mastodon.statuses().size() == 1u);
    // As if the pass died after the platform accepted and before recording.
    sqlite(w.box.db_path(),
           "update post_targets set status='sending', claimed_until='2026-11-28T12:01:00.000Z', "
           "sending_at='2026-11-28T12:00:00.000Z', claim_token='dead'; "
           "update scheduled_posts set status='posting'");
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T12:07:00Z";
    w.box.ok({"run"});
    BOOST_TEST(w.mastodon.statuses().size() == 1u);
    auto post = w.show(id);
    BOOST_TEST(post["targets"][0]["status"] == "posted");
    BOOST_TEST(post["status"] == "posted");
}

BOOST_AUTO_TEST_CASE(media_urls_are_fetched_once_sniffed_and_uploaded_with_alt_text) {
    World w;
    postsched::fakes::FakeFiles files;
    files.put("/pic.png", postsched::fakes::tiny_png(), "image/png");
    files.put("/fake.png", "this is not an image", "image/png");
    std::string good = w.add({"with media", "--to", "m", "--now", "--media", files.url("/pic.png"),
                              "--alt", "a tiny square"});
    std::string bad = w.add({"bad media", "--to", "m", "--now", "--media", files.url("/fake.png")});
    w.box.ok({"run"});
    BOOST_TEST(files.fetches("/pic.png") == 1);
    auto media = w.mastodon.media();
    BOOST_REQUIRE_EQUAL(media.size(), 1u);
    BOOST_TEST(media[0].content_type == "image/png");
    BOOST_TEST(media[0].description == "a tiny square");
    BOOST_TEST(w.show(good)["targets"][0]["status"] == "posted");
    auto failed = w.show(bad)["targets"][0];
    BOOST_TEST(failed["status"] == "failed");
    BOOST_TEST(failed["error"].get<std::string>().find("not a recognised image") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_store_locked_by_another_writer_is_a_clear_temporary_failure) {
    World w;
    SQLite::Database db(w.box.db_path(), SQLite::OPEN_READWRITE);
    db.exec("BEGIN IMMEDIATE");
    RunResult r = w.box.run({"post", "add", "hello", "--to", "m", "--now"}, "",
                            {{"POSTSCHED_BUSY_TIMEOUT", "200ms"}});
    db.exec("ROLLBACK");
    BOOST_TEST(r.code == 75);
    BOOST_TEST(r.err == "postsched: error: store \"" + w.box.db_path() +
                            "\" is locked by another writer; try again\n");
    BOOST_TEST(sqlite(w.box.db_path(), "select count(*) from scheduled_posts") == "0\n");
}

BOOST_AUTO_TEST_SUITE_END()
