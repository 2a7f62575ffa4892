// The account commands end to end: the real binary in a sandbox, checked
// against the fake Mastodon and webhook receivers on 127.0.0.1.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <set>

#include "fakes/fake_mastodon.hpp"
#include "fakes/fake_webhooks.hpp"
#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::fakes::FakeMastodon;
using postsched::fakes::FakeWebhooks;
using postsched::fakes::HookKind;
using postsched::testing::expect_refused;
using postsched::testing::joined;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;

namespace {

constexpr const char* k_key = "correct horse battery staple";
constexpr const char* k_token = "mastodon-token-SECRET-0123456789";

// An initialised sandbox at a pinned time, next to a fake Mastodon that
// knows k_token (account 109, "alice") and the fake webhook receivers.
struct Cli {
    FakeMastodon mastodon;
    FakeWebhooks hooks;
    Sandbox box;
    Cli() {
        mastodon.add_account(k_token, "109", "alice");
        box.env["SECRET_KEY"] = k_key;
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.env["MTOKEN"] = k_token;
        box.env["DISCORD_URL"] = hooks.discord_url();
        box.env["SLACK_URL"] = hooks.slack_url();
        box.env["HOOK_URL"] = hooks.json_url();
        box.ok({"init"});
    }
    void add_mastodon(const std::string& name) {
        box.ok({"account", "add", "mastodon", "--name", name, "--instance", mastodon.base_url(),
                "--token-env", "MTOKEN"});
    }
    json show(const std::string& name) {
        return json::parse(box.ok({"account", "show", name, "--json"}));
    }
    std::string dump() const { return sqlite(box.db_path(), ".dump"); }
    std::string count(const std::string& table) const {
        return sqlite(box.db_path(), "select count(*) from " + table);
    }
    RunResult refuse(const std::vector<std::string>& args, int code,
                     const std::vector<std::string>& needles, const std::string& input = "") {
        return expect_refused(box, args, code, needles, input);
    }
};

// Every secret the fakes hand out.
std::vector<std::string> secrets() {
    return {k_token, std::string(FakeWebhooks::k_discord_token),
            std::string(FakeWebhooks::k_slack_secret), std::string(FakeWebhooks::k_json_secret)};
}

void expect_no_secret(const std::string& where, const std::string& text) {
    for (const auto& s : secrets())
        BOOST_TEST(text.find(s) == std::string::npos, where << " shows a secret: " << text);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_account_test)

BOOST_AUTO_TEST_CASE(adds_an_exec_account) {
    Cli c;
    std::string out = c.box.ok({"account", "add", "exec", "--name", "feed", "--command", "cat"});
    BOOST_TEST(out == "added exec account \"feed\"\n");
    auto a = c.show("feed");
    BOOST_TEST(a["name"] == "feed");
    BOOST_TEST(a["platform"] == "exec");
    BOOST_TEST(a["platform_account_id"] == "feed");
    BOOST_TEST(a["active"] == true);
    BOOST_TEST(c.refuse({"account", "add", "exec", "--name", "bare"}, 64, {"--command"}).out == "");
}

BOOST_AUTO_TEST_CASE(adds_discord_slack_and_webhook_accounts) {
    Cli c;
    c.box.ok({"account", "add", "discord", "--name", "chat", "--token-env", "DISCORD_URL"});
    c.box.ok({"account", "add", "slack", "--name", "team", "--token-env", "SLACK_URL"});
    c.box.ok({"account", "add", "webhook", "--name", "site", "--token-env", "HOOK_URL"});
    BOOST_TEST(c.show("chat")["platform"] == "discord");
    BOOST_TEST(c.show("chat")["platform_account_id"] == std::string(FakeWebhooks::k_discord_id));
    BOOST_TEST(c.show("team")["platform"] == "slack");
    BOOST_TEST(c.show("site")["platform"] == "webhook");
    // Each one publishes through the URL it was given.
    c.box.ok({"post", "add", "hello all", "--to", "chat,team,site", "--now"});
    c.box.ok({"run"});
    BOOST_TEST(c.hooks.received(HookKind::discord).size() == 1u);
    BOOST_TEST(c.hooks.received(HookKind::slack).size() == 1u);
    BOOST_TEST(c.hooks.received(HookKind::json).size() == 1u);
    // A webhook URL that is plain http to a public host is refused.
    c.box.env["BAD_URL"] = "http://example.com/hooks/x";
    c.refuse({"account", "add", "webhook", "--name", "plain", "--token-env", "BAD_URL"}, 65,
             {"\"plain\"", "https"});
}

BOOST_AUTO_TEST_CASE(a_mastodon_account_is_verified_with_the_instance) {
    Cli c;
    std::string out = c.box.ok({"account", "add", "mastodon", "--name", "news", "--instance",
                                c.mastodon.base_url() + "/", "--token-env", "MTOKEN"});
    BOOST_TEST(out == "added mastodon account \"news\" (alice)\n");
    BOOST_TEST(c.mastodon.requests(FakeMastodon::k_verify) == 1);
    auto a = c.show("news");
    BOOST_TEST(a["platform"] == "mastodon");
    BOOST_TEST(a["username"] == "alice");
    BOOST_TEST(a["platform_account_id"] == "109");
    BOOST_TEST(a["instance_url"] == c.mastodon.base_url());
    BOOST_TEST(sqlite(c.box.db_path(),
                      "select platform, account_id, account_username from social_accounts") ==
               "mastodon|109|alice\n");
}

BOOST_AUTO_TEST_CASE(a_token_the_instance_rejects_stores_nothing) {
    Cli c;
    c.box.env["WRONG"] = "not-a-valid-token-987654321";
    RunResult r = c.refuse({"account", "add", "mastodon", "--name", "news", "--instance",
                            c.mastodon.base_url(), "--token-env", "WRONG"},
                           77, {"\"news\""});
    BOOST_TEST(r.err.find("not-a-valid-token-987654321") == std::string::npos, r.err);
    BOOST_TEST(r.out.empty());
    BOOST_TEST(c.count("social_accounts") == "0\n");
    BOOST_TEST(c.mastodon.requests(FakeMastodon::k_verify) == 1);
}

BOOST_AUTO_TEST_CASE(the_token_can_come_from_stdin) {
    Cli c;
    c.box.env.erase("MTOKEN");
    c.box.ok({"account", "add", "mastodon", "--name", "news", "--instance", c.mastodon.base_url(),
              "--token-stdin"},
             std::string(k_token) + "\n");
    BOOST_TEST(c.show("news")["username"] == "alice");
    BOOST_TEST(c.dump().find(k_token) == std::string::npos);
    c.box.ok({"post", "add", "via stdin token", "--to", "news", "--now"});
    c.box.ok({"run"});
    BOOST_REQUIRE(c.mastodon.statuses().size() == 1u);
    BOOST_TEST(c.mastodon.statuses()[0].text == "via stdin token");
    c.refuse({"account", "add", "mastodon", "--name", "empty", "--instance", c.mastodon.base_url(),
              "--token-stdin"},
             64, {"--token-stdin"}, "\n");
    c.box.env["MTOKEN"] = k_token;
    c.refuse({"account", "add", "mastodon", "--name", "both", "--instance", c.mastodon.base_url(),
              "--token-env", "MTOKEN", "--token-stdin"},
             64, {"not both"}, k_token);
}

BOOST_AUTO_TEST_CASE(no_command_output_and_no_stored_byte_shows_a_token) {
    Cli c;
    using Args = std::vector<std::string>;
    std::vector<std::pair<Args, int>> commands = {
        {{"account", "add", "mastodon", "--name", "news", "--instance", c.mastodon.base_url(),
          "--token-env", "MTOKEN"},
         0},
        {{"account", "add", "discord", "--name", "chat", "--token-env", "DISCORD_URL"}, 0},
        {{"account", "add", "slack", "--name", "team", "--token-env", "SLACK_URL"}, 0},
        {{"account", "add", "webhook", "--name", "site", "--token-env", "HOOK_URL"}, 0},
        {{"account", "add", "discord", "--name", "chat", "--token-env", "DISCORD_URL"}, 65},
        {{"account", "list"}, 0},
        {{"account", "list", "--json"}, 0},
        {{"post", "add", "to everyone", "--to", "news,chat,team,site", "--now"}, 0},
        {{"-vv", "run", "--json"}, 0},
        {{"post", "list", "--json"}, 0},
        {{"config", "show"}, 0},
    };
    for (const auto& name : {"news", "chat", "team", "site"}) {
        commands.push_back({{"account", "show", name}, 0});
        commands.push_back({{"account", "show", name, "--json"}, 0});
    }
    for (const auto& [args, code] : commands) {
        RunResult r = c.box.run(args);
        BOOST_TEST_CONTEXT(joined(args)) {
            BOOST_TEST(r.code == code, r.err);
            expect_no_secret("stdout", r.out);
            expect_no_secret("stderr", r.err);
        }
    }
    BOOST_TEST(c.mastodon.statuses().size() == 1u);  // the run did publish
    BOOST_TEST(c.hooks.received(HookKind::discord).size() == 1u);
    std::string dump = c.dump();
    BOOST_TEST(dump.find("gAAAAA") != std::string::npos);
    expect_no_secret("the store", dump);
}

BOOST_AUTO_TEST_CASE(bad_account_input_is_refused) {
    Cli c;
    c.box.ok({"account", "add", "exec", "--name", "feed", "--command", "cat"});
    c.refuse({"account", "add", "exec", "--name", "feed", "--command", "cat"}, 65,
             {"an account named \"feed\" already exists"});
    c.refuse({"account", "add", "mastodon", "--name", "feed", "--instance", c.mastodon.base_url(),
              "--token-env", "MTOKEN"},
             65, {"\"feed\" already exists"});
    c.refuse({"account", "add", "myspace", "--name", "old", "--token-env", "MTOKEN"}, 64,
             {"unknown platform \"myspace\"", "mastodon"});
    c.refuse({"account", "add", "mastodon", "--name", "news", "--instance", c.mastodon.base_url()},
             64, {"mastodon needs a token"});
    c.refuse({"account", "add", "discord", "--name", "chat"}, 64, {"needs a token"});
    c.refuse({"account", "add", "mastodon", "--name", "news", "--instance", c.mastodon.base_url(),
              "--token-env", "NOT_SET_ANYWHERE"},
             64, {"NOT_SET_ANYWHERE", "not set"});
    c.refuse({"account", "add", "mastodon", "--name", "news", "--token-env", "MTOKEN"}, 64,
             {"--instance"});
    for (const auto& bad :
         std::vector<std::string>{"bad name", "a/b", "ünï", "semi;colon", std::string(65, 'x')})
        c.refuse({"account", "add", "exec", "--name", bad, "--command", "cat"}, 64, {"--name"});
    BOOST_TEST(c.count("social_accounts") == "1\n");
    BOOST_TEST(c.mastodon.requests(FakeMastodon::k_verify) == 0);
}

BOOST_AUTO_TEST_CASE(list_and_show_accounts) {
    Cli c;
    BOOST_TEST(json::parse(c.box.ok({"account", "list", "--json"})) == json::array());
    c.add_mastodon("news");
    c.box.ok({"account", "add", "exec", "--name", "feed", "--command", "cat"});
    std::string table = c.box.ok({"account", "list"});
    BOOST_TEST(table.rfind("NAME ", 0) == 0, table);
    BOOST_TEST(table.find("news") != std::string::npos);
    BOOST_TEST(table.find("alice") != std::string::npos);
    BOOST_TEST(table.find("feed") != std::string::npos);
    auto list = json::parse(c.box.ok({"account", "list", "--json"}));
    BOOST_REQUIRE(list.size() == 2u);
    std::set<std::string> names{list[0]["name"], list[1]["name"]};
    BOOST_TEST((names == std::set<std::string>{"feed", "news"}));
    for (const auto& a : list)
        BOOST_TEST(a == c.show(a["name"].get<std::string>()));
    c.box.ok({"post", "add", "later", "--to", "news", "--at", "2026-12-01T10:00Z"});
    std::string text = c.box.ok({"account", "show", "news"});
    BOOST_TEST(text.find("stored, encrypted") != std::string::npos, text);
    BOOST_TEST(text.find("alice") != std::string::npos);
    auto line = text.substr(text.find("\nunsent targets") + 1);
    line = line.substr(0, line.find('\n'));
    BOOST_TEST(line.substr(line.size() - 2) == " 1", line);
    auto news = c.show("news");
    BOOST_TEST(news.count("access_token") == 0u);
    BOOST_TEST(news["has_refresh_token"] == false);
    c.refuse({"account", "show", "ghost"}, 65, {"no account named \"ghost\""});
}

BOOST_AUTO_TEST_CASE(remove_is_refused_while_targets_are_unsent_unless_forced) {
    Cli c;
    // "flaky" fails temporarily (exit 75), so its target stays pending.
    c.box.ok({"account", "add", "exec", "--name", "flaky", "--command", "exit 75"});
    c.box.ok({"account", "add", "exec", "--name", "feed", "--command", "cat > /dev/null"});
    std::string only =
        c.box.ok({"post", "add", "only flaky", "--to", "flaky", "--at", "2026-12-01T10:00Z"})
            .substr(0, 36);
    std::string both =
        c.box.ok({"post", "add", "both", "--to", "flaky,feed", "--now"}).substr(0, 36);
    c.box.ok({"run"});
    auto post = [&](const std::string& id) {
        return json::parse(c.box.ok({"post", "show", id, "--json"}));
    };
    BOOST_REQUIRE(post(both)["status"] == "posting");
    c.refuse({"account", "remove", "flaky"}, 65,
             {"account \"flaky\" has 2 unsent target(s)", "--force"});
    c.refuse({"account", "remove", "ghost"}, 65, {"\"ghost\""});
    BOOST_TEST(c.box.ok({"account", "remove", "flaky", "--force"}) ==
               "removed account \"flaky\" and its 2 unsent target(s)\n");
    BOOST_TEST(c.count("social_accounts") == "1\n");
    BOOST_TEST(sqlite(c.box.db_path(),
                      "select count(*) from post_targets t left join "
                      "social_accounts a on a.id = t.account_id where a.id is "
                      "null") == "0\n");
    auto p = post(only);
    BOOST_TEST(p["status"] == "cancelled");
    BOOST_TEST(p["targets"] == json::array());
    p = post(both);
    BOOST_TEST(p["status"] == "posted");
    BOOST_REQUIRE(p["targets"].size() == 1u);
    BOOST_TEST(p["targets"][0]["account"] == "feed");
    // With nothing unsent, no --force is needed.
    BOOST_TEST(c.box.ok({"account", "remove", "feed"}) == "removed account \"feed\"\n");
    BOOST_TEST(post(both)["status"] == "posted");
}

BOOST_AUTO_TEST_SUITE_END()
