// Configuration end to end: where the file is found, the precedence of
// default < file < environment as `config show` reports it, and the one-line
// exit-78 errors for a bad file.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <map>

#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::testing::is_error;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;

namespace {

struct Entry {
    std::string value, origin;
};

// `config show --json` as {config_file, key -> {value, origin}}.
struct Shown {
    std::string file;
    std::map<std::string, Entry> values;
};

Shown show(const Sandbox& box, std::vector<std::string> pre = {}) {
    pre.insert(pre.end(), {"config", "show", "--json"});
    json j = json::parse(box.ok(pre));
    Shown s;
    s.file = j["config_file"];
    for (const auto& v : j["values"])
        s.values[v["key"]] = {v["value"], v["origin"]};
    return s;
}

// Writes `content` under the sandbox and returns the absolute path.
std::string put(const Sandbox& box, const std::string& relative, const std::string& content) {
    box.write_file(relative, content);
    return box.dir() + "/" + relative;
}

// `config show` and a command that opens the store both refuse the file with
// exactly `message` (one line, exit 78).
void expect_config_error(const Sandbox& box, const std::string& message) {
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"config", "show"}, {"post", "list"}}) {
        RunResult r = box.run(args);
        BOOST_TEST_CONTEXT(args[0] + " " + args[1]) {
            BOOST_TEST(is_error(r, 78));
            BOOST_TEST(r.err == "postsched: error: " + message + "\n");
            BOOST_TEST(r.out.empty());
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_config_test)

BOOST_AUTO_TEST_CASE(default_then_file_then_environment) {
    Sandbox box;
    auto s = show(box);
    BOOST_TEST(s.file == "");
    BOOST_TEST(s.values["scheduler.batch_size"].value == "200");
    BOOST_TEST(s.values["scheduler.batch_size"].origin == "default");
    BOOST_TEST(s.values["store.url"].value == "sqlite://" + box.db_path());
    BOOST_TEST(s.values["security.key_file"].value == box.key_path());
    BOOST_TEST(box.ok({"config", "show"}).rfind("# config file: (none)\n", 0) == 0);

    std::string file = put(box, "config/postsched/config.toml",
                           "# comment\n[scheduler]\nconcurrency = 2\nbatch_size = 50\n");
    s = show(box);
    BOOST_TEST(s.file == file);
    BOOST_TEST(s.values["scheduler.batch_size"].value == "50");
    BOOST_TEST(s.values["scheduler.batch_size"].origin == file + ":4");
    BOOST_TEST(s.values["scheduler.concurrency"].origin == file + ":3");
    BOOST_TEST(s.values["scheduler.lease"].origin == "default");

    box.env["POSTSCHED_BATCH_SIZE"] = "7";
    s = show(box);
    BOOST_TEST(s.values["scheduler.batch_size"].value == "7");
    BOOST_TEST(s.values["scheduler.batch_size"].origin == "env POSTSCHED_BATCH_SIZE");
    BOOST_TEST(s.values["scheduler.concurrency"].value == "2");  // the file still counts
    std::string text = box.ok({"config", "show"});
    BOOST_TEST(text.find("# config file: " + file + "\n") == 0u, text);
    BOOST_TEST(text.find("env POSTSCHED_BATCH_SIZE") != std::string::npos);

    box.env["POSTSCHED_BATCH_SIZE"] = "";  // empty counts as unset
    BOOST_TEST(show(box).values["scheduler.batch_size"].origin == file + ":4");
    box.env["POSTSCHED_BATCH_SIZE"] = "many";
    RunResult r = box.run({"config", "show"});
    BOOST_TEST(is_error(r, 78, {"POSTSCHED_BATCH_SIZE", "\"many\""}));
}

BOOST_AUTO_TEST_CASE(the_config_option_beats_the_variable_beats_the_user_file) {
    Sandbox box;
    std::string user = put(box, "config/postsched/config.toml", "[scheduler]\nbatch_size = 1\n");
    std::string from_env = put(box, "env.toml", "[scheduler]\nbatch_size = 2\n");
    std::string from_opt = put(box, "opt.toml", "[scheduler]\nbatch_size = 3\n");
    auto s = show(box);
    BOOST_TEST(s.file == user);
    BOOST_TEST(s.values["scheduler.batch_size"].value == "1");
    box.env["POSTSCHED_CONFIG"] = from_env;
    s = show(box);
    BOOST_TEST(s.file == from_env);
    BOOST_TEST(s.values["scheduler.batch_size"].value == "2");
    s = show(box, {"--config", from_opt});
    BOOST_TEST(s.file == from_opt);
    BOOST_TEST(s.values["scheduler.batch_size"].value == "3");
    BOOST_TEST(s.values["scheduler.batch_size"].origin == from_opt + ":2");
    BOOST_TEST(show(box, {"-c", from_opt}).file == from_opt);
    // A named file must exist; the user file is no fallback for it.
    RunResult r = box.run({"--config", box.dir() + "/missing.toml", "config", "show"});
    BOOST_TEST(is_error(r, 78, {"missing.toml", "does not exist"}));
    box.env["POSTSCHED_CONFIG"] = box.dir() + "/gone.toml";
    r = box.run({"config", "show"});
    BOOST_TEST(is_error(r, 78, {"gone.toml", "POSTSCHED_CONFIG"}));
}

BOOST_AUTO_TEST_CASE(an_unknown_key_names_file_line_and_key) {
    Sandbox box;
    std::string f =
        put(box, "config/postsched/config.toml", "[scheduler]\nbatch_size = 5\n\nbatch_sise = 5\n");
    expect_config_error(box, f + ":4: unknown key \"scheduler.batch_sise\"");
    put(box, "config/postsched/config.toml", "[store]\nurl = \"sqlite:///x.db\"\n[sched]\nx = 1\n");
    expect_config_error(box, f + ":4: unknown key \"sched.x\"");
    put(box, "config/postsched/config.toml", "[platforms.exec]\ntimeout = \"5s\"\nretries = 2\n");
    expect_config_error(box, f + ":3: unknown key \"platforms.exec.retries\"");
}

BOOST_AUTO_TEST_CASE(a_value_of_the_wrong_type_names_file_line_and_key) {
    Sandbox box;
    std::string f = put(box, "config/postsched/config.toml", "[scheduler]\n\nbatch_size = \"x\"\n");
    expect_config_error(box, f + ":3: key \"scheduler.batch_size\": \"x\" is not a whole number");
    put(box, "config/postsched/config.toml", "[scheduler]\nbatch_size = [1, 2]\n");
    expect_config_error(box, f + ":2: key \"scheduler.batch_size\": expected an integer");
    put(box, "config/postsched/config.toml", "[scheduler]\nbatch_size = 0\n");
    RunResult r = box.run({"config", "show"});
    BOOST_TEST(is_error(r, 78, {f + ":2: key \"scheduler.batch_size\"", "out of range"}));
    put(box, "config/postsched/config.toml", "[scheduler]\nlease = \"soon\"\n");
    r = box.run({"config", "show"});
    BOOST_TEST(is_error(r, 78, {f + ":2: key \"scheduler.lease\"", "\"soon\""}));
}

BOOST_AUTO_TEST_CASE(malformed_toml_names_file_and_line) {
    Sandbox box;
    std::string f =
        put(box, "config/postsched/config.toml", "# ok\n\n[scheduler\nbatch_size = 1\n");
    RunResult r = box.run({"config", "show"});
    BOOST_TEST(is_error(r, 78, {f + ":3: "}));
    put(box, "config/postsched/config.toml", "[scheduler]\nbatch_size = = 1\n");
    r = box.run({"post", "list"});
    BOOST_TEST(is_error(r, 78, {f + ":2: "}));
}

BOOST_AUTO_TEST_CASE(an_unknown_platform_table_is_refused) {
    Sandbox box;
    std::string f = put(box, "config/postsched/config.toml",
                        "[platforms.exec]\ntimeout = \"5s\"\n\n[platforms.myspace]\ntimeout = "
                        "\"1s\"\n");
    expect_config_error(box, f + ":4: unknown platform \"myspace\" in [platforms]");
}

BOOST_AUTO_TEST_CASE(the_secret_key_may_only_come_from_the_environment) {
    Sandbox box;
    std::string f = put(box, "config/postsched/config.toml",
                        "[security]\nkey_file = \"/tmp/k\"\nsecret_key = \"in-the-file-123\"\n");
    expect_config_error(box, f + ":3: key \"security.secret_key\" may only be set in the "
                                 "environment (POSTSCHED_SECRET_KEY)");
    RunResult r = box.run({"config", "show"});
    BOOST_TEST(r.err.find("in-the-file-123") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(config_show_masks_secrets) {
    Sandbox box;
    const std::string secret = "hunter2-do-not-print-me";
    box.env["SECRET_KEY"] = secret;
    std::string text = box.ok({"config", "show"});
    BOOST_TEST(text.find(secret) == std::string::npos, text);
    BOOST_TEST(text.find("********") != std::string::npos);
    std::string js = box.ok({"config", "show", "--json"});
    BOOST_TEST(js.find(secret) == std::string::npos, js);
    auto s = show(box);
    BOOST_TEST(s.values["security.secret_key"].value == "********");
    BOOST_TEST(s.values["security.secret_key"].origin == "env SECRET_KEY");
    box.env["POSTSCHED_SECRET_KEY"] = "second-" + secret;  // the first of the two wins
    s = show(box);
    BOOST_TEST(s.values["security.secret_key"].origin == "env POSTSCHED_SECRET_KEY");
    BOOST_TEST(box.ok({"config", "show", "--json"}).find(secret) == std::string::npos);
    BOOST_TEST(box.ok({"-vv", "config", "show"}).find(secret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_invalid_default_timezone_is_a_config_error) {
    Sandbox box;
    std::string f =
        put(box, "config/postsched/config.toml", "[scheduler]\ntimezone = \"Mars/Olympus\"\n");
    RunResult r = box.run({"config", "show"});
    BOOST_TEST(is_error(r, 78, {f + ":2: key \"scheduler.timezone\"", "\"Mars/Olympus\""}));
    put(box, "config/postsched/config.toml", "[scheduler]\ntimezone = \"Europe/Berlin\"\n");
    BOOST_TEST(show(box).values["scheduler.timezone"].value == "Europe/Berlin");
    box.env["POSTSCHED_TIMEZONE"] = "Nowhere/Atall";
    r = box.run({"post", "list"});
    BOOST_TEST(is_error(r, 78, {"POSTSCHED_TIMEZONE", "\"Nowhere/Atall\""}));
}

BOOST_AUTO_TEST_CASE(the_default_timezone_reads_local_times) {
    Sandbox box;
    box.env["SECRET_KEY"] = "k";
    box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
    put(box, "config/postsched/config.toml", "[scheduler]\ntimezone = \"Asia/Tokyo\"\n");
    box.ok({"account", "add", "exec", "--name", "feed", "--command", "cat"});
    std::string id = box.ok({"post", "add", "x", "--to", "feed", "--at", "2026-12-01T09:00"});
    json p = json::parse(box.ok({"post", "show", id.substr(0, 36), "--json"}));
    BOOST_TEST(p["timezone"] == "Asia/Tokyo");
    BOOST_TEST(p["scheduled_at"] == "2026-12-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_SUITE_END()
