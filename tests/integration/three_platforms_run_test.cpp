// Issue 5's end-to-end case: one `postsched run` publishes a 3-part thread
// with two images to X and Bluesky, and the same text with the two images to
// LinkedIn (which has no threads: a thread for it is refused when added),
// each against its strict fake, each exactly once.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "core/time_format.hpp"
#include "fakes/fake_bluesky.hpp"
#include "fakes/fake_files.hpp"
#include "fakes/fake_linkedin.hpp"
#include "fakes/fake_x.hpp"
#include "support/sandbox.hpp"

using nlohmann::json;
using postsched::testing::is_error;
using postsched::testing::Sandbox;

namespace {

const postsched::Instant k_now = *postsched::parse_utc_instant("2026-11-28T12:00:00Z");

struct World {
    postsched::fakes::FakeX x;
    postsched::fakes::FakeLinkedIn linkedin;
    postsched::fakes::FakeBluesky bluesky;
    Sandbox box;
    World() {
        x.set_clock([] { return k_now; });
        x.add_user("x-token-SECRET", "1001", "alice");
        linkedin.set_clock_ms(k_now.time_since_epoch().count());
        linkedin.add_member("li-token-SECRET", "782bbtaQ", "Ada Lovelace",
                            {"openid", "profile", "w_member_social"});
        bluesky.set_clock([] { return k_now; });
        bluesky.add_account("alice.test", "did:plc:alice7x2", "abcd-efgh-ijkl-mnop");
        box.env["SECRET_KEY"] = "correct horse battery staple";
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.env["X_TOKEN"] = "x-token-SECRET";
        box.env["LI_TOKEN"] = "li-token-SECRET";
        box.env["BSKY_APP_PASSWORD"] = "abcd-efgh-ijkl-mnop";
        box.write_file("config/postsched/config.toml",
                       "[platforms.x]\napi_base = \"" + x.base_url() +
                           "\"\n[platforms.linkedin]\napi_base = \"" + linkedin.base_url() +
                           "\"\n[platforms.bluesky]\napi_base = \"" + bluesky.base_url() + "\"\n");
        box.ok({"init"});
        box.ok({"account", "add", "x", "--name", "xa", "--token-env", "X_TOKEN"});
        box.ok({"account", "add", "linkedin", "--name", "li", "--token-env", "LI_TOKEN"});
        box.ok({"account", "add", "bluesky", "--name", "sky", "--handle", "alice.test",
                "--app-password-env", "BSKY_APP_PASSWORD"});
        box.write_file("a.png", postsched::fakes::tiny_png());
        box.write_file("b.png", postsched::fakes::tiny_png() + " ");
    }
    std::vector<std::string> media() const {
        return {"--media", box.dir() + "/a.png", "--alt", "chart",
                "--media", box.dir() + "/b.png", "--alt", "table"};
    }
    std::string add(std::vector<std::string> args) {
        args.insert(args.begin(), {"post", "add"});
        for (const auto& m : media())
            args.push_back(m);
        std::string id = box.ok(args);
        return id.substr(0, id.find('\n'));
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(three_platforms_run_test)

BOOST_AUTO_TEST_CASE(one_pass_publishes_to_x_linkedin_and_bluesky_with_two_images) {
    World w;
    const std::string thread = "Release 2.0 is out\n---\nWhat changed\n---\nThanks to everyone";
    // LinkedIn has no threads: refused when added, naming the account.
    BOOST_TEST(is_error(w.box.run({"post", "add", thread, "--to", "xa,li,sky", "--now"}), 65,
                        {"linkedin account \"li\" cannot publish threads"}));
    std::string threaded = w.add({thread, "--to", "xa,sky", "--now"});
    std::string single = w.add({"Release 2.0 is out", "--to", "li", "--now"});
    w.box.ok({"run"});

    const auto tweets = w.x.tweets();
    BOOST_TEST_REQUIRE(tweets.size() == 3u);
    BOOST_TEST(tweets[0].media_ids.size() == 2u);
    const auto x_media = w.x.media();
    BOOST_TEST_REQUIRE(x_media.size() == 2u);
    BOOST_TEST(x_media[0].alt_text == "chart");
    BOOST_TEST(x_media[1].alt_text == "table");
    BOOST_TEST(tweets[1].in_reply_to == tweets[0].id);
    BOOST_TEST(tweets[2].in_reply_to == tweets[1].id);

    const auto records = w.bluesky.records();
    BOOST_TEST_REQUIRE(records.size() == 3u);
    BOOST_TEST(json::parse(records[0].value)["embed"]["images"].size() == 2u);
    BOOST_TEST(json::parse(records[2].value)["reply"]["parent"]["uri"] == records[1].uri);

    const auto posts = w.linkedin.posts();
    BOOST_TEST_REQUIRE(posts.size() == 1u);
    BOOST_TEST(posts[0].images.size() == 2u);

    for (const auto& id : {threaded, single}) {
        json p = json::parse(w.box.ok({"post", "show", id, "--json"}));
        BOOST_TEST(p["status"] == "posted");
        for (const auto& t : p["targets"])
            BOOST_TEST(!t["url"].get<std::string>().empty());
    }
    // Nothing twice.
    w.box.ok({"run"});
    BOOST_TEST(w.x.tweets().size() == 3u);
    BOOST_TEST(w.bluesky.records_created() == 3);
    BOOST_TEST(w.linkedin.posts().size() == 1u);
}

// X's media mix, checked when the post is added: up to 4 images of 5 MiB,
// or one GIF of 15 MiB, or one video of 512 MiB, alone.
BOOST_AUTO_TEST_CASE(x_media_rules_are_checked_when_the_post_is_added) {
    World w;
    const std::string d = w.box.dir() + "/";
    w.box.write_file("anim.gif", "GIF89a" + std::string(6 * 1024 * 1024, '\x01'));
    w.box.write_file("huge.gif", "GIF89a" + std::string(15 * 1024 * 1024, '\x01'));
    w.box.write_file("big.png", postsched::fakes::tiny_png() + std::string(5 * 1024 * 1024, ' '));
    BOOST_TEST(is_error(w.box.run({"post", "add", "hi", "--to", "xa", "--now", "--media",
                                   d + "anim.gif", "--media", d + "a.png"}),
                        65,
                        {"x account \"xa\" takes one GIF or one video per post, with no other "
                         "media (this post has 2 media items)"}));
    BOOST_TEST(
        is_error(w.box.run({"post", "add", "hi", "--to", "xa", "--now", "--media", d + "big.png"}),
                 65, {"big.png\" is ", "over the 5 MiB limit of x account \"xa\""}));
    BOOST_TEST(
        is_error(w.box.run({"post", "add", "hi", "--to", "xa", "--now", "--media", d + "huge.gif"}),
                 65, {"over the 15 MiB limit of x account \"xa\" for a GIF"}));
    const auto verdict = w.box.run(
        {"validate", "--to", "xa", "hi", "--media", d + "anim.gif", "--media", d + "a.png"});
    BOOST_TEST(verdict.code == 65);
    BOOST_TEST(verdict.out.find("xa (x) media: ") != std::string::npos);
    BOOST_TEST(is_error(w.box.run({"post", "add", "hi", "--to", "xa", "--now", "--media",
                                   d + "a.png", "--alt", std::string(1001, 'a')}),
                        65, {"a.png\" is 1001 characters, over the 1000 of x account \"xa\""}));
    // A 6 MiB GIF alone is fine for X; four images too.
    w.box.ok({"post", "add", "gif", "--to", "xa", "--now", "--media", d + "anim.gif"});
    w.box.ok({"post", "add", "four", "--to", "xa", "--now", "--media", d + "a.png", "--media",
              d + "b.png", "--media", d + "a.png", "--media", d + "b.png"});
    BOOST_TEST(json::parse(w.box.ok({"post", "list", "--json"})).size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
