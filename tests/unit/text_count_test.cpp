// Grapheme counting, UTF-8 validation and NFC (core/text_count).
#include "core/text_count.hpp"

#include <boost/test/unit_test.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using postsched::count_graphemes;
using postsched::is_valid_utf8;
using postsched::nfc;

// 👨‍👩‍👧‍👦: four people joined by ZERO WIDTH JOINER (7 code points, 25 bytes).
const std::string k_family =
    "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D"
    "\xF0\x9F\x91\xA6";
// 🏳️‍🌈: white flag, VS16, ZWJ, rainbow.
const std::string k_rainbow_flag = "\xF0\x9F\x8F\xB3\xEF\xB8\x8F\xE2\x80\x8D\xF0\x9F\x8C\x88";
// 👍🏽: thumbs up + skin tone modifier.
const std::string k_thumbs_medium = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";
// 🇫🇷 and 🇩🇪: regional indicator pairs.
const std::string k_flag_fr = "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7";
const std::string k_flag_de = "\xF0\x9F\x87\xA9\xF0\x9F\x87\xAA";
// "e" + COMBINING ACUTE ACCENT, and the precomposed "é".
const std::string k_e_acute_decomposed = "e\xCC\x81";
const std::string k_e_acute = "\xC3\xA9";

}  // namespace

BOOST_AUTO_TEST_SUITE(text_count_test)

BOOST_AUTO_TEST_CASE(ascii_counts_one_per_character) {
    BOOST_TEST(count_graphemes("") == 0u);
    BOOST_TEST(count_graphemes("hello") == 5u);
    BOOST_TEST(count_graphemes("a b\tc") == 5u);
}

BOOST_AUTO_TEST_CASE(crlf_is_one_grapheme) {
    BOOST_TEST(count_graphemes("a\r\nb") == 3u);
    BOOST_TEST(count_graphemes("a\n\rb") == 4u);
}

BOOST_AUTO_TEST_CASE(emoji_zwj_sequences_count_one) {
    BOOST_TEST(count_graphemes(k_family) == 1u);
    BOOST_TEST(count_graphemes(k_rainbow_flag) == 1u);
    BOOST_TEST(count_graphemes(k_thumbs_medium) == 1u);
    BOOST_TEST(count_graphemes("hi " + k_family + "!") == 5u);
}

BOOST_AUTO_TEST_CASE(flags_count_one_each) {
    BOOST_TEST(count_graphemes(k_flag_fr) == 1u);
    BOOST_TEST(count_graphemes(k_flag_fr + k_flag_de) == 2u);
    // An odd regional indicator stands alone.
    BOOST_TEST(count_graphemes(k_flag_fr + "\xF0\x9F\x87\xA9") == 2u);
}

BOOST_AUTO_TEST_CASE(combining_marks_join_their_base) {
    BOOST_TEST(count_graphemes(k_e_acute_decomposed) == 1u);
    BOOST_TEST(count_graphemes(k_e_acute) == 1u);
    // "a" with three stacked marks (grave, acute, diaeresis below).
    BOOST_TEST(count_graphemes("a\xCC\x80\xCC\x81\xCC\xA4z") == 2u);
    // Hangul jamo L+V+T form one syllable.
    BOOST_TEST(count_graphemes("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8") == 1u);
    // Devanagari "क्षि": consonant + virama + consonant + vowel sign (ICU 72+: one
    // cluster; older ICU: two). Accept both, but never four code points.
    BOOST_TEST(count_graphemes("\xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7\xE0\xA4\xBF") <= 2u);
}

BOOST_AUTO_TEST_CASE(ill_formed_bytes_count_as_replacements) {
    BOOST_TEST(count_graphemes("a\xFF"
                               "b") == 3u);
}

BOOST_AUTO_TEST_CASE(counting_is_safe_from_several_threads) {
    std::vector<std::thread> threads;
    std::vector<std::size_t> counts(8);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        threads.emplace_back([&counts, i] {
            for (int round = 0; round < 200; ++round)
                counts[i] = count_graphemes(k_family + "ab");
        });
    }
    for (auto& t : threads)
        t.join();
    for (auto c : counts)
        BOOST_TEST(c == 3u);
}

BOOST_AUTO_TEST_CASE(valid_utf8_is_accepted) {
    BOOST_TEST(is_valid_utf8(""));
    BOOST_TEST(is_valid_utf8("plain ascii"));
    BOOST_TEST(is_valid_utf8(k_family + k_flag_fr + k_e_acute));
    BOOST_TEST(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

BOOST_AUTO_TEST_CASE(ill_formed_utf8_is_rejected) {
    BOOST_TEST(!is_valid_utf8("\x80"));              // lone continuation byte
    BOOST_TEST(!is_valid_utf8("\xC0\xAF"));          // overlong "/"
    BOOST_TEST(!is_valid_utf8("\xE0\x80\xAF"));      // overlong, 3 bytes
    BOOST_TEST(!is_valid_utf8("\xED\xA0\x80"));      // UTF-16 surrogate D800
    BOOST_TEST(!is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
    BOOST_TEST(!is_valid_utf8("\xE2\x82"));          // truncated euro sign
    BOOST_TEST(!is_valid_utf8("ok\xFF"));
}

BOOST_AUTO_TEST_CASE(nfc_composes) {
    BOOST_TEST(nfc(k_e_acute_decomposed) == k_e_acute);
    BOOST_TEST(nfc("caf" + k_e_acute_decomposed + "!") == "caf" + k_e_acute + "!");
    // A + COMBINING RING ABOVE → Å; ANGSTROM SIGN (a singleton) → Å too.
    BOOST_TEST(nfc("A\xCC\x8A") == "\xC3\x85");
    BOOST_TEST(nfc("\xE2\x84\xAB") == "\xC3\x85");
    // Hangul jamo → the syllable 각 (U+AC01).
    BOOST_TEST(nfc("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8") == "\xEA\xB0\x81");
}

BOOST_AUTO_TEST_CASE(nfc_keeps_composed_text_and_emoji) {
    BOOST_TEST(nfc("plain") == "plain");
    BOOST_TEST(nfc(k_e_acute) == k_e_acute);
    BOOST_TEST(nfc(k_family) == k_family);
    BOOST_TEST(nfc("") == "");
}

BOOST_AUTO_TEST_SUITE_END()
