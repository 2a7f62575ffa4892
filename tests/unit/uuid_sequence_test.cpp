// UuidV7Sequence: the ids a bulk import gives its posts and targets.
#include <boost/test/unit_test.hpp>

#include <set>

#include "core/ids.hpp"

using postsched::Instant;
using postsched::Millis;
using postsched::UuidV7Sequence;

BOOST_AUTO_TEST_SUITE(uuid_sequence_test)

BOOST_AUTO_TEST_CASE(ids_are_uuid_v7_in_the_order_made_and_unique) {
    Instant at{Millis{1796212800123}};  // 2026-12-02T12:00:00.123Z
    UuidV7Sequence ids(at);
    std::set<std::string> seen;
    std::string previous;
    bool ordered = true, shaped = true;
    for (int i = 0; i < 50000; ++i) {
        std::string id = ids.next();
        shaped = shaped && id.size() == 36 && id[8] == '-' && id[13] == '-' && id[18] == '-' &&
                 id[23] == '-' && id[14] == '7' &&
                 std::string("89ab").find(id[19]) != std::string::npos;
        ordered = ordered && id > previous;
        previous = id;
        seen.insert(id);
    }
    BOOST_TEST(shaped);
    BOOST_TEST(ordered);
    BOOST_TEST(seen.size() == 50000u);
    // The first 48 bits are the milliseconds: 0x01a236a03a7b.
    BOOST_TEST(previous.substr(0, 13) == "01a236a0-3a7b");
}

BOOST_AUTO_TEST_CASE(two_sequences_do_not_collide) {
    Instant at{Millis{1796212800123}};
    UuidV7Sequence a(at), b(at);
    std::set<std::string> seen;
    for (int i = 0; i < 10000; ++i) {
        seen.insert(a.next());
        seen.insert(b.next());
    }
    BOOST_TEST(seen.size() == 20000u);
}

BOOST_AUTO_TEST_SUITE_END()
