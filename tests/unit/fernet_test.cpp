// Fernet against Python's `cryptography` (tests/data/fernet/fixtures.json, made
// by make_fixtures.py), the fernet/spec vectors (spec_*.json), and the reverse
// direction: /usr/bin/python3 decrypts tokens made here.
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "crypto/fernet.hpp"

namespace fs = std::filesystem;
using namespace postsched::crypto;
using nlohmann::json;

namespace {

const fs::path k_data = fs::path(POSTSCHED_TEST_DATA) / "fernet";
constexpr const char* k_python = "/usr/bin/python3";

json load_json(const std::string& name) {
    std::ifstream in(k_data / name);
    BOOST_REQUIRE_MESSAGE(in, "cannot open " << (k_data / name));
    return json::parse(in);
}

std::string from_hex(const std::string& hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return bytes;
}

std::string to_hex(std::string_view bytes) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string hex;
    for (const unsigned char c : bytes) {
        hex += k_digits[c >> 4];
        hex += k_digits[c & 0xf];
    }
    return hex;
}

Iv iv_from_hex(const std::string& hex) {
    const std::string bytes = from_hex(hex);
    BOOST_REQUIRE_EQUAL(bytes.size(), k_iv_bytes);
    Iv iv{};
    std::copy(bytes.begin(), bytes.end(), iv.begin());
    return iv;
}

FernetKey key_from(const std::string& text) {
    auto key = FernetKey::from_base64(text);
    BOOST_REQUIRE(key.has_value());
    return *key;
}

// "1985-10-26T01:20:00-07:00" → unix seconds (whole seconds, numeric offset).
std::uint64_t unix_seconds(const std::string& iso) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
    char sign = '+';
    BOOST_REQUIRE_EQUAL(std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &y, &mo, &d, &h, &mi,
                                    &s, &sign, &oh, &om),
                        9);
    using namespace std::chrono;
    const auto day =
        sys_days{year{y} / month{static_cast<unsigned>(mo)} / static_cast<unsigned>(d)};
    const auto local = day.time_since_epoch() + hours{h} + minutes{mi} + seconds{s};
    const auto offset = (sign == '-' ? -1 : 1) * (hours{oh} + minutes{om});
    return static_cast<std::uint64_t>(duration_cast<seconds>(local - offset).count());
}

std::string strip_padding(std::string token) {
    while (!token.empty() && token.back() == '=') {
        token.pop_back();
    }
    return token;
}

// A token with one decoded byte changed, re-encoded.
std::string flip_byte(const std::string& token, std::size_t index) {
    std::string data = *urlsafe_b64decode(token);
    data.at(index) = static_cast<char>(data.at(index) ^ 0x01);
    return urlsafe_b64encode(data);
}

bool python_has_cryptography() {
    const std::string probe =
        std::string(k_python) + " -c 'import cryptography.fernet' >/dev/null 2>&1";
    return fs::exists(k_python) && std::system(probe.c_str()) == 0;
}

// Runs `script` with /usr/bin/python3 on `input_file`; returns its stdout.
std::string run_python(const fs::path& script, const fs::path& input_file) {
    const std::string command =
        std::string(k_python) + " '" + script.string() + "' '" + input_file.string() + "' 2>&1";
    std::FILE* pipe = ::popen(command.c_str(), "r");
    BOOST_REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
        output += buffer;
    }
    BOOST_CHECK_EQUAL(::pclose(pipe), 0);
    return output;
}

constexpr const char* k_python_check = R"(import json, sys
from cryptography.fernet import Fernet
cases = json.load(open(sys.argv[1]))
for case in cases:
    got = Fernet(case["key"].encode()).decrypt(case["token"].encode())
    if got.hex() != case["plaintext_hex"]:
        print("mismatch in case", case["name"])
        sys.exit(1)
print("decrypted", len(cases))
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(fernet_test)

BOOST_AUTO_TEST_CASE(decrypts_python_tokens_with_and_without_padding) {
    const json fixtures = load_json("fixtures.json");
    for (const auto& c : fixtures["tokens"]) {
        BOOST_TEST_CONTEXT("case " << c["name"]) {
            const auto key = key_from(fixtures["keys"][c["key_index"].get<int>()]["key"]);
            const std::string token = c["token"];
            const std::string plaintext = from_hex(c["plaintext_hex"]);
            BOOST_CHECK(decrypt(key, token) == plaintext);
            BOOST_CHECK(decrypt(key, strip_padding(token)) == plaintext);
            BOOST_CHECK_EQUAL(*token_timestamp(token), c["timestamp"].get<std::uint64_t>());
        }
    }
}

