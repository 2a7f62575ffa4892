// postsched validate: every target's verdict with its platform's counting
// rule, exit 65 when any is invalid, JSON for scripts.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "support/mastodon_world.hpp"
#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::testing::is_error;
using postsched::testing::MastodonWorld;
using postsched::testing::RunResult;

BOOST_AUTO_TEST_SUITE(cli_validate_test)

BOOST_AUTO_TEST_CASE(a_valid_text_prints_each_targets_count_and_limit) {
    MastodonWorld w;
    RunResult r = w.box.run({"validate", "--to", "m,feed", "héllo"});
    BOOST_TEST_INFO(r.err);
    BOOST_TEST(r.code == 0);
    BOOST_TEST(r.out.find("m (mastodon) text: 5/500 characters — ok\n") != std::string::npos);
    BOOST_TEST(r.out.find("feed (exec) text: ") != std::string::npos);
    BOOST_TEST(w.box.run({"post", "list", "--json"}).out == "[]\n");  // nothing stored
}

BOOST_AUTO_TEST_CASE(a_text_too_long_says_by_how_much_and_exits_65) {
    MastodonWorld w;
    RunResult r = w.box.run({"validate", "--to", "m", std::string(507, 'a')});
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.out.find("m (mastodon) text: 507/500 characters — too long by 7") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_lists_every_part_of_a_thread) {
    MastodonWorld w;
    RunResult r =
        w.box.run({"validate", "--to", "m", "--json", "first\n---\n" + std::string(600, 'b')});
    BOOST_TEST(r.code == 65);
    json j = json::parse(r.out);
    BOOST_TEST(j["valid"] == false);
    BOOST_TEST_REQUIRE(j["verdicts"].size() == 2u);
    BOOST_TEST(j["verdicts"][0]["what"] == "part 1");
    BOOST_TEST(j["verdicts"][0]["ok"] == true);
    BOOST_TEST(j["verdicts"][1]["what"] == "part 2");
    BOOST_TEST(j["verdicts"][1]["count"] == 600);
    BOOST_TEST(j["verdicts"][1]["limit"] == 500);
    BOOST_TEST(j["verdicts"][1]["message"].get<std::string>().find("part 2 for mastodon") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(text_from_stdin_and_unknown_accounts) {
    MastodonWorld w;
    RunResult r = w.box.run({"validate", "--to", "m", "-"}, "from stdin\n");
    BOOST_TEST(r.code == 0);
    BOOST_TEST(r.out.find("10/500") != std::string::npos);
    BOOST_TEST(is_error(w.box.run({"validate", "--to", "nobody", "hi"}), 65, {"nobody"}));
    BOOST_TEST(is_error(w.box.run({"validate", "hi"}), 64, {"--to"}));
}

BOOST_AUTO_TEST_CASE(media_is_checked_too) {
    MastodonWorld w;
    RunResult r =
        w.box.run({"validate", "--to", "m", "look", "--media", w.box.dir() + "/missing.png"});
    BOOST_TEST(r.code == 65);
    BOOST_TEST(r.out.find("m (mastodon) media: ") != std::string::npos);
    BOOST_TEST(r.out.find("missing.png") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
