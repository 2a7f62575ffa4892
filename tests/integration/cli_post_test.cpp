// The post commands end to end: the real binary in a sandbox, exec accounts
// (no network) and a fake Mastodon for its length limit.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

#include "fakes/fake_mastodon.hpp"
#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::fakes::FakeMastodon;
using postsched::testing::expect_refused;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;

namespace {

constexpr const char* k_key = "correct horse battery staple";
constexpr const char* k_now = "2026-11-28T12:00:00Z";
constexpr const char* k_png = "\x89PNG\r\n\x1a\n0000000000000000";

// An initialised sandbox at a pinned time with two exec accounts: "feed"
// appends what it publishes to feed.txt, "other" discards it.
struct Cli {
    Sandbox box;
    Cli() {
        box.env["SECRET_KEY"] = k_key;
        box.env["POSTSCHED_NOW"] = k_now;
        box.ok({"init"});
        box.ok({"account", "add", "exec", "--name", "feed", "--command",
                "cat >> '" + feed_path() + "'; echo >> '" + feed_path() + "'; echo ok"});
        box.ok({"account", "add", "exec", "--name", "other", "--command", "cat > /dev/null"});
    }
    std::string feed_path() const { return box.dir() + "/feed.txt"; }
    std::string feed() const { return box.read_file(feed_path()); }
    std::string add(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {"post", "add"});
        std::string out = box.ok(args, input);
        BOOST_TEST(out.size() == 37u, "one id line: " << out);
        return out.substr(0, out.find('\n'));
    }
    json show(const std::string& id) { return json::parse(box.ok({"post", "show", id, "--json"})); }
    json list(std::vector<std::string> args) {
        args.insert(args.begin(), {"post", "list", "--json"});
        return json::parse(box.ok(args));
    }
    std::string dump() const { return sqlite(box.db_path(), ".dump"); }
    std::string count_posts() const {
        return sqlite(box.db_path(), "select count(*) from scheduled_posts");
    }
    // A command that must be refused with a one-line error, changing nothing.
    RunResult refuse(const std::vector<std::string>& args, int code,
                     const std::vector<std::string>& needles, const std::string& input = "") {
        return expect_refused(box, args, code, needles, input, /*quiet=*/true);
    }
};

std::vector<std::string> ids_of(const json& posts) {
    std::vector<std::string> ids;
    for (const auto& p : posts)
        ids.push_back(p["id"]);
    return ids;
}

// Target account names, sorted (targets of one post have no set order).
std::vector<std::string> accounts_of(const json& post) {
    std::vector<std::string> names;
    for (const auto& t : post["targets"])
        names.push_back(t["account"]);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_post_test)

BOOST_AUTO_TEST_CASE(adds_text_from_argument_file_and_stdin) {
    Cli c;
    std::string a = c.add({"from the argument", "--to", "feed", "--at", "2026-12-01T09:30+01:00"});
    c.box.write_file("text.txt", "from a file\n");
    std::string b = c.add({"--file", c.box.dir() + "/text.txt", "--to", "feed", "--now"});
    std::string d = c.add({"-", "--to", "feed", "--now"}, "from stdin\n");
    BOOST_TEST(a != b);
    auto pa = c.show(a);
    BOOST_TEST(pa["parts"] == json({"from the argument"}));
    BOOST_TEST(pa["scheduled_at"] == "2026-12-01T08:30:00.000Z");
    BOOST_TEST(pa["status"] == "pending");
    BOOST_TEST(accounts_of(pa) == std::vector<std::string>{"feed"});
    BOOST_TEST(pa["targets"][0]["status"] == "pending");
    BOOST_TEST(c.show(b)["parts"] == json({"from a file"}));
    BOOST_TEST(c.show(d)["parts"] == json({"from stdin"}));
    BOOST_TEST(c.count_posts() == "3\n");
    c.refuse({"post", "add", "--file", c.box.dir() + "/missing.txt", "--to", "feed", "--now"}, 66,
             {"missing.txt"});
}

BOOST_AUTO_TEST_CASE(thread_parts_come_from_separator_lines_and_part_options) {
    Cli c;
    std::string a = c.add({"one\n---\ntwo", "--part", "three", "--to", "feed", "--now"});
    BOOST_TEST(c.show(a)["parts"] == json({"one", "two", "three"}));
    std::string b = c.add({"-", "--to", "feed", "--now"}, "first\nline two\n---\n\nsecond\n");
    BOOST_TEST(c.show(b)["parts"] == json({"first\nline two", "second"}));
    std::string d = c.add({"solo", "--part", "after", "--to", "feed", "--now"});
    BOOST_TEST(c.show(d)["parts"] == json({"solo", "after"}));
    c.box.ok({"run"});
    BOOST_TEST(c.feed().find("one\n---\ntwo\n---\nthree") != std::string::npos, c.feed());
}

