// postsched import and export end to end: the real binary in a sandbox with
// exec, Mastodon (--no-verify: 500 characters), Discord, Slack and webhook
// accounts; nothing here needs the network.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;

namespace {

constexpr const char* k_now = "2026-11-28T12:00:00Z";
constexpr const char* k_png = "\x89PNG\r\n\x1a\n0000000000000000";
constexpr const char* k_header =
    "scheduled_at,timezone,accounts,content,media_urls,alt_texts,idempotency_key,status,"
    "max_lateness,options\n";

struct World {
    Sandbox box;
    World() {
        box.env["SECRET_KEY"] = "correct horse battery staple";
        box.env["POSTSCHED_NOW"] = k_now;
        box.env["MTOKEN"] = "mastodon-token";
        box.env["DURL"] = "https://discord.com/api/webhooks/1/abc";
        box.env["SURL"] = "https://hooks.slack.com/services/T1/B1/xyz";
        box.env["WURL"] = "https://example.org/hook";
        box.ok({"init"});
        add_accounts(box);
        box.write_file("shot.png", k_png);
        box.write_file("notes.txt", "not an image");
    }
    static void add_accounts(const Sandbox& b) {
        b.ok({"account", "add", "exec", "--name", "feed", "--command", "cat > /dev/null"});
        b.ok({"account", "add", "exec", "--name", "other", "--command", "cat > /dev/null"});
        b.ok({"account", "add", "mastodon", "--name", "m", "--instance", "https://example.org",
              "--token-env", "MTOKEN", "--no-verify"});
        b.ok({"account", "add", "discord", "--name", "d", "--token-env", "DURL"});
        b.ok({"account", "add", "slack", "--name", "s", "--token-env", "SURL"});
        b.ok({"account", "add", "webhook", "--name", "w", "--token-env", "WURL"});
    }
    std::string path(const std::string& relative) const { return box.dir() + "/" + relative; }
    RunResult import(const std::string& csv, std::vector<std::string> args = {}) {
        box.write_file("posts.csv", csv);
        args.insert(args.begin(), {"import", path("posts.csv")});
        return box.run(args);
    }
    std::string posts() const {
        return sqlite(box.db_path(), "SELECT count(*) FROM scheduled_posts");
    }
    std::string dump() const { return sqlite(box.db_path(), ".dump"); }
    json list() { return json::parse(box.ok({"post", "list", "--json"})); }
};

// The stderr of a refused import: the problem lines, then the summary.
std::string refusal(const std::string& file, const std::vector<std::string>& problems,
                    std::size_t rows) {
    std::string s;
    for (const auto& p : problems)
        s += file + ":" + p + "\n";
    s += "postsched: error: " + file + ": " + std::to_string(problems.size()) + " problem" +
         (problems.size() == 1 ? "" : "s") + " in " + std::to_string(rows) + " row" +
         (rows == 1 ? "" : "s") + "; nothing imported\n";
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_import_test)

BOOST_AUTO_TEST_CASE(native_columns_in_any_order_and_case) {
    World w;
    auto r = w.import(
        "Content,ACCOUNTS, scheduled_at ,TimeZone,Status,idempotency_key,Media_URLs,alt_texts,"
        "max_lateness,options\n"
        "\"Part one, with a comma\n---\nPart \"\"two\"\"\",\"feed, other\",2027-03-01T09:30,"
        "Europe/Berlin,,k-1,,,,\n"
        "A draft,m,2027-03-02T08:00:00.250Z,,draft,,,,2h,\"{\"\"mastodon\"\": "
        "{\"\"visibility\"\": \"\"unlisted\"\"}}\"\n"
        "With media,feed,2027-03-03T10:00,America/New_York,pending,,\"" +
        w.path("shot.png") + "\nhttps://example.org/b.png\",\"The shot\n\",,\n");
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.err == "");
    BOOST_TEST(r.out == "imported 3 posts from " + w.path("posts.csv") + "\n");
    auto posts = w.list();
    BOOST_REQUIRE_EQUAL(posts.size(), 3u);
    const auto& thread = posts[0];
    BOOST_TEST(thread["scheduled_at"] == "2027-03-01T08:30:00.000Z");
    BOOST_TEST(thread["timezone"] == "Europe/Berlin");
    BOOST_TEST(thread["status"] == "pending");
    BOOST_TEST(thread["parts"].dump() == R"(["Part one, with a comma","Part \"two\""])");
    BOOST_TEST(thread["idempotency_key"] == "k-1");
    BOOST_TEST(thread["targets"].size() == 2u);
    const auto& draft = posts[1];
    BOOST_TEST(draft["scheduled_at"] == "2027-03-02T08:00:00.250Z");
    BOOST_TEST(draft["timezone"] == "UTC");  // the sandbox's TZ: no --tz, no config
    BOOST_TEST(draft["status"] == "draft");
    BOOST_TEST(draft["targets"][0]["account"] == "m");
    BOOST_TEST(draft.dump().find("unlisted") != std::string::npos);
    const auto& media = posts[2];
    BOOST_TEST(media["scheduled_at"] == "2027-03-03T15:00:00.000Z");
    BOOST_REQUIRE_EQUAL(media["media"].size(), 2u);
    BOOST_TEST(media["media"][0]["source"] == w.path("shot.png"));
    BOOST_TEST(media["media"][0]["alt"] == "The shot");
    BOOST_TEST(media["media"][1]["source"] == "https://example.org/b.png");
    BOOST_TEST(media["media"][1]["alt"] == "");
}

