// LinkedIn's "little" text format: every reserved character escaped so the
// text is never cut off silently, hashtags and links left clickable, and the
// length rule. The fake's reading of the format checks the round trip.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "adapters/linkedin/linkedin_internal.hpp"
#include "fakes/fake_linkedin.hpp"

namespace {

using postsched::adapters::linkedin::commentary_length;
using postsched::adapters::linkedin::escape_commentary;
using postsched::fakes::linkedin_shown_text;

}  // namespace

BOOST_AUTO_TEST_SUITE(linkedin_commentary_test)

BOOST_AUTO_TEST_CASE(every_reserved_character_gets_a_backslash) {
    const std::string reserved = "\\|{}@[]()<>#*_~";
    BOOST_TEST(reserved.size() == 15u);
    for (char c : reserved) {
        const std::string text = std::string("a") + c + "b";
        BOOST_TEST_CONTEXT("character " << c) {
            BOOST_TEST(escape_commentary(text) == std::string("a\\") + c + "b");
            // Unescaped, LinkedIn would cut the text (a lone backslash
            // vanishes instead); escaped, it shows all of it.
            BOOST_TEST(linkedin_shown_text(text) == (c == '\\' ? "ab" : "a"));
            BOOST_TEST(linkedin_shown_text(escape_commentary(text)) == text);
        }
    }
    const std::string all = "x " + reserved + " y";
    BOOST_TEST(linkedin_shown_text(escape_commentary(all)) == all);
    BOOST_TEST(escape_commentary("plain text, 100% fine!?") == "plain text, 100% fine!?");
}

BOOST_AUTO_TEST_CASE(hashtags_stay_clickable_and_only_their_hash_is_kept) {
    BOOST_TEST(escape_commentary("#launch day") == "#launch day");
    BOOST_TEST(escape_commentary("new #caf\xC3\xA9") == "new #caf\xC3\xA9");
    BOOST_TEST(escape_commentary("#my_tag") == "#my\\_tag");
    BOOST_TEST(escape_commentary("a#b") == "a\\#b");
    BOOST_TEST(escape_commentary("# alone") == "\\# alone");
    BOOST_TEST(escape_commentary("(#tag)") == "\\(\\#tag\\)");
}

BOOST_AUTO_TEST_CASE(links_stay_as_written) {
    BOOST_TEST(escape_commentary("see https://example.com/a_b?x=(1)") ==
               "see https://example.com/a_b?x=(1)");
    BOOST_TEST(escape_commentary("(https://example.com/x)") == "\\(https://example.com/x\\)");
    const std::string text = "docs: https://example.com/a_b (mirror: http://m.example/~me) *new*";
    BOOST_TEST(linkedin_shown_text(escape_commentary(text)) == text);
}

BOOST_AUTO_TEST_CASE(mentions_and_markup_are_shown_as_typed) {
    const std::string text = "Thanks @[Ada](urn:li:person:1) <3 ~so~ *much* {really} | \\o/";
    BOOST_TEST(linkedin_shown_text(escape_commentary(text)) == text);
    BOOST_TEST(escape_commentary("@ada") == "\\@ada");
}

BOOST_AUTO_TEST_CASE(the_json_body_escapes_the_backslash_again) {
    const nlohmann::json body = {{"commentary", escape_commentary("Hello (world)")}};
    BOOST_TEST(body.dump() == R"j({"commentary":"Hello \\(world\\)"})j");
}

BOOST_AUTO_TEST_CASE(length_counts_utf16_units_and_the_added_backslashes) {
    BOOST_TEST(commentary_length("hello") == 5u);
    BOOST_TEST(commentary_length("(x)") == 5u);
    BOOST_TEST(commentary_length("\xC3\xA9") == 1u);          // é: one unit
    BOOST_TEST(commentary_length("\xF0\x9F\x98\x80") == 2u);  // an emoji: a surrogate pair
    BOOST_TEST(commentary_length("#tag") == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