BOOST_AUTO_TEST_CASE(json_output_of_add_has_the_post_fields) {
    Cli c;
    std::string out =
        c.box.ok({"post", "add", "hello", "--to", "feed,other", "--at", "2026-12-01T09:30", "--tz",
                  "Europe/Berlin", "--json", "--idempotency-key", "job-1", "--max-lateness", "2h"});
    json p = json::parse(out);
    BOOST_TEST(p["id"].get<std::string>().size() == 36u);
    BOOST_TEST(p["status"] == "pending");
    BOOST_TEST(p["scheduled_at"] == "2026-12-01T08:30:00.000Z");
    BOOST_TEST(p["timezone"] == "Europe/Berlin");
    BOOST_TEST(p["parts"] == json({"hello"}));
    BOOST_TEST(p["media"] == json::array());
    BOOST_TEST(p["idempotency_key"] == "job-1");
    BOOST_TEST(p["max_lateness_seconds"] == 7200);
    BOOST_TEST(p["created_at"] == "2026-11-28T12:00:00.000Z");
    BOOST_TEST(p["approved_at"] == "2026-11-28T12:00:00.000Z");
    BOOST_TEST(accounts_of(p) == (std::vector<std::string>{"feed", "other"}));
    for (const auto& t : p["targets"]) {
        BOOST_TEST(t["status"] == "pending");
        BOOST_TEST(t["platform"] == "exec");
        BOOST_TEST(t["next_attempt_at"] == "2026-12-01T08:30:00.000Z");
    }
    BOOST_TEST(c.show(p["id"]) == p);
}

BOOST_AUTO_TEST_CASE(list_filters_by_status_account_time_and_limit) {
    Cli c;
    std::string a = c.add({"alpha", "--to", "feed", "--at", "2026-12-01T10:00Z"});
    std::string b = c.add({"beta", "--to", "other", "--at", "2026-12-02T10:00Z"});
    std::string d = c.add({"gamma", "--to", "feed,other", "--at", "2026-12-03T10:00Z", "--draft"});
    using V = std::vector<std::string>;
    BOOST_TEST(ids_of(c.list({})) == (V{a, b, d}));
    BOOST_TEST(ids_of(c.list({"--status", "draft"})) == V{d});
    BOOST_TEST(ids_of(c.list({"--status", "pending"})) == (V{a, b}));
    BOOST_TEST(ids_of(c.list({"--status", "posted"})) == V{});
    BOOST_TEST(ids_of(c.list({"--account", "other"})) == (V{b, d}));
    BOOST_TEST(ids_of(c.list({"--account", "feed", "--status", "pending"})) == V{a});
    BOOST_TEST(ids_of(c.list({"--since", "2026-12-02T10:00Z"})) == (V{b, d}));
    BOOST_TEST(ids_of(c.list({"--until", "2026-12-02T10:00Z"})) == V{a});
    BOOST_TEST(ids_of(c.list({"--since", "2026-12-01T12:00+01:00", "--until",
                              "2026-12-03T10:00:00Z"})) == V{b});
    BOOST_TEST(ids_of(c.list({"--limit", "2"})) == (V{a, b}));
    std::string table = c.box.ok({"post", "list", "--account", "feed"});
    BOOST_TEST(table.rfind("ID ", 0) == 0, table);
    BOOST_TEST(table.find(a) != std::string::npos);
    BOOST_TEST(table.find("feed:pending") != std::string::npos);
    BOOST_TEST(table.find("alpha") != std::string::npos);
    BOOST_TEST(table.find(b) == std::string::npos);
    c.refuse({"post", "list", "--status", "bogus"}, 64, {"--status \"bogus\""});
    c.refuse({"post", "list", "--since", "2026-12-01"}, 64, {"--since"});
}