BOOST_AUTO_TEST_CASE(every_problem_is_reported_with_its_line_and_nothing_is_stored) {
    World w;
    w.box.ok({"account", "add", "exec", "--name", "sleepy", "--command", "true"});
    w.box.ok({"account", "add", "exec", "--name", "future", "--command", "true"});
    sqlite(w.box.db_path(), "UPDATE social_accounts SET is_active = 0 WHERE name = 'sleepy'");
    sqlite(w.box.db_path(),
           "UPDATE social_accounts SET platform = 'friendster' WHERE name = 'future'");
    w.box.ok({"post", "add", "stored text", "--to", "feed", "--at", "2027-05-01T09:00Z",
              "--idempotency-key", "taken"});
    std::string stored_id = w.list()[0]["id"];
    std::string before = w.dump();
    std::string png = w.path("shot.png"), txt = w.path("notes.txt");
    std::string big(8 * 1024 * 1024 + 1, '0');
    std::copy(k_png, k_png + 8, big.begin());
    w.box.write_file("big.png", big);
    std::string csv = std::string(k_header) +
                      "2026-13-01T09:00,,feed,bad date,,,,,,\n"                    // 2
                      "2027-01-01T09:00,Mars/Olympus,feed,bad zone,,,,,,\n"        // 3
                      "2027-03-28T02:30,Europe/Berlin,feed,in the gap,,,,,,\n"     // 4
                      "2026-11-01T09:00Z,,feed,past,,,,,,\n"                       // 5
                      "2027-01-01T09:00,,\"feed,nobody\",unknown account,,,,,,\n"  // 6
                      "2027-01-01T09:00,,sleepy,inactive,,,,,,\n"                  // 7
                      "2027-01-01T09:00,,future,no adapter,,,,,,\n"                // 8
                      "2027-01-01T09:00,,\"d,m\"," +
                      std::string(501, 'x') +
                      ",,,,,,\n"                                                   // 9
                      "2027-01-01T09:00,,\"multi\nline\",\"text\n---\n\",,,,,,\n"  // 10-13
                      "2027-01-01T09:00,,s,slack takes none," +
                      png +
                      ",,,,,\n"  // 14
                      "2027-01-01T09:00,,w,webhook takes URLs," +
                      png +
                      ",,,,,\n"  // 15
                      "2027-01-01T09:00,,feed,not an image," +
                      txt +
                      ",,,,,\n"  // 16
                      "2027-01-01T09:00,,d,too big," +
                      w.path("big.png") +
                      ",,,,,\n"  // 17
                      "2027-01-01T09:00,,feed,alts," +
                      png +
                      ",\"one\ntwo\",,,,\n"                                      // 18-19
                      "2027-01-01T09:00,,feed,status,,,,posted,,\n"              // 20
                      "2027-01-01T09:00,,feed,lateness,,,,,soon,\n"              // 21
                      "2027-01-01T09:00,,feed,options,,,,,,[1]\n"                // 22
                      "2027-01-01T09:00,,feed,,,,,,,\n"                          // 23
                      "2027-01-01T09:00,,feed,first,,,dup,,,\n"                  // 24
                      "2027-01-01T09:00,,feed,second,,,dup,,,\n"                 // 25
                      "2027-01-01T09:00,,feed,not the stored text,,,taken,,,\n"  // 26
                      ",,,,,,,,,\n"                                              // 27
                      "2027-01-01T09:00,,feed,\xff\xfe,,,,,,\n"                  // 28
                      "2027-01-01T09:00,,feed,ok row,,,,,,\n";                   // 29
    auto r = w.import(csv);
    std::string f = w.path("posts.csv");
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.out == "");
    BOOST_TEST(
        r.err ==
        refusal(
            f,
            {
                "2: column \"scheduled_at\": \"2026-13-01T09:00\" is not a date-time (use "
                "2026-12-01T09:30, optionally with an offset such as +01:00)",
                "3: column \"timezone\": unknown time zone \"Mars/Olympus\" (use an IANA name "
                "such as Europe/Berlin)",
                "4: column \"scheduled_at\": \"2027-03-28T02:30\" does not exist in "
                "Europe/Berlin: clocks jump from 02:00 to 03:00 that day (daylight saving time "
                "gap)",
                "5: column \"scheduled_at\": \"2026-11-01T09:00Z\" is in the past "
                "(2026-11-01T09:00:00.000Z < now 2026-11-28T12:00:00.000Z)",
                "6: column \"accounts\": no account named \"nobody\" (see `postsched account "
                "list`)",
                "7: column \"accounts\": account \"sleepy\" is not active",
                "8: column \"accounts\": account \"future\" is on platform \"friendster\", which "
                "this postsched cannot publish to",
                "9: column \"content\": text for mastodon account \"m\": text is 501 characters "
                "(content warning included, links count 23), over the limit of 500 for "
                "mastodon account \"m\"",
                "10: column \"content\": part 2 of 2 is empty",
                "10: column \"accounts\": no account named \"multi\" (see `postsched account "
                "list`)",
                "10: column \"accounts\": no account named \"line\" (see `postsched account "
                "list`)",
                "14: column \"media_urls\": slack account \"s\" takes no media (this post has 1)",
                "15: column \"media_urls\": media \"" + png +
                    "\" is a local file, but webhook account \"w\" only takes public https URLs "
                    "(the platform fetches media itself)",
                "16: column \"media_urls\": media \"" + txt +
                    "\" is not an image or video postsched recognises (JPEG, PNG, GIF, WebP, "
                    "MP4, MOV)",
                "17: column \"media_urls\": media \"" + w.path("big.png") +
                    "\" is 8388609 bytes, over the 8 MiB limit of discord account \"d\"",
                "18: column \"alt_texts\": 2 alt texts (one per line) for 1 media item",
                "20: column \"status\": \"posted\" is not pending or draft",
                "21: column \"max_lateness\": \"soon\" is not a duration (like 90s, 15m, 2h or "
                "1d)",
                "22: column \"options\": is not a JSON object (like {\"mastodon\": "
                "{\"visibility\": \"unlisted\"}})",
                "23: column \"content\": the text is empty",
                "25: column \"idempotency_key\": \"dup\" is also used on line 24 with a "
                "different text",
                "26: column \"idempotency_key\": \"taken\" is already used by post " + stored_id +
                    " with a different text",
                "27: column \"scheduled_at\": is empty: give a date and time such as "
                "2027-03-01T09:30, optionally with an offset such as +01:00",
                "27: column \"content\": the text is empty",
                "27: column \"accounts\": is empty: give one or more account names, "
                "comma-separated",
                "28: column \"content\": is not valid UTF-8",
            },
            24));
    BOOST_TEST(w.dump() == before, "the store changed");
}

