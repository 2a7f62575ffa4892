// init, db, keys, retry and target resolve end to end: the real binary in a
// sandbox, exec accounts whose command fails until a flag file exists.
#include <sys/stat.h>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "fakes/fake_mastodon.hpp"
#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::fakes::FakeMastodon;
using postsched::testing::expect_refused;
using postsched::testing::is_error;
using postsched::testing::known_bug;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;
namespace fs = std::filesystem;

namespace {

constexpr const char* k_token = "mastodon-token-SECRET-0123456789";
constexpr const char* k_other_key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

unsigned mode_of(const std::string& path) {
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// A sandbox at a pinned time, with its key file made by `init`.
struct Cli {
    Sandbox box;
    Cli() {
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.ok({"init"});
    }
    std::string dump() const { return sqlite(box.db_path(), ".dump"); }
    json status() const { return json::parse(box.ok({"db", "status", "--json"})); }
    RunResult refuse(const std::vector<std::string>& args, int code,
                     const std::vector<std::string>& needles) {
        return expect_refused(box, args, code, needles);
    }
    // An exec account that fails ("no", exit 2) until `flag` exists.
    void add_flaky(const std::string& name, const std::string& flag) {
        box.ok({"account", "add", "exec", "--name", name, "--command",
                "cat > /dev/null; test -f '" + box.dir() + "/" + flag +
                    "' || { echo no >&2; exit 2; }; echo ok"});
    }
    // Adds a post due now to `to`; returns {post id, first target id}.
    std::pair<std::string, std::string> add(const std::string& text, const std::string& to) {
        std::string id = box.ok({"post", "add", text, "--to", to, "--now"}).substr(0, 36);
        return {id, post(id)["targets"][0]["id"]};
    }
    json post(const std::string& id) { return json::parse(box.ok({"post", "show", id, "--json"})); }
    std::string target_status(const std::string& target) const {
        std::string s =
            sqlite(box.db_path(), "select status from post_targets where id = '" + target + "'");
        return s.substr(0, s.find('\n'));
    }
    void make_unknown(const std::string& target) const {
        sqlite(box.db_path(),
               "update post_targets set status = 'unknown' where id = '" + target + "'");
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_db_test)

BOOST_AUTO_TEST_CASE(init_creates_config_key_file_and_store) {
    Sandbox box;
    std::string out = box.ok({"init"});
    BOOST_TEST(out.find("wrote config " + box.config_path()) != std::string::npos, out);
    BOOST_TEST(out.find("wrote key file " + box.key_path()) != std::string::npos);
    std::string config = box.read_file(box.config_path());
    BOOST_TEST(config.find("[store]\nurl = \"sqlite://" + box.db_path() + "\"") !=
               std::string::npos);
    BOOST_TEST(config.find("key_file = \"" + box.key_path() + "\"") != std::string::npos);
    BOOST_TEST(mode_of(box.key_path()) == 0600u);
    json s = json::parse(box.ok({"db", "status", "--json"}));
    BOOST_TEST(s["version"].get<int>() >= 1);
    BOOST_TEST(s["version"] == s["latest"]);
    BOOST_TEST(s["up_to_date"] == true);
    BOOST_TEST(s["migrations"].size() == s["latest"].get<size_t>());
    BOOST_TEST(s["store"] == "sqlite://" + box.db_path());
    // The written config is valid and now in use.
    BOOST_TEST(json::parse(box.ok({"config", "show", "--json"}))["config_file"] ==
               box.config_path());
    // The key works: a token is stored encrypted with it.
    box.ok({"account", "add", "mastodon", "--name", "m", "--instance", "https://example.org",
            "--no-verify", "--token-stdin"},
           k_token);
    BOOST_TEST(sqlite(box.db_path(), ".dump").find("gAAAAA") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_key_file_directory_is_private) {
    Sandbox box;
    box.ok({"init"});
    BOOST_TEST(mode_of(fs::path(box.key_path()).parent_path().string()) == 0700u);
}

BOOST_AUTO_TEST_CASE(init_again_keeps_everything) {
    Cli c;
    std::string key = c.box.read_file(c.box.key_path());
    std::string config = c.box.read_file(c.box.config_path());
    json before = c.status();
    BOOST_REQUIRE(!key.empty());
    std::string out = c.box.ok({"init"});
    BOOST_TEST(out.find("config " + c.box.config_path() + " (kept)") != std::string::npos, out);
    BOOST_TEST(out.find("key file " + c.box.key_path() + " (kept)") != std::string::npos);
    BOOST_TEST(out.find("0 migration(s) applied") != std::string::npos);
    BOOST_TEST(c.box.read_file(c.box.key_path()) == key);
    BOOST_TEST(c.box.read_file(c.box.config_path()) == config);
    BOOST_TEST(mode_of(c.box.key_path()) == 0600u);
    BOOST_TEST(c.status() == before);
}

BOOST_AUTO_TEST_CASE(migrate_on_a_current_store_applies_nothing) {
    Cli c;
    int latest = c.status()["latest"];
    std::string before = c.dump();
    BOOST_TEST(c.box.ok({"db", "migrate"}) ==
               "0 migration(s) applied; schema version " + std::to_string(latest) + "\n");
    BOOST_TEST(c.dump() == before);
    std::string text = c.box.ok({"db", "status"});
    BOOST_TEST(text.find("(up to date)") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(a_store_from_a_newer_postsched_is_refused) {
    Cli c;
    c.box.ok({"account", "add", "exec", "--name", "feed", "--command", "cat"});
    sqlite(c.box.db_path(),
           "insert into schema_migrations values (999, '0999_future', "
           "'2030-01-01T00:00:00.000Z')");
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"post", "list"},
                                               {"account", "list"},
                                               {"post", "add", "x", "--to", "feed", "--now"},
                                               {"run"},
                                               {"db", "migrate"}})
        c.refuse(args, 78, {"schema version 999", "written by a newer postsched"});
    RunResult r = c.box.run({"db", "status", "--json"});
    BOOST_TEST(r.code == 78);
    json s = json::parse(r.out);
    BOOST_TEST(s["version"] == 999);
    BOOST_TEST(s["up_to_date"] == false);
}

BOOST_AUTO_TEST_CASE(db_status_on_a_newer_store_does_not_advise_migrate) {
    Cli c;
    sqlite(c.box.db_path(),
           "insert into schema_migrations values (999, '0999_future', "
           "'2030-01-01T00:00:00.000Z')");
    RunResult r = c.box.run({"db", "status"});
    BOOST_TEST(r.code == 78);
    BOOST_TEST(r.out.find("db migrate") == std::string::npos, r.out);
    BOOST_TEST((r.out + r.err).find("newer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_missing_key_is_a_config_error_naming_the_key_file) {
    FakeMastodon mastodon;
    mastodon.add_account(k_token, "1", "alice");
    Sandbox box;  // no init: no key file, and no SECRET_KEY
    box.env["MTOKEN"] = k_token;
    box.ok({"account", "add", "exec", "--name", "feed", "--command", "cat"});  // needs no key
    std::string before = sqlite(box.db_path(), ".dump");
    RunResult r = box.run({"account", "add", "mastodon", "--name", "m", "--instance",
                           mastodon.base_url(), "--token-env", "MTOKEN"});
    BOOST_TEST(is_error(r, 78, {"no encryption key", box.key_path()}));
    BOOST_TEST(sqlite(box.db_path(), ".dump") == before);
    BOOST_TEST(!fs::exists(box.key_path()));
}

BOOST_AUTO_TEST_CASE(a_key_file_others_can_read_is_refused) {
    Cli c;
    fs::permissions(c.box.key_path(), fs::perms::group_read | fs::perms::others_read,
                    fs::perm_options::add);
    BOOST_REQUIRE(mode_of(c.box.key_path()) == 0644u);
    c.box.env["MTOKEN"] = k_token;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"run"},
             {"init"},
             {"account", "add", "mastodon", "--name", "m", "--instance", "https://example.org",
              "--no-verify", "--token-env", "MTOKEN"}})
        c.refuse(args, 77, {c.box.key_path(), "0644", "chmod 600"});
    fs::permissions(c.box.key_path(), fs::perms::group_read | fs::perms::others_read,
                    fs::perm_options::remove);
    c.box.ok({"run"});
}

BOOST_AUTO_TEST_CASE(a_wrong_key_stops_run_naming_the_key_source) {
    FakeMastodon mastodon;
    mastodon.add_account(k_token, "1", "alice");
    Cli c;
    c.box.env["MTOKEN"] = k_token;
    c.box.ok({"account", "add", "mastodon", "--name", "m", "--instance", mastodon.base_url(),
              "--token-env", "MTOKEN"});
    c.add("hello", "m");
    std::string key = c.box.read_file(c.box.key_path());
    c.box.write_file("config/postsched/secret.key", std::string(k_other_key) + "\n");
    BOOST_REQUIRE(mode_of(c.box.key_path()) == 0600u);
    // The pass records itself in `runs`; the targets stay as they were (for the
    // post's own status see the BUG case below).
    const std::string targets = "select * from post_targets";
    std::string before = sqlite(c.box.db_path(), targets);
    RunResult r = c.box.run({"run"});
    BOOST_TEST(is_error(r, 77, {"\"m\"", "key file " + c.box.key_path()}));
    BOOST_TEST(sqlite(c.box.db_path(), targets) == before);
    BOOST_TEST(r.err.find(k_other_key) == std::string::npos);
    BOOST_TEST(mastodon.status_requests() == 0);
    c.box.write_file("config/postsched/secret.key", key);  // the right key again
    c.box.ok({"run"});
    BOOST_TEST(mastodon.statuses().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_pass_stopped_by_a_wrong_key_leaves_the_post_editable) {
    FakeMastodon mastodon;
    mastodon.add_account(k_token, "1", "alice");
    Cli c;
    c.box.env["MTOKEN"] = k_token;
    c.box.ok({"account", "add", "mastodon", "--name", "m", "--instance", mastodon.base_url(),
              "--token-env", "MTOKEN"});
    auto [post, target] = c.add("hello", "m");
    c.box.write_file("config/postsched/secret.key", std::string(k_other_key) + "\n");
    BOOST_TEST(c.box.run({"run"}).code == 77);
    BOOST_TEST(c.post(post)["status"] == "pending");
    BOOST_TEST(c.box.run({"post", "edit", post, "--text", "new"}).code == 0);
}

BOOST_AUTO_TEST_CASE(retry_puts_a_failed_target_back_and_it_publishes) {
    Cli c;
    c.add_flaky("flaky", "FLAG");
    auto [post, target] = c.add("try again", "flaky");
    c.box.ok({"run"});
    json p = c.post(post);
    BOOST_TEST(p["status"] == "failed");
    BOOST_TEST(p["targets"][0]["status"] == "failed");
    BOOST_TEST(p["targets"][0]["error"] == "no");
    c.refuse({"retry"}, 64, {"TARGET"});
    c.refuse({"retry", target, "--failed"}, 64, {"TARGET"});
    c.refuse({"retry", target, "--account", "flaky"}, 64, {"--failed"});
    c.refuse({"retry", "ffffffff"}, 65, {"no target \"ffffffff\""});
    BOOST_TEST(c.box.ok({"retry", target.substr(0, 24)}) ==
               "target " + target + " (flaky) is pending again\n");
    p = c.post(post);
    BOOST_TEST(p["status"] == "posting");
    BOOST_TEST(p["targets"][0]["status"] == "pending");
    BOOST_TEST(p["targets"][0]["attempts"] == 0);
    BOOST_TEST(p["targets"][0]["error"].is_null());
    c.box.write_file("FLAG", "");
    c.box.ok({"run"});
    p = c.post(post);
    BOOST_TEST(p["status"] == "posted");
    BOOST_TEST(p["targets"][0]["status"] == "posted");
    BOOST_TEST(p["targets"][0]["platform_post_id"] == "ok");
    c.refuse({"retry", target}, 65, {"is posted"});
}

BOOST_AUTO_TEST_CASE(retry_failed_for_one_account) {
    Cli c;
    c.add_flaky("a", "FLAG_A");
    c.add_flaky("b", "FLAG_B");
    auto [pa, ta] = c.add("to a", "a");
    auto [pb, tb] = c.add("to b", "b");
    auto [pa2, ta2] = c.add("to a again", "a");
    c.box.ok({"run"});
    BOOST_REQUIRE(c.target_status(ta) == "failed");
    BOOST_REQUIRE(c.target_status(tb) == "failed");
    BOOST_TEST(c.box.ok({"retry", "--failed", "--account", "a"}) ==
               "2 failed target(s) pending again\n");
    BOOST_TEST(c.target_status(ta) == "pending");
    BOOST_TEST(c.target_status(ta2) == "pending");
    BOOST_TEST(c.target_status(tb) == "failed");
    c.box.write_file("FLAG_A", "");
    c.box.ok({"run"});
    BOOST_TEST(c.post(pa)["status"] == "posted");
    BOOST_TEST(c.post(pa2)["status"] == "posted");
    BOOST_TEST(c.post(pb)["status"] == "failed");
    BOOST_TEST(c.box.ok({"retry", "--failed", "--account", "a"}) ==
               "0 failed target(s) pending again\n");
    BOOST_TEST(c.box.ok({"retry", "--failed"}) == "1 failed target(s) pending again\n");
    BOOST_TEST(c.target_status(tb) == "pending");
}

BOOST_AUTO_TEST_CASE(an_unknown_target_is_retried_only_with_force) {
    Cli c;
    c.add_flaky("u", "FLAG");
    auto [post, target] = c.add("maybe sent", "u");
    c.box.ok({"run"});
    c.make_unknown(target);
    BOOST_REQUIRE(c.post(post)["status"] == "failed");
    c.refuse({"retry", target}, 65, {target + " is unknown", "Check u,", "--force"});
    BOOST_TEST(c.box.ok({"retry", "--failed"}) == "0 failed target(s) pending again\n");
    BOOST_TEST(c.target_status(target) == "unknown");
    BOOST_TEST(c.box.ok({"retry", target, "--force"}) ==
               "target " + target + " (u) is pending again\n");
    BOOST_TEST(c.target_status(target) == "pending");
    BOOST_TEST(c.post(post)["status"] == "posting");
    c.box.write_file("FLAG", "");
    c.box.ok({"run"});
    BOOST_TEST(c.post(post)["status"] == "posted");
}

BOOST_AUTO_TEST_CASE(target_resolve_settles_an_unknown_target) {
    Cli c;
    c.add_flaky("u", "FLAG");
    auto [p1, t1] = c.add("was posted", "u");
    auto [p2, t2] = c.add("was not posted", "u");
    c.box.ok({"run"});
    c.make_unknown(t1);
    c.make_unknown(t2);
    BOOST_TEST(c.box.ok({"post", "list", "--status", "unknown"}).find(p1) != std::string::npos);
    c.refuse({"target", "resolve", t1}, 64, {"--posted URL or --failed"});
    c.refuse({"target", "resolve", t1, "--posted", "https://x.example/1", "--failed"}, 64,
             {"--posted URL or --failed"});
    BOOST_TEST(c.box.ok({"target", "resolve", t1.substr(0, 24), "--posted",
                         "https://social.example/@me/1"}) ==
               "target " + t1 + " resolved as posted\n");
    json p = c.post(p1);
    BOOST_TEST(p["status"] == "posted");
    BOOST_TEST(p["targets"][0]["status"] == "posted");
    BOOST_TEST(p["targets"][0]["url"] == "https://social.example/@me/1");
    BOOST_TEST(p["targets"][0]["posted_at"] == "2026-11-28T12:00:00.000Z");
    BOOST_TEST(c.box.ok({"target", "resolve", t2, "--failed"}) ==
               "target " + t2 + " resolved as failed\n");
    p = c.post(p2);
    BOOST_TEST(p["status"] == "failed");
    BOOST_TEST(p["targets"][0]["status"] == "failed");
    BOOST_TEST(p["targets"][0]["url"].is_null());
    // Anything but unknown is refused.
    c.refuse({"target", "resolve", t1, "--failed"}, 65, {t1, "is posted, not unknown"});
    auto [p3, t3] = c.add("still pending", "u");
    c.refuse({"target", "resolve", t3, "--posted", "https://x.example/3"}, 65,
             {"is pending, not unknown"});
    c.refuse({"target", "resolve", "ffffffff", "--failed"}, 65, {"no target"});
}

BOOST_AUTO_TEST_SUITE_END()
