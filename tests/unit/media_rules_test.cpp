// MediaRules' per-type exceptions: which rule a type falls under, its size
// cap, a configured cap lowering every limit, and types that must be alone.
#include <boost/test/unit_test.hpp>

#include "adapters/adapter.hpp"

using postsched::adapters::MediaRules;

namespace {

MediaRules x_like() {
    MediaRules rules;
    rules.max_bytes = 5;
    rules.by_type = {{"image/gif", "GIF", 15, true}, {"video/", "video", 512, true}};
    return rules;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(media_rules_test)

BOOST_AUTO_TEST_CASE(exact_types_and_families_pick_their_cap) {
    const MediaRules rules = x_like();
    BOOST_TEST(rules.max_bytes_for("image/png") == 5u);
    BOOST_TEST(rules.max_bytes_for("image/gif") == 15u);
    BOOST_TEST(rules.max_bytes_for("video/mp4") == 512u);
    BOOST_TEST(rules.max_bytes_for("video/quicktime") == 512u);
    BOOST_TEST(rules.max_bytes_for("") == 5u);
    BOOST_TEST(rules.rule_for("image/gifx") == nullptr);  // exact means exact
    BOOST_TEST(rules.rule_for("videos/x") == nullptr);    // a family ends at its slash
}

BOOST_AUTO_TEST_CASE(a_configured_cap_lowers_every_limit_but_never_raises_one) {
    MediaRules rules = x_like();
    rules.cap_bytes(10);
    BOOST_TEST(rules.max_bytes_for("image/png") == 5u);
    BOOST_TEST(rules.max_bytes_for("image/gif") == 10u);
    BOOST_TEST(rules.max_bytes_for("video/mp4") == 10u);
    rules.cap_bytes(0);  // not configured
    BOOST_TEST(rules.max_bytes_for("video/mp4") == 10u);
}

BOOST_AUTO_TEST_CASE(types_that_must_be_alone) {
    const MediaRules rules = x_like();
    const std::string why = "takes one GIF or one video per post, with no other media";
    BOOST_TEST(rules.mix_problem({"image/gif"}).empty());
    BOOST_TEST(rules.mix_problem({"image/png", "image/jpeg", "image/png"}).empty());
    BOOST_TEST(rules.mix_problem({"image/png", "image/gif"}) == why);
    BOOST_TEST(rules.mix_problem({"video/mp4", "video/mp4"}) == why);
    BOOST_TEST(rules.mix_problem({"", "video/mp4"}) == why);  // an unknown type beside a video
    BOOST_TEST(MediaRules{}.mix_problem({"image/gif", "video/mp4"}).empty());
}

BOOST_AUTO_TEST_SUITE_END()