BOOST_AUTO_TEST_CASE(a_bad_row_on_line_9731_of_10000_stores_nothing) {
    World w;
    std::string csv = "scheduled_at,accounts,content,idempotency_key\n";
    for (int line = 2; line <= 10001; ++line) {
        std::string account = line == 9731 ? "nobody" : "feed";
        csv += "2027-01-01T09:00Z," + account + ",Post on line " + std::to_string(line) + ",key-" +
               std::to_string(line) + "\n";
    }
    std::string before = w.dump();
    auto r = w.import(csv);
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err == refusal(w.path("posts.csv"),
                                {"9731: column \"accounts\": no account named \"nobody\" (see "
                                 "`postsched account list`)"},
                                10000));
    BOOST_TEST(w.dump() == before, "the store changed");
    // Fixed, the same file goes in whole, in one transaction.
    auto at = csv.find(",nobody,");
    csv.replace(at, 8, ",feed,");
    r = w.import(csv);
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out == "imported 10000 posts from " + w.path("posts.csv") + "\n");
    BOOST_TEST(w.posts() == "10000\n");
    BOOST_TEST(sqlite(w.box.db_path(), "SELECT count(*) FROM post_targets") == "10000\n");
}

BOOST_AUTO_TEST_CASE(re_importing_with_idempotency_keys_adds_nothing) {
    World w;
    std::string csv = std::string("scheduled_at,accounts,content,idempotency_key\n") +
                      "2027-01-01T09:00Z,feed,one,k1\n"
                      "2027-01-01T10:00Z,feed,two,k2\n"
                      "2027-01-01T11:00Z,feed,\"three\n---\nthreaded\",k3\n"
                      "2027-01-01T12:00Z,feed,two,k2\n";  // the same key and text: added once
    auto r = w.import(csv);
    BOOST_TEST(r.code == 0, r.err);
    std::string f = w.path("posts.csv");
    BOOST_TEST(r.out == "imported 3 posts from " + f +
                            " (1 row skipped: idempotency key used already, with the same text)\n");
    std::string after_first = w.dump();
    r = w.import(csv);
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out ==
               "imported 0 posts from " + f +
                   " (4 rows skipped: idempotency key used already, with the same text)\n");
    BOOST_TEST(w.posts() == "3\n");
    BOOST_TEST(w.dump() == after_first);
    // Rows without a key are new posts each time.
    r = w.import("scheduled_at,accounts,content\n2027-01-01T09:00Z,feed,one\n");
    r = w.import("scheduled_at,accounts,content\n2027-01-01T09:00Z,feed,one\n");
    BOOST_TEST(w.posts() == "5\n");
}