BOOST_AUTO_TEST_CASE(same_key_time_and_iv_give_python_token_byte_for_byte) {
    const json fixtures = load_json("fixtures.json");
    for (const auto& c : fixtures["tokens"]) {
        BOOST_TEST_CONTEXT("case " << c["name"]) {
            const auto key = key_from(fixtures["keys"][c["key_index"].get<int>()]["key"]);
            BOOST_CHECK_EQUAL(encrypt(key, from_hex(c["plaintext_hex"]), c["timestamp"],
                                      iv_from_hex(c["iv_hex"])),
                              c["token"].get<std::string>());
        }
    }
}

BOOST_AUTO_TEST_CASE(key_text_form_and_fingerprint_match_python) {
    const json fixtures = load_json("fixtures.json");
    for (const auto& k : fixtures["keys"]) {
        const auto key = key_from(k["key"]);
        BOOST_CHECK_EQUAL(key.to_base64(), k["key"].get<std::string>());
        BOOST_CHECK_EQUAL(key.fingerprint(), k["fingerprint"].get<std::string>());
    }
}

BOOST_AUTO_TEST_CASE(derived_key_equals_python_urlsafe_b64_of_sha256) {
    const json derived = load_json("fixtures.json")["derived"];
    const auto key = FernetKey::derive(derived["passphrase"].get<std::string>());
    BOOST_CHECK_EQUAL(key.to_base64(), derived["key"].get<std::string>());
    BOOST_CHECK_EQUAL(key.fingerprint(), derived["fingerprint"].get<std::string>());
    BOOST_CHECK(decrypt(key, derived["token"].get<std::string>()) ==
                from_hex(derived["plaintext_hex"]));
    BOOST_CHECK_EQUAL(encrypt(key, from_hex(derived["plaintext_hex"]), derived["timestamp"],
                              iv_from_hex(derived["iv_hex"])),
                      derived["token"].get<std::string>());
}

BOOST_AUTO_TEST_CASE(spec_generate_vectors) {
    for (const auto& v : load_json("spec_generate.json")) {
        Iv iv{};
        for (std::size_t i = 0; i < iv.size(); ++i) {
            iv[i] = v["iv"][i].get<unsigned char>();
        }
        const auto key = key_from(v["secret"]);
        BOOST_CHECK_EQUAL(encrypt(key, v["src"].get<std::string>(), unix_seconds(v["now"]), iv),
                          v["token"].get<std::string>());
    }
}

BOOST_AUTO_TEST_CASE(spec_verify_vectors) {
    for (const auto& v : load_json("spec_verify.json")) {
        const auto key = key_from(v["secret"]);
        const TtlCheck ttl{unix_seconds(v["now"]), v["ttl_sec"].get<std::uint64_t>()};
        BOOST_CHECK(decrypt(key, v["token"].get<std::string>(), ttl) ==
                    v["src"].get<std::string>());
    }
}

