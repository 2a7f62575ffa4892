// The import's memory of idempotency keys and skipped rows between passes.
#include <boost/test/unit_test.hpp>

#include "importer/key_ledger.hpp"

using postsched::importer::KeyLedger;

BOOST_AUTO_TEST_SUITE(csv_key_ledger_test)

BOOST_AUTO_TEST_CASE(first_use_is_remembered_with_its_line_and_text) {
    KeyLedger keys;
    BOOST_TEST(!keys.first_use("k1", 2, "hello"));
    BOOST_TEST(!keys.first_use("k2", 3, "other"));
    auto again = keys.first_use("k1", 7, "hello");
    BOOST_REQUIRE(again);
    BOOST_TEST(again->line == 2u);
    BOOST_TEST(again->same_text);
    auto changed = keys.first_use("k1", 9, "hello!");
    BOOST_REQUIRE(changed);
    BOOST_TEST(changed->line == 2u);
    BOOST_TEST(!changed->same_text);
}

BOOST_AUTO_TEST_CASE(skipped_lines_are_read_back_in_order_each_pass) {
    KeyLedger keys;
    BOOST_TEST(keys.skip_count() == 0u);
    keys.rewind();
    BOOST_TEST(!keys.skipped(1));  // nothing marked: no database needed
    keys.skip(40);
    keys.skip(5);
    keys.skip(40);  // counted once
    BOOST_TEST(keys.skip_count() == 2u);
    for (int pass = 0; pass < 2; ++pass) {
        keys.rewind();
        std::vector<std::size_t> seen;
        for (std::size_t line = 1; line <= 50; ++line)
            if (keys.skipped(line))
                seen.push_back(line);
        BOOST_TEST(seen == (std::vector<std::size_t>{5, 40}), "pass " << pass);
    }
}

BOOST_AUTO_TEST_CASE(many_keys_stay_exact) {
    KeyLedger keys;
    for (std::size_t i = 0; i < 20000; ++i)
        BOOST_REQUIRE(
            !keys.first_use("key-" + std::to_string(i), i + 2, "text " + std::to_string(i)));
    auto hit = keys.first_use("key-12345", 99999, "text 12345");
    BOOST_REQUIRE(hit);
    BOOST_TEST(hit->line == 12347u);
    BOOST_TEST(hit->same_text);
}

BOOST_AUTO_TEST_SUITE_END()