BOOST_AUTO_TEST_CASE(standard_input_is_spooled_and_named) {
    World w;
    std::string csv = "scheduled_at,accounts,content\n2027-01-01T09:00Z,feed,from stdin\n";
    auto r = w.box.run({"import", "-"}, csv);
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out == "imported 1 post from <stdin>\n");
    BOOST_TEST(w.list()[0]["parts"][0] == "from stdin");
    r = w.box.run({"import", "-"},
                  "scheduled_at,accounts,content\n2027-01-01T09:00Z,feed,ok\n\n2027,feed,x\n");
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err == refusal("<stdin>",
                                {"4: column \"scheduled_at\": \"2027\" is not a date-time (use "
                                 "2026-12-01T09:30, optionally with an offset such as +01:00)"},
                                2));
    BOOST_TEST(w.posts() == "1\n");
}

BOOST_AUTO_TEST_CASE(csv_problems_name_their_line) {
    World w;
    std::string f = w.path("posts.csv");
    auto r = w.import(
        "scheduled_at,accounts,content\n2027-01-01T09:00Z,feed,ok\n"
        "2027-01-01T09:00Z,feed\n2027-01-01T09:00Z,feed,\"a\nb\",extra\n");
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err == refusal(f,
                                {"3: row has 2 fields, but the first row (line 1) has 3",
                                 "4: row has 4 fields, but the first row (line 1) has 3"},
                                3));
    r = w.import(
        "scheduled_at,accounts,content\n2027-01-01T09:00Z,feed,ok\n"
        "2027-01-01T09:00Z,feed,5\" screen\n");
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err == refusal(f,
                                {"3: malformed CSV: a quote inside an unquoted field, or text "
                                 "after a closing quote (quote the whole field and double each "
                                 "quote in it)"},
                                1));
    r = w.import("scheduled_at,accounts,content\n2027-01-01T09:00Z,feed,\"never closed\n");
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err.find(f + ":2: malformed CSV: a quoted field in the row starting here is "
                              "never closed\n") == 0);
    BOOST_TEST(w.posts() == "0\n");
}