BOOST_AUTO_TEST_CASE(show_prints_text_or_json_and_takes_a_unique_prefix) {
    Cli c;
    std::string a = c.add({"line one\n---\nline two", "--to", "feed", "--at", "2026-12-01T10:30",
                           "--tz", "Europe/Berlin", "--idempotency-key", "k-7"});
    std::string b = c.add({"another", "--to", "other", "--now"});
    std::string text = c.box.ok({"post", "show", a.substr(0, 24)});
    BOOST_TEST(text.find("id:        " + a + "\n") != std::string::npos, text);
    BOOST_TEST(text.find("status:    pending\n") != std::string::npos);
    BOOST_TEST(text.find("2026-12-01 10:30 CET (+01:00) [Europe/Berlin] = 2026-12-01T09:30:00") !=
               std::string::npos);
    BOOST_TEST(text.find("key:       k-7\n") != std::string::npos);
    BOOST_TEST(text.find("--- part 1\nline one\n--- part 2\nline two\n") != std::string::npos);
    BOOST_TEST(text.find("feed") != std::string::npos);
    BOOST_TEST(c.show(a.substr(0, 24))["id"] == a);
    BOOST_TEST(c.show(b)["id"] == b);
    // Both ids start with the same pinned-clock timestamp.
    BOOST_REQUIRE(a.substr(0, 13) == b.substr(0, 13));
    c.refuse({"post", "show", a.substr(0, 13)}, 65, {"ambiguous"});
    c.refuse({"post", "show", "ffffffff"}, 65, {"no post \"ffffffff\""});
}

BOOST_AUTO_TEST_CASE(edit_changes_text_time_targets_and_media) {
    Cli c;
    c.box.write_file("shot.png", k_png);
    std::string id =
        c.add({"draft text", "--to", "feed", "--at", "2026-12-01T09:30", "--tz", "Europe/Berlin"});
    BOOST_TEST(c.box.ok({"post", "edit", id, "--text", "better text"}) == id + "\n");
    // A local --at without --tz is read in the post's own zone.
    c.box.ok({"post", "edit", id.substr(0, 24), "--at", "2026-12-02T10:00"});
    auto p = c.show(id);
    BOOST_TEST(p["parts"] == json({"better text"}));
    BOOST_TEST(p["timezone"] == "Europe/Berlin");
    BOOST_TEST(p["scheduled_at"] == "2026-12-02T09:00:00.000Z");
    BOOST_TEST(p["targets"][0]["next_attempt_at"] == "2026-12-02T09:00:00.000Z");
    c.box.ok({"post", "edit", id, "--to", "other", "--media", c.box.dir() + "/shot.png", "--alt",
              "the new list view"});
    p = c.show(id);
    BOOST_TEST(accounts_of(p) == std::vector<std::string>{"other"});
    BOOST_TEST(p["media"] == json::parse(R"([{"source":")" + c.box.dir() +
                                         R"(/shot.png","alt":"the new list view"}])"));
    BOOST_TEST(p["parts"] == json({"better text"}));  // untouched by this edit
    c.refuse({"post", "edit", id, "--alt", "alone"}, 64, {"--alt"});
    c.box.ok({"post", "edit", id, "--clear-media"});
    BOOST_TEST(c.show(id)["media"] == json::array());
    c.refuse({"post", "edit", id, "--to", "nobody"}, 65, {"\"nobody\""});
}

BOOST_AUTO_TEST_CASE(a_draft_is_published_only_after_approval) {
    Cli c;
    std::string id = c.add({"drafty", "--to", "feed", "--now", "--draft"});
    auto p = c.show(id);
    BOOST_TEST(p["status"] == "draft");
    BOOST_TEST(p["approved_at"].is_null());
    c.box.ok({"run"});
    BOOST_TEST(!std::filesystem::exists(c.feed_path()));
    BOOST_TEST(c.show(id)["status"] == "draft");
    BOOST_TEST(c.box.ok({"post", "approve", id}) == "approved " + id + "\n");
    BOOST_TEST(c.show(id)["status"] == "pending");
    c.refuse({"post", "approve", id}, 65, {"pending, not a draft"});
    c.box.ok({"run"});
    BOOST_TEST(c.feed().find("drafty") != std::string::npos);
    p = c.show(id);
    BOOST_TEST(p["status"] == "posted");
    BOOST_TEST(p["targets"][0]["platform_post_id"] == "ok");
}

BOOST_AUTO_TEST_CASE(cancel_settles_every_unsent_target) {
    Cli c;
    std::string id = c.add({"never", "--to", "feed,other", "--at", "2026-12-24T10:00Z"});
    std::string out = c.box.ok({"post", "cancel", id});
    BOOST_TEST(out == "cancelled 2 target(s) of " + id + "; post is now cancelled\n");
    auto p = c.show(id);
    BOOST_TEST(p["status"] == "cancelled");
    for (const auto& t : p["targets"])
        BOOST_TEST(t["status"] == "cancelled");
    c.refuse({"post", "cancel", id}, 65, {"already cancelled"});
    c.box.env["POSTSCHED_NOW"] = "2026-12-24T10:01:00Z";
    c.box.ok({"run"});
    BOOST_TEST(!std::filesystem::exists(c.feed_path()));
    std::string d = c.add({"draft", "--to", "feed", "--at", "2026-12-25T10:00Z", "--draft"});
    c.box.ok({"post", "cancel", d});
    BOOST_TEST(c.show(d)["status"] == "cancelled");
}

