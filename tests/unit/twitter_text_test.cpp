// twitter-text weighted counting (text/twitter_text) against every case of
// the weighted sections of the official conformance file validate.yml.
#include "text/twitter_text.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using postsched::text::TwitterTextConfig;

struct Case {
    std::string description;
    std::string text;
    std::map<std::string, std::string> expected;
};

std::string utf8_of(char32_t c) {
    std::string out;
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
    return out;
}

// A YAML double-quoted scalar: the escapes validate.yml uses (\uXXXX,
// \UXXXXXXXX, \n, \t, \\, \").
std::string unquote(const std::string& value) {
    if (value.size() < 2 || value.front() != '"' || value.back() != '"')
        return value;
    std::string out;
    for (std::size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] != '\\') {
            out += value[i];
            continue;
        }
        const char kind = value[++i];
        if (kind == 'u' || kind == 'U') {
            const std::size_t digits = kind == 'u' ? 4 : 8;
            out += utf8_of(
                static_cast<char32_t>(std::stoul(value.substr(i + 1, digits), nullptr, 16)));
            i += digits;
        } else if (kind == 'n') {
            out += '\n';
        } else if (kind == 't') {
            out += '\t';
        } else {
            out += kind;  // \\ and \"
        }
    }
    return out;
}

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(' ');
    return begin == std::string::npos ? "" : s.substr(begin);
}

// The cases of one section of validate.yml ("  name:" at indent 2, items
// "    - description:", keys at indent 6, expected values at indent 8).
std::vector<Case> read_section(const std::string& section) {
    const std::string path = std::string(POSTSCHED_TEST_DATA) + "/twitter-text/validate.yml";
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot open " + path);
    std::vector<Case> cases;
    bool inside = false;
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
            inside = trim(line) == section + ":";
            continue;
        }
        if (!inside || trim(line).empty())
            continue;
        const std::string body = trim(line);
        const auto colon = body.find(':');
        if (body.rfind("- description:", 0) == 0) {
            cases.push_back({unquote(trim(body.substr(14))), {}, {}});
        } else if (!cases.empty() && body.rfind("text:", 0) == 0) {
            cases.back().text = unquote(trim(body.substr(5)));
        } else if (!cases.empty() && colon != std::string::npos && line.rfind("        ", 0) == 0) {
            cases.back().expected[body.substr(0, colon)] = trim(body.substr(colon + 1));
        }
    }
    return cases;
}

void run_section(const std::string& section, const TwitterTextConfig& config,
                 std::size_t expected_cases) {
    const auto cases = read_section(section);
    BOOST_TEST_REQUIRE(cases.size() == expected_cases);
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(section << ": " << c.description) {
            BOOST_TEST_REQUIRE(c.expected.size() == 7u);
            const auto got = postsched::text::parse_tweet(c.text, config);
            const auto want = [&](const char* key) { return std::stoi(c.expected.at(key)); };
            BOOST_TEST(got.weighted_length == want("weightedLength"));
            BOOST_TEST(got.valid == (c.expected.at("valid") == "true"));
            BOOST_TEST(got.permillage == want("permillage"));
            BOOST_TEST(got.display_start == want("displayRangeStart"));
            BOOST_TEST(got.display_end == want("displayRangeEnd"));
            BOOST_TEST(got.valid_start == want("validRangeStart"));
            BOOST_TEST(got.valid_end == want("validRangeEnd"));
        }
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(twitter_text_test)

BOOST_AUTO_TEST_CASE(weighted_counter_v2_conformance) {
    run_section("WeightedTweetsCounterTest", TwitterTextConfig::v2(), 20);
}

BOOST_AUTO_TEST_CASE(weighted_counter_v3_emoji_conformance) {
    run_section("WeightedTweetsWithDiscountedEmojiCounterTest", TwitterTextConfig::v3(), 22);
}

BOOST_AUTO_TEST_CASE(directional_markers_conformance_default_config) {
    run_section("UnicodeDirectionalMarkerCounterTest", TwitterTextConfig::v3(), 2);
}

BOOST_AUTO_TEST_CASE(empty_and_blank_text_is_invalid) {
    for (const char* text : {"", "   ", "\n\t"}) {
        const auto got = postsched::text::parse_tweet(text, TwitterTextConfig::v3());
        BOOST_TEST(got.weighted_length == 0);
        BOOST_TEST(!got.valid);
    }
}

BOOST_AUTO_TEST_CASE(extracts_urls_with_and_without_protocol) {
    const auto urls = postsched::text::extract_urls("see http://test.co and example.com/x. -a.com");
    BOOST_TEST_REQUIRE(urls.size() == 2u);
    BOOST_TEST(urls[0].url == "http://test.co");
    BOOST_TEST(urls[0].start == 4);
    BOOST_TEST(urls[0].end == 18);
    BOOST_TEST(urls[1].url == "example.com/x");
}

BOOST_AUTO_TEST_CASE(tco_slug_over_40_chars_is_no_url) {
    BOOST_TEST(postsched::text::extract_urls("https://t.co/abc123").size() == 1u);
    BOOST_TEST(postsched::text::extract_urls("https://t.co/" + std::string(41, 'a')).empty());
}

BOOST_AUTO_TEST_SUITE_END()
