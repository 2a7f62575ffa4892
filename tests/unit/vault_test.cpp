// The vault: several keys, the wrong-key message, key loading from the
// environment or a key file, the key file's permissions, creation and rotation.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "core/errors.hpp"
#include "crypto/vault.hpp"

namespace fs = std::filesystem;
using namespace postsched::crypto;
using postsched::Error;
using postsched::Exit;

namespace {

// A fresh directory under /tmp, removed with everything in it.
class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "postsched-vault-XXXXXX").string();
        BOOST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    const fs::path& path() const { return m_path; }

  private:
    fs::path m_path;
};

void write_file(const fs::path& path, const std::string& content, fs::perms mode) {
    std::ofstream(path) << content;
    fs::permissions(path, mode);
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

unsigned mode_of(const fs::path& path) {
    struct stat info {};
    BOOST_REQUIRE_EQUAL(::stat(path.c_str(), &info), 0);
    return info.st_mode & 07777;
}

// Runs `body`, expecting Error with `code` and exactly `message`.
template <typename Body>
void check_error(Body body, Exit code, const std::string& message) {
    try {
        body();
        BOOST_ERROR("no error thrown; expected: " << message);
    } catch (const Error& error) {
        BOOST_CHECK_EQUAL(static_cast<int>(error.code()), static_cast<int>(code));
        BOOST_CHECK_EQUAL(std::string(error.what()), message);
    }
}

nlohmann::json fixtures() {
    std::ifstream in(fs::path(POSTSCHED_TEST_DATA) / "fernet" / "fixtures.json");
    return nlohmann::json::parse(in);
}

KeySources from_file(const fs::path& path) {
    return KeySources{"SECRET_KEY", "", path.string()};
}

const fs::perms k_owner_rw = fs::perms::owner_read | fs::perms::owner_write;

}  // namespace

BOOST_AUTO_TEST_SUITE(vault_test)

BOOST_AUTO_TEST_CASE(first_key_encrypts_and_every_key_decrypts) {
    const auto first = FernetKey::generate();
    const auto second = FernetKey::generate();
    const Vault vault({first, second}, "environment variable SECRET_KEY");
    const std::string token = vault.encrypt("EAAB-token");
    BOOST_CHECK(decrypt(first, token) == std::string("EAAB-token"));
    BOOST_CHECK(!decrypt(second, token).has_value());
    BOOST_CHECK(vault.encrypted_with_first_key(token));

    const std::string old_token = encrypt(second, "older", 1700000000);
    BOOST_CHECK_EQUAL(vault.decrypt(old_token, "access token"), "older");
    BOOST_CHECK(!vault.encrypted_with_first_key(old_token));
    BOOST_CHECK_EQUAL(vault.decrypt(token, "access token"), "EAAB-token");
}