BOOST_AUTO_TEST_CASE(unknown_columns_are_refused_unless_ignored) {
    World w;
    std::string csv = "scheduled_at,accounts,content,notes\n2027-01-01T09:00Z,feed,hi,for me\n";
    auto r = w.import(csv);
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err == refusal(w.path("posts.csv"),
                                {"1: column \"notes\": unknown column (the columns are "
                                 "scheduled_at, timezone, status, accounts, content, media_urls, "
                                 "alt_texts, idempotency_key, max_lateness, options; "
                                 "--ignore-unknown-columns skips others)"},
                                0));
    r = w.import(csv, {"--ignore-unknown-columns"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(w.posts() == "1\n");
    r = w.import("when,accounts,content\n2027-01-01T09:00Z,feed,hi\n",
                 {"--ignore-unknown-columns"});
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err == refusal(w.path("posts.csv"),
                                {"1: column \"scheduled_at\": missing (required: scheduled_at, "
                                 "accounts, content)"},
                                0));
}

BOOST_AUTO_TEST_CASE(unreadable_and_empty_files) {
    World w;
    auto r = w.box.run({"import", w.path("missing.csv")});
    BOOST_TEST(r.code == 66);
    BOOST_TEST(r.err == "postsched: error: cannot read \"" + w.path("missing.csv") + "\"\n");
    r = w.import("");
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err == "postsched: error: " + w.path("posts.csv") +
                            ": the file is empty: a native import starts with a header row "
                            "(scheduled_at,accounts,content,...)\n");
    r = w.import("\xef\xbb\xbfscheduled_at,accounts,content\r\n\r\n");
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out == "imported 0 posts from " + w.path("posts.csv") + "\n");
}

BOOST_AUTO_TEST_CASE(dry_run_prints_the_plan_and_writes_nothing) {
    World w;
    w.box.ok({"post", "add", "kept", "--to", "feed", "--at", "2027-05-01T09:00Z",
              "--idempotency-key", "k0"});
    std::string before = w.dump();
    std::string csv =
        std::string("scheduled_at,timezone,accounts,content,idempotency_key,status\n") +
        "2027-03-01T09:30,Europe/Berlin,\"feed,m\",\"Hello\n---\nagain\",,\n"
        "2027-03-02T09:30Z,,feed,kept,k0,\n"
        "2027-03-03T09:30Z,,other,a draft,,draft\n";
    auto r = w.import(csv, {"--dry-run"});
    std::string f = w.path("posts.csv");
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out ==
               f +
                   ":2: pending 2027-03-01 09:30 CET (+01:00) [Europe/Berlin] to feed,m: Hello "
                   "(2 parts)\n" +
                   f + ":5: skipped: its idempotency key was used already, with the same text\n" +
                   f +
                   ":6: draft 2027-03-03 09:30 UTC (+00:00) [UTC] to other: a draft\n"
                   "would import 2 posts from " +
                   f +
                   " (1 row skipped: idempotency key used already, with the same text); nothing "
                   "written (--dry-run)\n");
    BOOST_TEST(w.dump() == before, "the store changed");
    r = w.import(csv, {"--dry-run", "--json"});
    BOOST_TEST(r.code == 0, r.err);
    auto j = json::parse(r.out);
    BOOST_TEST(j["dry_run"] == true);
    BOOST_TEST(j["would_import"] == 2);
    BOOST_TEST(j["skipped_lines"].dump() == "[5]");
    BOOST_TEST(j["posts"][0]["line"] == 2);
    BOOST_TEST(j["posts"][0]["scheduled_at"] == "2027-03-01T08:30:00.000Z");
    BOOST_TEST(j["posts"][0]["parts"].dump() == R"(["Hello","again"])");
    BOOST_TEST(j["posts"][0]["accounts"].dump() == R"(["feed","m"])");
    BOOST_TEST(j["posts"][1]["status"] == "draft");
    BOOST_TEST(w.dump() == before, "the store changed");
}

