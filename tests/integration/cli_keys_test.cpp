// keys generate | rotate end to end: the key file's life cycle, every stored
// secret re-encrypted in one go, old keys until removed, clear key errors.
#include <sys/stat.h>
#include <boost/test/unit_test.hpp>

#include "fakes/fake_mastodon.hpp"
#include "support/sandbox.hpp"

using postsched::fakes::FakeMastodon;
using postsched::testing::is_error;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;

namespace {

constexpr const char* k_token = "mastodon-token-SECRET-0123456789";

struct Keys {
    FakeMastodon mastodon;
    Sandbox box;
    int posts = 0;
    Keys() {
        mastodon.add_account(k_token, "109", "alice");
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.env["MTOKEN"] = k_token;
    }
    void add_account() {
        box.ok({"account", "add", "mastodon", "--name", "m", "--instance", mastodon.base_url(),
                "--token-env", "MTOKEN"});
    }
    std::string sealed() const {
        return sqlite(box.db_path(), "SELECT access_token_encrypted FROM social_accounts");
    }
    // Posts once through the account: proves its token decrypts.
    void publish() {
        box.ok({"post", "add", "post " + std::to_string(++posts), "--to", "m", "--now"});
        box.ok({"run"});
        BOOST_TEST(mastodon.statuses().size() == static_cast<std::size_t>(posts));
    }
    std::vector<std::string> key_lines() const {
        std::vector<std::string> out;
        std::string text = box.read_file(box.key_path()), line;
        for (char c : text) {
            if (c == '\n') {
                if (!line.empty() && line[0] != '#')
                    out.push_back(line);
                line.clear();
            } else {
                line += c;
            }
        }
        return out;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(cli_keys_test)

BOOST_AUTO_TEST_CASE(generate_writes_a_private_key_file_and_never_overwrites) {
    Keys k;
    std::string out = k.box.ok({"keys", "generate"});
    BOOST_TEST(out == "wrote key file " + k.box.key_path() + " (mode 0600)\n");
    struct stat st {};
    BOOST_REQUIRE(::stat(k.box.key_path().c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600u);
    BOOST_TEST(k.key_lines().size() == 1u);
    std::string before = k.box.read_file(k.box.key_path());
    RunResult r = k.box.run({"keys", "generate"});
    BOOST_TEST(
        is_error(r, 73, {"key file " + k.box.key_path() + " already exists", "keys rotate"}));
    BOOST_TEST(k.box.read_file(k.box.key_path()) == before);
    BOOST_TEST(out.find(k.key_lines()[0]) == std::string::npos, "the key is never printed");
}

BOOST_AUTO_TEST_CASE(rotate_reencrypts_everything_and_old_keys_can_then_go) {
    Keys k;
    k.box.ok({"init"});
    k.add_account();
    k.publish();
    std::string old_key = k.key_lines().at(0);
    std::string before = k.sealed();
    std::string out = k.box.ok({"keys", "rotate"});
    BOOST_TEST(out.find("key file " + k.box.key_path() + ": new key ") == 0u, out);
    BOOST_TEST(out.find("re-encrypted 1 secret(s) of 1 account(s) in one transaction") !=
                   std::string::npos,
               out);
    auto lines = k.key_lines();
    BOOST_REQUIRE(lines.size() == 2u);
    BOOST_TEST(lines[1] == old_key, "the old key stays, second");
    BOOST_TEST(k.sealed() != before);
    k.publish();
    // The old key removed: everything still decrypts under the new one.
    k.box.write_file("config/postsched/secret.key", lines[0] + "\n");
    ::chmod(k.box.key_path().c_str(), 0600);
    k.publish();
    // Rotating again with nothing under an old key re-encrypts nothing new.
    out = k.box.ok({"keys", "rotate"});
    BOOST_TEST(out.find("re-encrypted 1 secret(s)") != std::string::npos, out);
    k.publish();
}

BOOST_AUTO_TEST_CASE(a_wrong_or_missing_key_names_where_it_looked) {
    Keys k;
    k.box.env["SECRET_KEY"] = "the right passphrase";
    k.box.ok({"init"});
    k.add_account();
    std::string before = k.sealed();
    RunResult r = k.box.run({"keys", "rotate"}, "", {{"SECRET_KEY", "a wrong passphrase"}});
    BOOST_TEST(is_error(r, 77,
                        {"cannot decrypt the access token of account \"m\"",
                         "no key from environment variable SECRET_KEY matches"}));
    BOOST_TEST(k.sealed() == before);
    Keys bare;
    bare.box.ok({"db", "migrate"});
    r = bare.box.run({"keys", "rotate"});
    BOOST_TEST(is_error(r, 78, {"no encryption key", bare.box.key_path()}));
}

BOOST_AUTO_TEST_CASE(keys_from_the_environment_rotate_under_their_first_key) {
    Keys k;
    k.box.env["SECRET_KEY"] = "old passphrase";
    k.box.ok({"init"});
    k.add_account();
    k.publish();
    k.box.env["SECRET_KEY"] = "new passphrase,old passphrase";
    std::string out = k.box.ok({"keys", "rotate"});
    BOOST_TEST(out.find("keys come from the environment variable SECRET_KEY") == 0u, out);
    k.box.env["SECRET_KEY"] = "new passphrase";
    k.publish();
}

BOOST_AUTO_TEST_SUITE_END()
