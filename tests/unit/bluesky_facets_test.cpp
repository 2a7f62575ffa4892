// Bluesky's rich-text facets (UTF-8 byte offsets), TID record keys and the
// image header reader behind aspect ratios.
#include <boost/test/unit_test.hpp>

#include <set>

#include "adapters/bluesky/bluesky_internal.hpp"
#include "core/time_format.hpp"
#include "media/image_size.hpp"

namespace {

using postsched::adapters::bluesky::Facet;
using postsched::adapters::bluesky::find_facets;
using Kind = Facet::Kind;

std::string spanned(std::string_view text, const Facet& f) {
    return std::string(text.substr(f.byte_start, f.byte_end - f.byte_start));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bluesky_facets_test)

BOOST_AUTO_TEST_CASE(offsets_are_utf8_bytes_after_non_ascii_text) {
    // "Grüße 👋🏽 " is 17 bytes before the link (ü and ß take 2 bytes each,
    // the waving hand with a skin tone 4 + 4) though it is 8 graphemes.
    const std::string text =
        "Gr\xC3\xBC\xC3\x9F"
        "e \xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD https://example.com/caf\xC3\xA9 "
        "@bob.example.com #\xE6\x97\xA5\xE6\x9C\xAC";
    const auto facets = find_facets(text);
    BOOST_TEST_REQUIRE(facets.size() == 3u);
    BOOST_TEST((facets[0].kind == Kind::link));
    BOOST_TEST(facets[0].byte_start == 17u);
    BOOST_TEST(facets[0].byte_end == 17u + 25u);
    BOOST_TEST(facets[0].value == "https://example.com/caf\xC3\xA9");
    BOOST_TEST((facets[1].kind == Kind::mention));
    BOOST_TEST(facets[1].byte_start == 43u);
    BOOST_TEST(facets[1].byte_end == 59u);
    BOOST_TEST(facets[1].value == "bob.example.com");
    BOOST_TEST((facets[2].kind == Kind::tag));
    BOOST_TEST(facets[2].byte_start == 60u);
    BOOST_TEST(facets[2].byte_end == text.size());
    BOOST_TEST(facets[2].value == "\xE6\x97\xA5\xE6\x9C\xAC");
    BOOST_TEST(spanned(text, facets[2]) == "#\xE6\x97\xA5\xE6\x9C\xAC");
}

BOOST_AUTO_TEST_CASE(trailing_punctuation_stays_outside_the_spans) {
    const std::string text = "See https://a.example/x. Ask @carol.bsky.social. #launch!";
    const auto facets = find_facets(text);
    BOOST_TEST_REQUIRE(facets.size() == 3u);
    BOOST_TEST(spanned(text, facets[0]) == "https://a.example/x");
    BOOST_TEST(spanned(text, facets[1]) == "@carol.bsky.social");
    BOOST_TEST(spanned(text, facets[2]) == "#launch");
    BOOST_TEST(facets[2].value == "launch");
}

BOOST_AUTO_TEST_CASE(things_that_are_not_facets) {
    BOOST_TEST(find_facets("mail me@example.com").empty());  // not after a space
    BOOST_TEST(find_facets("@alice hello").empty());         // no dot: not a handle
    BOOST_TEST(find_facets("room #123 and a#b").empty());    // all digits; inside a word
    BOOST_TEST(find_facets("#\xEF\xB8\x8F\xE2\x83\xA3 keycap").empty());
    BOOST_TEST(find_facets("ftp://example.com").empty());
    // A '#' inside a link belongs to the link.
    const auto link = find_facets("https://example.com/#top");
    BOOST_TEST_REQUIRE(link.size() == 1u);
    BOOST_TEST((link[0].kind == Kind::link));
    // A mention inside parentheses.
    const auto paren = find_facets("(@dan.example.org)");
    BOOST_TEST_REQUIRE(paren.size() == 1u);
    BOOST_TEST(paren[0].value == "dan.example.org");
}

BOOST_AUTO_TEST_CASE(tids_have_the_spec_shape_and_order) {
    using postsched::adapters::bluesky::is_valid_tid;
    using postsched::adapters::bluesky::make_tid;
    BOOST_TEST(make_tid(0, 0) == "2222222222222");
    BOOST_TEST(make_tid(1, 0) == "2222222222322");  // micros start above the 10 clock bits
    const std::string now = make_tid(1764331200000000ULL, 0x3FF);
    BOOST_TEST(is_valid_tid(now));
    BOOST_TEST(now.size() == 13u);
    BOOST_TEST(make_tid(1764331200000001ULL, 0) > now);  // sortable
    BOOST_TEST(!is_valid_tid("k222222222222"));          // top bit set
    BOOST_TEST(!is_valid_tid("3jzfcijpj2z2a1"));
    BOOST_TEST(!is_valid_tid("3jzfcijpj2z21"));  // '1' is not in the alphabet
}

BOOST_AUTO_TEST_CASE(record_keys_come_from_the_post_time_and_the_target) {
    using postsched::adapters::bluesky::is_valid_tid;
    using postsched::adapters::bluesky::record_key;
    const auto fallback = *postsched::parse_utc_instant("2030-01-01T00:00:00Z");
    const std::string post = "019ac9f2-1e00-7abc-8def-0123456789ab";
    const std::string a0 = record_key(post, "target-a", 0, fallback);
    BOOST_TEST(is_valid_tid(a0));
    BOOST_TEST(record_key(post, "target-a", 0, fallback) == a0);  // stable across retries
    BOOST_TEST(record_key(post, "target-b", 0, fallback) != a0);  // per target
    BOOST_TEST(record_key(post, "target-a", 1, fallback) > a0);   // parts in order
    // The time is the UUIDv7's: the fallback does not matter for it.
    BOOST_TEST(record_key(post, "target-a", 0, fallback + std::chrono::hours(1)) == a0);
    BOOST_TEST(record_key("not-a-uuid", "t", 0, fallback) !=
               record_key("not-a-uuid", "t", 0, fallback + std::chrono::hours(1)));
    // An import makes thousands of posts in one millisecond, each target with
    // its own id: no two keys may meet, whatever the parts.
    std::set<std::string> keys;
    for (int i = 0; i < 20000; ++i) {
        const std::string target = "019ac9f2-1e00-7abc-8def-" + std::to_string(100000000000 + i);
        for (std::size_t part = 0; part < 3; ++part) {
            const std::string key = record_key(post, target, part, fallback);
            BOOST_TEST_REQUIRE(is_valid_tid(key));
            keys.insert(key);
        }
    }
    BOOST_TEST(keys.size() == 60000u);
}

BOOST_AUTO_TEST_CASE(image_sizes_come_from_the_headers) {
    using postsched::media::image_size;
    // PNG: signature, IHDR of 640×480.
    std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x02\x80\0\0\x01\xe0\x08\x02\0\0\0", 29);
    const auto p = image_size(png);
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->width == 640u);
    BOOST_TEST(p->height == 480u);
    // JPEG: SOI, an APP0 segment, then SOF0 with 1280×760.
    std::string jpeg("\xFF\xD8\xFF\xE0\x00\x04xx\xFF\xC0\x00\x11\x08\x02\xF8\x05\x00\x03", 18);
    const auto j = image_size(jpeg);
    BOOST_TEST_REQUIRE(j.has_value());
    BOOST_TEST(j->width == 1280u);
    BOOST_TEST(j->height == 760u);
    const auto g = image_size(std::string("GIF89a\x0a\x00\x05\x00", 10));
    BOOST_TEST_REQUIRE(g.has_value());
    BOOST_TEST(g->width == 10u);
    BOOST_TEST(g->height == 5u);
    BOOST_TEST(!image_size("not an image").has_value());
    BOOST_TEST(!image_size(std::string("\xFF\xD8\xFF\xDA\x00\x02", 6)).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