BOOST_AUTO_TEST_CASE(json_lists_created_ids_or_problems) {
    World w;
    auto r = w.import(
        "scheduled_at,accounts,content\n2027-01-01T09:00Z,feed,one\n"
        "2027-01-02T09:00Z,other,two\n",
        {"--json"});
    BOOST_TEST(r.code == 0, r.err);
    auto j = json::parse(r.out);
    BOOST_TEST(j["imported"] == 2);
    BOOST_REQUIRE_EQUAL(j["posts"].size(), 2u);
    BOOST_TEST(j["posts"][1]["line"] == 3);
    auto listed = w.list();
    BOOST_TEST(j["posts"][0]["id"] == listed[0]["id"]);
    BOOST_TEST(j["posts"][1]["id"] == listed[1]["id"]);
    r = w.import("scheduled_at,accounts,content\n2027-01-01T09:00Z,nobody,one\n", {"--json"});
    BOOST_TEST(r.code == 65);
    j = json::parse(r.out);
    BOOST_TEST(j["imported"] == 0);
    BOOST_TEST(j["errors"].dump() ==
               R"x([{"column":"accounts","line":2,"message":"no account named \"nobody\" )x"
               R"x((see `postsched account list`)"}])x");
    BOOST_TEST(r.err == "postsched: error: " + w.path("posts.csv") +
                            ": 1 problem in 1 row; nothing imported\n");
}

BOOST_AUTO_TEST_CASE(hootsuite_rows_for_one_account) {
    World w;
    std::string csv =
        "12/31/2026 09:30,Happy new year,https://example.org/ny\n"
        "01/02/2027 18:05,\"Second, with a comma\",\n";
    auto r = w.import(csv, {"--format", "hootsuite", "--account", "m", "--date-order", "mdy",
                            "--tz", "America/New_York"});
    BOOST_TEST(r.code == 0, r.err);
    auto posts = w.list();
    BOOST_REQUIRE_EQUAL(posts.size(), 2u);
    BOOST_TEST(posts[0]["scheduled_at"] == "2026-12-31T14:30:00.000Z");
    BOOST_TEST(posts[0]["timezone"] == "America/New_York");
    BOOST_TEST(posts[0]["parts"][0] == "Happy new year https://example.org/ny");
    BOOST_TEST(posts[0]["targets"][0]["account"] == "m");
    BOOST_TEST(posts[1]["scheduled_at"] == "2027-01-02T23:05:00.000Z");
    BOOST_TEST(posts[1]["parts"][0] == "Second, with a comma");
    // Day first, and the problems a Hootsuite file can have.
    r = w.import("13/01/2027 09:30,x\n01/13/2027 09:30,y\n02/01/2027 09:30,\"" +
                     std::string(490, 'z') + "\",https://example.org/a-long-link\n",
                 {"--format", "hootsuite", "--account", "m", "--date-order", "dmy"});
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err == refusal(w.path("posts.csv"),
                                {"2: column \"date\": \"01/13/2027 09:30\" is not a date and time "
                                 "in day/month/year order (like 31/12/2026 09:30)",
                                 "3: column \"message\": text for mastodon account \"m\": text is "
                                 "514 characters (content warning included, links count 23), "
                                 "over the limit of 500 for mastodon account \"m\""},
                                3));
    BOOST_TEST(w.posts() == "2\n");
}

BOOST_AUTO_TEST_CASE(hootsuite_needs_an_account_and_a_date_order) {
    World w;
    w.box.write_file("h.csv", "12/31/2026 09:30,x\n");
    std::string f = w.path("h.csv");
    auto r = w.box.run({"import", f, "--format", "hootsuite", "--account", "m"});
    BOOST_TEST(r.code == 64);
    BOOST_TEST(r.err ==
               "postsched: error: --format hootsuite needs --date-order dmy or mdy (is "
               "05/06 May 6 or June 5?)\n");
    r = w.box.run({"import", f, "--format", "hootsuite", "--date-order", "mdy"});
    BOOST_TEST(r.code == 64);
    r = w.box.run({"import", f, "--format", "hootsuite", "--date-order", "mdy", "--account", "zz"});
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.err ==
               "postsched: error: --account: no account named \"zz\" (see `postsched "
               "account list`)\n");
    r = w.box.run({"import", f, "--account", "m"});
    BOOST_TEST(r.code == 64);
    BOOST_TEST(w.posts() == "0\n");
}