BOOST_AUTO_TEST_CASE(reschedule_moves_a_post) {
    Cli c;
    std::string id = c.add({"move me", "--to", "feed", "--at", "2026-12-24T10:00Z"});
    c.box.ok({"post", "reschedule", id, "--at", "2026-12-25T10:00", "--tz", "America/New_York"});
    auto p = c.show(id);
    BOOST_TEST(p["scheduled_at"] == "2026-12-25T15:00:00.000Z");
    BOOST_TEST(p["timezone"] == "America/New_York");
    BOOST_TEST(p["targets"][0]["next_attempt_at"] == "2026-12-25T15:00:00.000Z");
    c.refuse({"post", "reschedule", id}, 64, {"--at TIME or --now"});
    c.refuse({"post", "reschedule", id, "--at", "2026-11-01T10:00Z"}, 65, {"in the past"});
    c.box.ok({"post", "reschedule", id, "--now"});
    BOOST_TEST(c.show(id)["scheduled_at"] == "2026-11-28T12:00:00.000Z");
    c.box.ok({"run"});
    BOOST_TEST(c.feed().find("move me") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_idempotency_key_makes_add_safe_to_repeat) {
    Cli c;
    std::vector<std::string> args{
        "post", "add", "once", "--to", "feed", "--now", "--idempotency-key", "ci-build-42"};
    std::string first = c.box.ok(args);
    RunResult again = c.box.run(args);
    BOOST_TEST(again.code == 0);
    BOOST_TEST(again.out == first);
    BOOST_TEST(again.err.find("ci-build-42") != std::string::npos, again.err);
    BOOST_TEST(c.count_posts() == "1\n");
    args.push_back("--json");
    BOOST_TEST(json::parse(c.box.ok(args))["id"] == first.substr(0, 36));
    std::string id = first.substr(0, 36);
    c.refuse({"post", "add", "twice", "--to", "feed", "--now", "--idempotency-key", "ci-build-42"},
             65, {"\"ci-build-42\"", id});
    BOOST_TEST(c.count_posts() == "1\n");
}

BOOST_AUTO_TEST_CASE(bad_times_are_refused) {
    Cli c;
    c.add({"anchor", "--to", "feed", "--now"});  // the store is not empty
    c.refuse(
        {"post", "add", "x", "--to", "feed", "--at", "2027-03-28T02:30", "--tz", "Europe/Berlin"},
        65, {"\"2027-03-28T02:30\"", "Europe/Berlin", "02:00 to 03:00", "gap"});
    c.refuse({"post", "add", "x", "--to", "feed", "--at", "2026-11-28T11:59Z"}, 65,
             {"in the past"});
    c.refuse({"post", "add", "x", "--to", "feed", "--at", "2026-12-28T11:00Z", "--now"}, 64,
             {"not both"});
    c.refuse({"post", "add", "x", "--to", "feed"}, 64, {"--at TIME or --now"});
    c.refuse({"post", "add", "x", "--to", "feed", "--now", "--tz", "Mars/Olympus"}, 65,
             {"\"Mars/Olympus\""});
    c.refuse({"post", "add", "x", "--to", "feed", "--at", "tomorrow"}, 65, {"\"tomorrow\""});
    BOOST_TEST(c.count_posts() == "1\n");
}

BOOST_AUTO_TEST_CASE(a_time_in_a_dst_overlap_takes_the_earlier_instant_with_a_note) {
    Cli c;
    RunResult r = c.box.run({"post", "add", "twice", "--to", "feed", "--at", "2027-10-31T02:30",
                             "--tz", "Europe/Berlin"});
    BOOST_REQUIRE_EQUAL(r.code, 0);
    BOOST_TEST(r.err.rfind("postsched: note: ", 0) == 0, r.err);
    BOOST_TEST(r.err.find("earlier") != std::string::npos);
    auto p = c.show(r.out.substr(0, 36));
    BOOST_TEST(p["scheduled_at"] == "2027-10-31T00:30:00.000Z");  // CEST, +02:00
    BOOST_TEST(p["timezone"] == "Europe/Berlin");
}

BOOST_AUTO_TEST_CASE(bad_text_and_accounts_are_refused) {
    Cli c;
    c.refuse({"post", "add", "  \n ", "--to", "feed", "--now"}, 65, {"the text is empty"});
    c.refuse({"post", "add", "-", "--to", "feed", "--now"}, 65, {"the text is empty"}, "");
    c.refuse({"post", "add", "first", "--part", " ", "--to", "feed", "--now"}, 65,
             {"part 2 of 2 is empty"});
    // The separator inside one --part would split it on export and import.
    c.refuse({"post", "add", "first", "--part", "a\n---\nb", "--to", "feed", "--now"}, 65,
             {"--part 1 has a line holding only \"---\", which separates thread parts"});
    c.refuse({"post", "add", "first", "--part", "ok", "--part", "x\r\n---\r\ny", "--to", "feed",
              "--now"},
             65, {"--part 2 has a line holding only"});
    c.refuse({"post", "add", "x", "--to", "feed,nope", "--now"}, 65, {"no account named \"nope\""});
    c.refuse({"post", "add", "x", "--now"}, 64, {"--to"});
    c.refuse({"post", "add", "--to", "feed", "--now"}, 64, {"no text"});
    c.refuse({"post", "add", "bad \xff utf8", "--to", "feed", "--now"}, 65, {"UTF-8"});
    BOOST_TEST(c.count_posts() == "0\n");
}

BOOST_AUTO_TEST_CASE(an_empty_text_argument_is_bad_data) {
    Cli c;
    c.refuse({"post", "add", "", "--to", "feed", "--now"}, 65, {"the text is empty"});
}

BOOST_AUTO_TEST_CASE(text_over_the_mastodon_limit_names_account_and_count) {
    FakeMastodon mastodon;
    mastodon.add_account("mastodon-token-0123456789", "1", "alice");
    mastodon.set_max_characters(20);  // read by account add
    Cli c;
    c.box.env["MTOKEN"] = "mastodon-token-0123456789";
    c.box.ok({"account", "add", "mastodon", "--name", "m", "--instance", mastodon.base_url(),
              "--token-env", "MTOKEN"});
    c.refuse({"post", "add", "twenty-five characters!!!", "--to", "feed,m", "--now"}, 65,
             {"\"m\"", "25 characters", "20"});
    c.refuse({"post", "add", "short", "--part", "but this part is too long", "--to", "m", "--now"},
             65, {"part 2", "\"m\""});
    std::string id = c.add({"exactly twenty chars", "--to", "m", "--now"});
    c.box.ok({"run"});
    BOOST_TEST(mastodon.statuses().size() == 1u);
    BOOST_TEST(c.show(id)["status"] == "posted");
}

BOOST_AUTO_TEST_CASE(bad_media_is_refused) {
    Cli c;
    c.box.write_file("notes.txt", "just text\n");
    c.box.write_file("shot.png", k_png);
    c.refuse({"post", "add", "x", "--to", "feed", "--now", "--media", c.box.dir() + "/nope.png"},
             66, {"nope.png", "cannot be read"});
    c.refuse({"post", "add", "x", "--to", "feed", "--now", "--media", c.box.dir() + "/notes.txt"},
             65, {"notes.txt", "not an image or video"});
    c.refuse({"post", "add", "x", "--to", "feed", "--now", "--media", "http://example.com/a.png"},
             65, {"http://example.com/a.png", "https"});
    c.refuse({"post", "add", "x", "--to", "feed", "--now", "--media", c.box.dir() + "/shot.png",
              "--alt", "a", "--alt", "b"},
             64, {"--alt"});
    BOOST_TEST(c.count_posts() == "0\n");
    // The same media, acceptable: a loopback http URL and a real PNG.
    std::string id = c.add({"ok", "--to", "feed", "--now", "--media", "http://127.0.0.1:9/a.png",
                            "--media", c.box.dir() + "/shot.png", "--alt", "first"});
    BOOST_TEST(c.show(id)["media"].size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_post_already_sent_cannot_be_edited) {
    Cli c;
    std::string id = c.add({"gone out", "--to", "feed", "--now"});
    c.box.ok({"run"});
    BOOST_REQUIRE(c.show(id)["status"] == "posted");
    c.refuse({"post", "edit", id, "--text", "too late"}, 65,
             {id, "only draft and pending posts not yet sent can change"});
    c.refuse({"post", "reschedule", id, "--at", "2026-12-01T10:00Z"}, 65, {id});
    c.refuse({"post", "cancel", id}, 65, {"already posted"});
    BOOST_TEST(c.show(id)["parts"] == json({"gone out"}));
}

BOOST_AUTO_TEST_SUITE_END()
