// `postsched db copy` between SQLite and PostgreSQL: a round trip SQLite →
// PostgreSQL → SQLite keeps every row of every table (compared canonically:
// JSON re-serialised, instants as UTC), and a destination holding data is
// refused unless --force.
#include <SQLiteCpp/SQLiteCpp.h>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <map>

#include "core/time_format.hpp"
#include "fakes/fake_mastodon.hpp"
#include "support/postgres_db.hpp"
#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::fakes::FakeMastodon;
using postsched::testing::is_error;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;
using postsched::testing::TestDatabase;

namespace {

constexpr const char* k_token = "mastodon-token-SECRET-0123456789";
const std::vector<std::string> k_tables = {"social_accounts", "scheduled_posts", "post_targets",
                                           "post_analytics",  "rate_limits",     "runs"};

// One value in canonical form: JSON re-serialised, instants as UTC.
std::string canonical(const SQLite::Column& c) {
    if (c.isNull())
        return "<null>";
    std::string v = c.getString();
    if (!v.empty() && (v[0] == '{' || v[0] == '[')) {
        auto j = json::parse(v, nullptr, false);
        if (!j.is_discarded())
            return j.dump();
    }
    if (auto t = postsched::parse_offset_instant(v))
        return postsched::format_instant(*t);
    return v;
}

// Every row of every table, canonical, in key order.
std::map<std::string, std::vector<std::string>> rows_of(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& t : k_tables) {
        SQLite::Statement q(db, "SELECT * FROM " + t + " ORDER BY 1, 2");
        auto& rows = out[t];
        while (q.executeStep()) {
            std::string row;
            for (int i = 0; i < q.getColumnCount(); ++i)
                row += (i ? "|" : "") + std::string(q.getColumnName(i)) + "=" +
                       canonical(q.getColumn(i));
            rows.push_back(row);
        }
    }
    return out;
}