BOOST_AUTO_TEST_CASE(spec_invalid_vectors_are_refused) {
    const json vectors = load_json("spec_invalid.json");
    BOOST_REQUIRE_EQUAL(vectors.size(), 11u);
    for (const auto& v : vectors) {
        BOOST_TEST_CONTEXT(v["desc"]) {
            const auto key = key_from(v["secret"]);
            const TtlCheck ttl{unix_seconds(v["now"]), v["ttl_sec"].get<std::uint64_t>()};
            BOOST_CHECK(!decrypt(key, v["token"].get<std::string>(), ttl).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(ttl_is_only_checked_when_asked) {
    const auto key = key_from(load_json("spec_verify.json")[0]["secret"]);
    const std::string token = load_json("spec_verify.json")[0]["token"];
    const std::uint64_t made = *token_timestamp(token);
    BOOST_CHECK(decrypt(key, token).has_value());
    BOOST_CHECK(decrypt(key, token, TtlCheck{made + 60, 60}).has_value());
    BOOST_CHECK(!decrypt(key, token, TtlCheck{made + 61, 60}).has_value());
    BOOST_CHECK(decrypt(key, token, TtlCheck{made - 60, 60}).has_value());
    BOOST_CHECK(!decrypt(key, token, TtlCheck{made - 61, 60}).has_value());
}

BOOST_AUTO_TEST_CASE(tampering_anywhere_or_wrong_key_is_refused) {
    const auto key = FernetKey::generate();
    const std::string token = encrypt(key, "a secret access token", 1767225600);
    const std::size_t size = urlsafe_b64decode(token)->size();
    BOOST_REQUIRE(decrypt(key, token).has_value());
    // version, timestamp, iv, ciphertext, hmac
    for (const std::size_t index :
         {std::size_t{0}, std::size_t{4}, std::size_t{12}, std::size_t{30}, size - 20, size - 1}) {
        BOOST_TEST_CONTEXT("byte " << index) {
            BOOST_CHECK(!decrypt(key, flip_byte(token, index)).has_value());
        }
    }
    BOOST_CHECK(!decrypt(FernetKey::generate(), token).has_value());
    BOOST_CHECK(!decrypt(key, token.substr(0, token.size() - 8)).has_value());
    BOOST_CHECK(!decrypt(key, token + "AAAA").has_value());
    BOOST_CHECK(!decrypt(key, "").has_value());
    BOOST_CHECK(!decrypt(key, "not a token").has_value());
    BOOST_CHECK(!is_well_formed_token("not a token"));
    BOOST_CHECK(is_well_formed_token(token));
}

BOOST_AUTO_TEST_CASE(round_trips_every_length_with_fresh_ivs) {
    const auto key = FernetKey::generate();
    std::string text;
    for (int n = 0; n <= 70; ++n) {
        const std::string token = encrypt(key, text, 1767225600);
        BOOST_CHECK(decrypt(key, token) == text);
        BOOST_CHECK_EQUAL(token.size() % 4, 0u);
        text += static_cast<char>('a' + n % 26);
    }
    BOOST_CHECK_NE(encrypt(key, "same", 1), encrypt(key, "same", 1));
}

BOOST_AUTO_TEST_CASE(key_text_form_is_strict) {
    const auto key = FernetKey::generate();
    const std::string text = key.to_base64();
    BOOST_CHECK_EQUAL(text.size(), 44u);
    BOOST_CHECK(FernetKey::from_base64(text) == key);
    BOOST_CHECK(FernetKey::from_base64(strip_padding(text)) == key);
    BOOST_CHECK(!FernetKey::from_base64(text.substr(0, 40)).has_value());
    BOOST_CHECK(!FernetKey::from_base64(text + "AAAA").has_value());
    BOOST_CHECK(!FernetKey::from_base64("correct horse battery staple").has_value());
    BOOST_CHECK(!FernetKey::from_base64("").has_value());
    std::string standard_alphabet = text;
    standard_alphabet[0] = '+';
    BOOST_CHECK(!FernetKey::from_base64(standard_alphabet).has_value());
    BOOST_CHECK(!(FernetKey::generate() == key));
}

BOOST_AUTO_TEST_CASE(base64_matches_rfc_4648_vectors) {
    const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                           {"f", "Zg=="},
                                                           {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},
                                                           {"foob", "Zm9vYg=="},
                                                           {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"},
                                                           {"\xfb\xff", "-_8="}};
    for (const auto& [bytes, text] : vectors) {
        BOOST_CHECK_EQUAL(urlsafe_b64encode(bytes), text);
        BOOST_CHECK(urlsafe_b64decode(text) == bytes);
        BOOST_CHECK(urlsafe_b64decode(strip_padding(text)) == bytes);
    }
    for (const char* bad : {"Zg=", "Zg===", "Z", "Zm9v=", "Zm 9v", "Zm+v", "Zm/v", "=Zm9"}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_CHECK(!urlsafe_b64decode(bad).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(python_decrypts_tokens_made_here) {
    if (!python_has_cryptography()) {
        BOOST_TEST_MESSAGE("skipped: " << k_python << " lacks the cryptography module");
        return;
    }
    const json fixtures = load_json("fixtures.json");
    json cases = json::array();
    const auto add = [&](const std::string& name, const FernetKey& key, const std::string& text) {
        cases.push_back({{"name", name},
                         {"key", key.to_base64()},
                         {"token", encrypt(key, text, 1767225600)},
                         {"plaintext_hex", to_hex(text)}});
    };
    add("empty", FernetKey::generate(), "");
    add("ascii", key_from(fixtures["keys"][0]["key"]), "EAAB-access-token");
    add("utf8", FernetKey::generate(), "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x9a\x80");
    add("bytes_1000", FernetKey::generate(), std::string(1000, '\xa5'));
    add("derived", FernetKey::derive("correct horse battery staple"), "sealed here");

    const fs::path dir =
        fs::temp_directory_path() / ("postsched-fernet-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "cases.json") << cases.dump();
    std::ofstream(dir / "check.py") << k_python_check;
    const std::string output = run_python(dir / "check.py", dir / "cases.json");
    fs::remove_all(dir);
    BOOST_CHECK_EQUAL(output, "decrypted 5\n");
}

BOOST_AUTO_TEST_SUITE_END()
