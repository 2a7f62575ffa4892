// account disable / enable: a disabled account's targets wait (never fail)
// and go out once it is enabled again; list shows the state.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "fakes/fake_mastodon.hpp"
#include "support/sandbox.hpp"

using postsched::fakes::FakeMastodon;
using postsched::testing::is_error;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;

BOOST_AUTO_TEST_SUITE(cli_account_hold_test)

BOOST_AUTO_TEST_CASE(a_disabled_account_holds_its_targets_until_enabled) {
    FakeMastodon mastodon;
    mastodon.add_account("tok-SECRET-1", "109", "alice");
    Sandbox box;
    box.env["SECRET_KEY"] = "k";
    box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
    box.env["MTOKEN"] = "tok-SECRET-1";
    box.ok({"init"});
    box.ok({"account", "add", "mastodon", "--name", "m", "--instance", mastodon.base_url(),
            "--token-env", "MTOKEN"});
    box.ok({"post", "add", "held", "--to", "m", "--now"});
    BOOST_TEST(box.ok({"account", "disable", "m"}) ==
               "disabled account \"m\"; its 1 unsent target(s) wait until it is enabled\n");
    // New posts are refused for it, as import refuses them.
    BOOST_TEST(is_error(box.run({"post", "add", "more", "--to", "m", "--now"}), 65,
                        {"--to: account \"m\" is disabled (`postsched account enable m` first)"}));
    auto listed = nlohmann::json::parse(box.ok({"account", "list", "--json"}));
    BOOST_TEST(listed[0]["active"] == false);
    for (const char* column :
         {"NAME", "PLATFORM", "USERNAME", "ACTIVE", "RECONNECT", "TOKEN EXPIRES", "LAST USED"})
        BOOST_TEST(box.ok({"account", "list"}).find(column) != std::string::npos);
    box.ok({"run"});
    box.ok({"run"});
    BOOST_TEST(mastodon.status_requests() == 0);
    BOOST_TEST(sqlite(box.db_path(), "SELECT status, attempts FROM post_targets") == "pending|0\n");
    BOOST_TEST(box.ok({"account", "enable", "m"}) ==
               "enabled account \"m\"; its 1 unsent target(s) go out when due\n");
    box.ok({"run"});
    BOOST_TEST(mastodon.statuses().size() == 1u);
    BOOST_TEST(sqlite(box.db_path(), "SELECT status FROM post_targets") == "posted\n");
    BOOST_TEST(is_error(box.run({"account", "disable", "nobody"}), 65, {"no account named"}));
}

BOOST_AUTO_TEST_SUITE_END()