// A SQLite store with something in every table and every column kind.
struct Source {
    FakeMastodon mastodon;
    Sandbox box;
    Source() {
        mastodon.add_account(k_token, "1", "alice");
        box.env["SECRET_KEY"] = "correct horse battery staple";
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.env["MTOKEN"] = k_token;
        box.ok({"init"});
        box.ok({"account", "add", "mastodon", "--name", "m", "--instance", mastodon.base_url(),
                "--token-env", "MTOKEN"});
        box.ok({"account", "add", "exec", "--name", "broken", "--command",
                "echo 'quota exceeded' >&2; exit 3"});
        box.ok({"post", "add", "thread one\n---\nthread two — ünïcode 🎉", "--to", "m", "--now",
                "--visibility", "unlisted", "--content-warning", "cw", "--language", "de"});
        box.ok({"post", "add", "fails", "--to", "broken", "--now"});
        box.ok({"post", "add", "a draft", "--to", "m,broken", "--now", "--draft",
                "--idempotency-key", "release-2.0"});
        box.ok({"post", "add", "tomorrow", "--to", "m", "--at", "2026-11-29T08:30:00+01:00",
                "--max-lateness", "2h"});
        box.ok({"run"});
        // What the CLI does not make yet: analytics, rate limits, leases,
        // adapter state, the refresh lease.
        sqlite(box.db_path(),
               "INSERT INTO post_analytics VALUES ('a1', (SELECT id FROM post_targets WHERE "
               "status = 'posted' LIMIT 1), 5, 1, 2, 300, NULL, '2026-11-28T13:00:00.000Z');"
               "INSERT INTO rate_limits VALUES ((SELECT id FROM social_accounts WHERE name = 'm'),"
               " 'statuses', 'rate_limited', 0, '2026-11-28T12:05:00.000Z', '429', "
               "'2026-11-28T12:00:00.000Z'), ('app:x', 'credits', 'paused', NULL, NULL, '402', "
               "'2026-11-28T12:00:00.000Z');"
               "UPDATE social_accounts SET refreshing_until = '2026-11-28T12:00:30.123Z', "
               "token_expiry = '2026-12-28T00:00:00.000Z', user_id = 'u1' WHERE name = 'm';"
               "UPDATE post_targets SET status = 'sending', claim_token = 'tok', claimed_until = "
               "'2026-11-28T12:05:00.000Z', sending_at = '2026-11-28T12:00:00.000Z', "
               "adapter_state = '{\"parts\":[\"109\"],\"z\":{\"b\":1,\"a\":[true,null]}}' "
               "WHERE next_attempt_at > '2026-11-29';"
               "UPDATE scheduled_posts SET article_id = 'art-7', user_id = 'u1' WHERE content = "
               "'a draft'");
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_copy_test,
                      *boost::unit_test::precondition(postsched::testing::postgres_wanted))

BOOST_AUTO_TEST_CASE(a_round_trip_sqlite_postgresql_sqlite_keeps_every_row) {
    Source src;
    TestDatabase db;
    const std::string from = "sqlite://" + src.box.db_path();
    const std::string back_path = src.box.dir() + "/back/postsched.db";
    Sandbox& box = src.box;
    for (const auto& [k, v] : db.env())
        box.env[k] = v;

    std::string out = box.ok({"db", "copy", "--from", from, "--to", db.url()});
    BOOST_TEST(out.find("copied ") == 0, out);
    BOOST_TEST(db.sql("SELECT count(*) FROM post_targets") == "5\n");
    BOOST_TEST(db.sql("SELECT count(*) FROM runs") == "1\n");
    // The PostgreSQL store answers the CLI exactly as the SQLite one did.
    for (const auto& cmd : std::vector<std::vector<std::string>>{{"post", "list", "--json"},
                                                                 {"account", "list", "--json"}}) {
        RunResult on_sqlite = box.run(cmd);
        RunResult on_pg = box.run(cmd, "", {{"POSTSCHED_STORE_URL", db.url()}});
        BOOST_TEST(on_sqlite.code == 0, on_sqlite.err);
        BOOST_TEST(on_pg.out == on_sqlite.out);
    }

    auto copied = json::parse(
        box.ok({"db", "copy", "--from", db.url(), "--to", "sqlite://" + back_path, "--json"}));
    BOOST_TEST(copied["tables"]["scheduled_posts"] == 4);
    BOOST_TEST(copied["tables"]["post_analytics"] == 1);
    BOOST_TEST(copied["tables"]["rate_limits"] == 2);
    auto before = rows_of(src.box.db_path());
    auto after = rows_of(back_path);
    for (const auto& t : k_tables) {
        BOOST_TEST_CONTEXT(t) {
            BOOST_TEST(!before[t].empty());
            BOOST_TEST(after[t] == before[t], boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_destination_with_data_is_refused_unless_forced) {
    Source src;
    TestDatabase db;
    Sandbox& box = src.box;
    for (const auto& [k, v] : db.env())
        box.env[k] = v;
    const std::string from = "sqlite://" + src.box.db_path();
    box.ok({"db", "copy", "--from", from, "--to", db.url()});
    db.sql("UPDATE scheduled_posts SET content = 'changed on the destination'");
    RunResult again = box.run({"db", "copy", "--from", from, "--to", db.url()});
    BOOST_TEST(is_error(again, 73, {"is not empty (", "use --force"}));
    BOOST_TEST(db.sql("SELECT count(*) FROM scheduled_posts WHERE content LIKE 'changed%'") ==
               "4\n");
    box.ok({"db", "copy", "--from", from, "--to", db.url(), "--force"});
    BOOST_TEST(db.sql("SELECT count(*) FROM scheduled_posts WHERE content LIKE 'changed%'") ==
               "0\n");
    BOOST_TEST(db.sql("SELECT count(*) FROM scheduled_posts") == "4\n");

    BOOST_TEST(is_error(box.run({"db", "copy", "--from", "sqlite:///nonexistent/x.db", "--to",
                                 db.url(), "--force"}),
                        66, {"does not exist"}));
    BOOST_TEST(is_error(box.run({"db", "copy", "--from", db.url(), "--to", db.url()}), 64,
                        {"the same store"}));
    BOOST_TEST(is_error(
        box.run({"db", "copy", "--from", from, "--to", "postgresql://u:pw-in-url@127.0.0.1:1/x"}),
        69, {"cannot reach the PostgreSQL store at 127.0.0.1:1/x"}));
}

BOOST_AUTO_TEST_SUITE_END()