BOOST_AUTO_TEST_CASE(export_then_import_reproduces_the_posts) {
    World a;
    a.box.ok({"post", "add", "Part one, \"quoted\"\n---\nPart two 🙂", "--to", "feed,m", "--at",
              "2027-03-01T09:30", "--tz", "Europe/Berlin", "--idempotency-key", "rt-1",
              "--visibility", "unlisted", "--content-warning", "cw", "--max-lateness", "2h"});
    a.box.ok({"post", "add", "A draft with media", "--to", "feed", "--at",
              "2027-04-01T10:00:00.250Z", "--draft", "--media", a.path("shot.png"), "--alt",
              "Alt, with comma", "--media", "https://example.org/x,y.png"});
    a.box.ok({"post", "add", "Due now", "--to", "other,d", "--now"});
    a.import(
        "scheduled_at,accounts,content,media_urls\n"
        "2027-05-01T08:00Z,feed,\" spaces kept \",https://example.org/a.png\n");
    std::string exported = a.box.ok({"export"});
    BOOST_TEST(exported.rfind("scheduled_at,timezone,status,accounts,content,media_urls,"
                              "alt_texts,idempotency_key,max_lateness,options\r\n",
                              0) == 0);
    BOOST_TEST(exported.find("2027-03-01T09:30:00+01:00,Europe/Berlin,pending,\"feed,m\","
                             "\"Part one, \"\"quoted\"\"\n---\nPart two 🙂\",,,rt-1,2h,") !=
               std::string::npos);
    BOOST_TEST(exported.find("2027-04-01T10:00:00.250+00:00,UTC,draft,feed,A draft with media") !=
               std::string::npos);

    World b;  // a fresh store with the same account names
    b.box.write_file("export.csv", exported);
    auto r = b.box.run({"import", b.path("export.csv")});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out == "imported 4 posts from " + b.path("export.csv") + "\n");
    BOOST_TEST(b.box.ok({"export"}) == exported);
    auto strip = [](json posts) {
        for (auto& p : posts) {
            for (const char* k : {"id", "created_at", "updated_at", "approved_at"})
                p.erase(k);
            std::vector<std::string> accounts;
            for (const auto& t : p["targets"])
                accounts.push_back(t["account"]);
            std::sort(accounts.begin(), accounts.end());
            p["targets"] = accounts;
        }
        return posts;
    };
    BOOST_TEST(strip(b.list()).dump() == strip(a.list()).dump());
    // Exported again into the same store: the keyed post is skipped.
    r = b.box.run({"import", b.path("export.csv"), "--dry-run"});
    BOOST_TEST(r.out.find("skipped: its idempotency key") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(export_filters_by_status_time_and_account) {
    World w;
    w.import(
        "scheduled_at,accounts,content,status\n"
        "2027-01-01T09:00Z,feed,jan,pending\n"
        "2027-02-01T09:00Z,other,feb,draft\n"
        "2027-03-01T09:00Z,feed,mar,pending\n");
    auto rows = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "export");
        std::string out = w.box.ok(args);
        std::size_t n = 0;
        for (std::size_t at = 0; (at = out.find("\r\n", at)) != std::string::npos; at += 2)
            ++n;
        return n - 1;  // the header
    };
    BOOST_TEST(rows({}) == 3u);
    BOOST_TEST(rows({"--status", "draft"}) == 1u);
    BOOST_TEST(rows({"--since", "2027-02-01T09:00Z"}) == 2u);
    BOOST_TEST(rows({"--until", "2027-02-01T09:00Z"}) == 1u);
    BOOST_TEST(rows({"--account", "feed"}) == 2u);
    auto r = w.box.run({"export", "--status", "sent"});
    BOOST_TEST(r.code == 64);
    r = w.box.run({"export", "--since", "yesterday"});
    BOOST_TEST(r.code == 64);
}

BOOST_AUTO_TEST_SUITE_END()