BOOST_AUTO_TEST_CASE(wrong_key_message_is_pinned_and_leaks_nothing) {
    const auto right = FernetKey::generate();
    const auto wrong1 = FernetKey::generate();
    const auto wrong2 = FernetKey::generate();
    const std::string token = encrypt(right, "the plaintext secret", 1767225600);
    const std::string what = R"(access token of account "x")";
    const Vault one({wrong1}, "key file /root/.local/share/postsched/secret.key");
    const Vault two({wrong1, wrong2}, "environment variable SECRET_KEY");
    check_error([&] { one.decrypt(token, what); }, Exit::no_perm,
                R"(cannot decrypt the access token of account "x": no key from key file )"
                "/root/.local/share/postsched/secret.key matches (tried 1 key)");
    check_error([&] { two.decrypt(token, what); }, Exit::no_perm,
                R"(cannot decrypt the access token of account "x": no key from environment )"
                "variable SECRET_KEY matches (tried 2 keys)");
    try {
        two.decrypt(token, what);
    } catch (const Error& error) {
        const std::string message = error.what();
        for (const auto* key : {&right, &wrong1, &wrong2}) {
            BOOST_CHECK(message.find(key->to_base64().substr(0, 8)) == std::string::npos);
        }
        BOOST_CHECK(message.find(token.substr(10, 8)) == std::string::npos);
        BOOST_CHECK(message.find("plaintext") == std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_value_that_is_no_token_says_so) {
    const Vault vault({FernetKey::generate()}, "environment variable SECRET_KEY");
    check_error([&] { vault.decrypt("plain-old-token", "webhook url of account \"hook\""); },
                Exit::data,
                R"(cannot decrypt the webhook url of account "hook": the stored value is not )"
                "a fernet token");
}

BOOST_AUTO_TEST_CASE(environment_keys_win_and_passphrases_are_derived) {
    const std::string key_text = fixtures()["keys"][0]["key"];
    const KeySources sources{"SECRET_KEY", " " + key_text + " ,, correct horse battery staple ",
                             "/nonexistent/secret.key"};
    const Vault vault = load_vault(sources);
    BOOST_CHECK_EQUAL(vault.source(), "environment variable SECRET_KEY");
    BOOST_REQUIRE_EQUAL(vault.keys().size(), 2u);
    BOOST_CHECK_EQUAL(vault.keys()[0].to_base64(), key_text);
    BOOST_CHECK(vault.keys()[1] == FernetKey::derive("correct horse battery staple"));
}

BOOST_AUTO_TEST_CASE(seed_passphrase_reads_python_token) {
    const auto derived = fixtures()["derived"];
    const Vault vault = load_vault({"SECRET_KEY", derived["passphrase"], ""});
    BOOST_CHECK_EQUAL(vault.decrypt(derived["token"].get<std::string>(), "test token"),
                      "sealed with a passphrase");
}

BOOST_AUTO_TEST_CASE(environment_with_only_separators_is_refused) {
    check_error(
        [] {
            load_vault({"POSTSCHED_SECRET_KEY", " , ,", ""});
        },
        Exit::config, "no encryption key: environment variable POSTSCHED_SECRET_KEY holds no key");
}

BOOST_AUTO_TEST_CASE(key_file_lines_comments_and_order) {
    TempDir dir;
    const auto f = fixtures();
    const fs::path file = dir.path() / "secret.key";
    write_file(file,
               "# rotated 2026-01-01\n\n" + f["keys"][1]["key"].get<std::string>() +
                   "\r\n  # old:\n" + f["keys"][0]["key"].get<std::string>() + "\nsome passphrase",
               k_owner_rw);
    const Vault vault = load_vault(from_file(file));
    BOOST_CHECK_EQUAL(vault.source(), "key file " + file.string());
    BOOST_REQUIRE_EQUAL(vault.keys().size(), 3u);
    BOOST_CHECK_EQUAL(vault.keys()[0].fingerprint(), f["keys"][1]["fingerprint"]);
    BOOST_CHECK_EQUAL(vault.keys()[1].fingerprint(), f["keys"][0]["fingerprint"]);
    BOOST_CHECK(vault.keys()[2] == FernetKey::derive("some passphrase"));
    for (const auto& c : f["tokens"]) {
        const std::string plaintext = vault.decrypt(c["token"].get<std::string>(), "fixture");
        BOOST_CHECK_EQUAL(plaintext.size() * 2, c["plaintext_hex"].get<std::string>().size());
    }
}

BOOST_AUTO_TEST_CASE(missing_or_empty_key_file_is_a_config_error) {
    TempDir dir;
    const fs::path file = dir.path() / "secret.key";
    check_error([&] { load_vault(from_file(file)); }, Exit::config,
                "no encryption key: set SECRET_KEY or POSTSCHED_SECRET_KEY, or run `postsched "
                "init` to create key file " +
                    file.string());
    write_file(file, "# nothing yet\n\n", k_owner_rw);
    check_error([&] { load_vault(from_file(file)); }, Exit::config,
                "no encryption key: key file " + file.string() + " holds no key");
}

BOOST_AUTO_TEST_CASE(key_file_open_to_group_or_others_is_refused) {
    TempDir dir;
    const fs::path file = dir.path() / "secret.key";
    write_file(file, FernetKey::generate().to_base64() + "\n",
               k_owner_rw | fs::perms::group_read | fs::perms::others_read);
    check_error([&] { load_vault(from_file(file)); }, Exit::no_perm,
                "key file " + file.string() + " is accessible by group or others (mode 0644); " +
                    "run `chmod 600 " + file.string() + "`");
    fs::permissions(file, k_owner_rw | fs::perms::group_read);
    check_error([&] { load_vault(from_file(file)); }, Exit::no_perm,
                "key file " + file.string() + " is accessible by group or others (mode 0640); " +
                    "run `chmod 600 " + file.string() + "`");
    fs::permissions(file, fs::perms::owner_read);
    BOOST_CHECK_EQUAL(load_vault(from_file(file)).keys().size(), 1u);
}

BOOST_AUTO_TEST_CASE(unreadable_key_file_is_a_permission_error) {
    if (::geteuid() == 0) {
        BOOST_TEST_MESSAGE("skipped: root reads files whatever their mode");
        return;
    }
    TempDir dir;
    const fs::path file = dir.path() / "secret.key";
    write_file(file, FernetKey::generate().to_base64() + "\n", fs::perms::none);
    check_error([&] { load_vault(from_file(file)); }, Exit::no_perm,
                "cannot read key file " + file.string() + ": permission denied");
}

BOOST_AUTO_TEST_CASE(new_key_file_is_private_and_never_overwritten) {
    TempDir dir;
    const fs::path file = dir.path() / "share" / "postsched" / "secret.key";
    write_new_key_file(file.string());
    BOOST_CHECK_EQUAL(mode_of(file), 0600u);
    BOOST_CHECK_EQUAL(mode_of(file.parent_path()) & 0077, 0u);
    BOOST_CHECK_EQUAL(mode_of(file.parent_path().parent_path()) & 0077, 0u);
    const Vault vault = load_vault(from_file(file));
    BOOST_CHECK_EQUAL(vault.keys().size(), 1u);

    const std::string before = read_file(file);
    check_error([&] { write_new_key_file(file.string()); }, Exit::cant_create,
                "cannot create key file " + file.string() + ": it already exists");
    BOOST_CHECK_EQUAL(read_file(file), before);
}

BOOST_AUTO_TEST_CASE(prepending_a_key_rotates_atomically) {
    TempDir dir;
    const fs::path file = dir.path() / "secret.key";
    write_new_key_file(file.string());
    const Vault old_vault = load_vault(from_file(file));
    const std::string old_token = old_vault.encrypt("rotate me");

    const auto fresh = FernetKey::generate();
    prepend_key_to_file(file.string(), fresh);
    BOOST_CHECK_EQUAL(mode_of(file), 0600u);
    const Vault vault = load_vault(from_file(file));
    BOOST_REQUIRE_EQUAL(vault.keys().size(), 2u);
    BOOST_CHECK(vault.keys()[0] == fresh);
    BOOST_CHECK(vault.keys()[1] == old_vault.keys()[0]);
    BOOST_CHECK(!vault.encrypted_with_first_key(old_token));
    BOOST_CHECK_EQUAL(vault.decrypt(old_token, "test token"), "rotate me");
    BOOST_CHECK(vault.encrypted_with_first_key(vault.encrypt("x")));
    BOOST_CHECK_EQUAL(read_file(file).rfind("# postsched encryption keys", 0), 0u);
    BOOST_CHECK_EQUAL(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()),
                      1);
}

BOOST_AUTO_TEST_SUITE_END()
