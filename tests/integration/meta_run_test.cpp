// End to end: the real binary publishing to a Facebook Page, an Instagram
// account and a Threads account on the fake Graph, with media on a fake file
// server: the three-image post, a pass killed between container creation and
// publish, the poll budget running out, the quota, an expired token, and the
// checks made when a post is added.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "fakes/fake_files.hpp"
#include "fakes/fake_graph.hpp"
#include "support/sandbox.hpp"

using postsched::fakes::FakeFiles;
using postsched::fakes::FakeGraph;
using postsched::fakes::GraphFault;
using postsched::testing::is_error;
using postsched::testing::RunResult;
using postsched::testing::Sandbox;
using postsched::testing::sqlite;

namespace {

constexpr const char* k_page_token = "EAAPage-SECRET-token";
constexpr const char* k_ig_token = "EAAInsta-SECRET-token";
constexpr const char* k_th_token = "THAA-SECRET-token";

struct World {
    FakeGraph graph;
    FakeFiles files;
    Sandbox box;
    std::vector<std::string> urls;

    World() {
        graph.add_page(k_page_token, "111", "mypage");
        graph.add_instagram(k_ig_token, "1784", "shop");
        graph.add_threads(k_th_token, "9001", "writer");
        for (const char* name : {"/a.jpg", "/b.jpg", "/c.jpg"}) {
            files.put(name, postsched::fakes::tiny_jpeg(), "image/jpeg");
            urls.push_back(files.url(name));
        }
        box.env["SECRET_KEY"] = "correct horse battery staple";
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.env["FB_TOKEN"] = k_page_token;
        box.env["IG_TOKEN"] = k_ig_token;
        box.env["TH_TOKEN"] = k_th_token;
        for (const char* p : {"FACEBOOK", "INSTAGRAM", "THREADS"})
            box.env[std::string("POSTSCHED_") + p + "_API_BASE"] = graph.base_url();
        box.env["POSTSCHED_INSTAGRAM_POLL_INTERVAL"] = "10ms";
        box.env["POSTSCHED_THREADS_POLL_INTERVAL"] = "10ms";
        box.ok({"init"});
        box.ok({"account", "add", "facebook", "--name", "fb", "--token-env", "FB_TOKEN",
                "--platform-account-id", "111"});
        box.ok({"account", "add", "instagram", "--name", "ig", "--token-env", "IG_TOKEN",
                "--platform-account-id", "1784"});
        box.ok({"account", "add", "threads", "--name", "th", "--token-env", "TH_TOKEN",
                "--platform-account-id", "9001"});
    }
    std::string add(std::vector<std::string> args) {
        args.insert(args.begin(), {"post", "add"});
        const std::string out = box.ok(args);
        return out.substr(0, out.find('\n'));
    }
    std::string add_three_images(const std::string& to) {
        return add({"three pictures", "--to", to, "--now", "--media", urls[0], "--media", urls[1],
                    "--media", urls[2]});
    }
    nlohmann::json show(const std::string& id) {
        return nlohmann::json::parse(box.ok({"post", "show", id, "--json"}));
    }
    std::string target_status(const std::string& id, const std::string& account) {
        const auto post = show(id);
        for (const auto& t : post["targets"])
            if (t["account"] == account)
                return t["status"];
        return "?";
    }
    // Publishes exactly once: one Page post with three photos, one Instagram
    // carousel and one Threads carousel of the three URLs.
    void check_published_once(const std::string& id) {
        const auto post = show(id);
        BOOST_TEST(post["status"] == "posted");
        for (const auto& t : post["targets"]) {
            BOOST_TEST(t["status"] == "posted", t["account"] << ": " << t.dump());
            BOOST_TEST(!t["url"].is_null());
        }
        const auto posts = graph.posts();
        BOOST_TEST_REQUIRE(posts.size() == 1u);
        BOOST_TEST(posts[0].photo_ids.size() == 3u);
        BOOST_TEST(posts[0].message == "three pictures");
        const auto media = graph.media();
        BOOST_TEST_REQUIRE(media.size() == 2u);
        for (const auto& m : media) {
            BOOST_TEST(m.media_type == "CAROUSEL");
            BOOST_TEST(m.urls == urls);
        }
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(meta_run_test)

BOOST_AUTO_TEST_CASE(three_images_reach_facebook_instagram_and_threads_once) {
    World w;
    w.graph.set_processing_polls(2);
    const std::string id = w.add_three_images("fb,ig,th");
    w.box.ok({"run"});
    w.check_published_once(id);
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T12:30:00Z";
    w.box.ok({"run"});
    w.check_published_once(id);
    for (const auto& line : w.graph.request_log())
        BOOST_TEST(line.find("SECRET") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_video_url_becomes_a_reel_and_a_threads_video) {
    World w;
    w.files.put("/clip.mp4", postsched::fakes::tiny_mp4(), "video/mp4");
    const std::string id =
        w.add({"a clip", "--to", "ig,th", "--now", "--media", w.files.url("/clip.mp4?sig=1")});
    w.box.ok({"run"});
    BOOST_TEST(w.show(id)["status"] == "posted");
    const auto media = w.graph.media();
    BOOST_TEST_REQUIRE(media.size() == 2u);
    for (const auto& m : media)
        BOOST_TEST(m.media_type == (m.platform == "instagram" ? "REELS" : "VIDEO"));
}

BOOST_AUTO_TEST_CASE(a_pass_killed_between_containers_and_publish_resumes_once) {
    World w;
    // The pass is killed while Instagram and Threads are processing and
    // before the Page post: containers and photo ids are saved, nothing is
    // published.
    w.graph.set_processing_polls(1000);
    w.box.env["POSTSCHED_INSTAGRAM_POLL_ATTEMPTS"] = "1";
    w.box.env["POSTSCHED_THREADS_POLL_ATTEMPTS"] = "1";
    GraphFault pass;
    pass.pass = true;
    GraphFault dead = postsched::fakes::graph_fault(500, 2, 0, "An unexpected error has occurred");
    w.graph.inject(FakeGraph::k_photos, pass, 2);
    w.graph.inject(FakeGraph::k_photos, dead);
    const std::string id = w.add_three_images("fb,ig,th");
    w.box.ok({"run"});
    BOOST_TEST(w.graph.media().empty());
    BOOST_TEST(w.graph.posts().empty());
    const std::size_t containers = w.graph.containers().size();
    BOOST_TEST(containers == 6u);  // three children each
    // As if the pass had died while sending: every target `sending`, lease expired.
    sqlite(w.box.db_path(),
           "update post_targets set status='sending', claimed_until='2026-11-28T12:05:00.000Z', "
           "sending_at='2026-11-28T12:00:00.000Z', claim_token='dead'; "
           "update scheduled_posts set status='posting'");
    w.graph.set_processing_polls(0);
    w.graph.finish_processing();
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T12:10:00Z";
    w.box.ok({"run"});
    w.check_published_once(id);
    BOOST_TEST(w.graph.containers().size() == containers + 2);  // only the two carousels
    BOOST_TEST(w.graph.photos().size() == 3u);                  // no photo uploaded twice
}

BOOST_AUTO_TEST_CASE(a_pass_killed_during_the_publish_request_is_settled_once) {
    World w;
    // Instagram publishes, then holds its answer; the pass is killed meanwhile.
    GraphFault slow;
    slow.delay = std::chrono::seconds(4);
    w.graph.inject(FakeGraph::k_ig_publish, slow);
    const std::string id = w.add({"killed", "--to", "ig", "--now", "--media", w.urls[0]});
    const RunResult killed = postsched::testing::run_program(
        {"timeout", "-s", "KILL", "2", POSTSCHED_BINARY, "run"}, "", w.box.env);
    BOOST_TEST(killed.code == 137);
    BOOST_TEST(w.target_status(id, "ig") != "posted");
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T12:10:00Z";  // the lease has expired
    w.box.ok({"run"});
    BOOST_TEST(w.target_status(id, "ig") == "posted");
    const auto media = w.graph.media();
    BOOST_TEST_REQUIRE(media.size() == 1u);
    BOOST_TEST(w.show(id)["targets"][0]["platform_post_id"] == media[0].id);
    BOOST_TEST(w.graph.requests(FakeGraph::k_ig_publish) == 1);  // never sent twice
}

BOOST_AUTO_TEST_CASE(a_lost_publish_answer_is_looked_up_on_the_next_pass) {
    World w;
    GraphFault lost;
    lost.drop = true;
    lost.create = true;
    w.graph.inject(FakeGraph::k_ig_publish, lost);
    w.graph.inject(FakeGraph::k_th_publish, lost);
    w.graph.inject(FakeGraph::k_feed, lost);
    const std::string id = w.add_three_images("fb,ig,th");
    w.box.ok({"run"});
    for (const char* a : {"fb", "ig", "th"})
        BOOST_TEST(w.target_status(id, a) == "pending");
    w.box.env["POSTSCHED_NOW"] = "2026-11-28T13:00:00Z";  // past the backoff
    w.box.ok({"run"});
    w.check_published_once(id);
    BOOST_TEST(w.graph.requests(FakeGraph::k_ig_publish) == 1);
    BOOST_TEST(w.graph.requests(FakeGraph::k_th_publish) == 1);
    BOOST_TEST(w.graph.requests(FakeGraph::k_feed) == 1);
}

BOOST_AUTO_TEST_CASE(poll_budget_spent_waits_then_publishes_with_the_same_containers) {
    World w;
    w.graph.set_processing_polls(3);
    w.box.env["POSTSCHED_INSTAGRAM_POLL_ATTEMPTS"] = "1";
    const std::string id = w.add({"one pic", "--to", "ig", "--now", "--media", w.urls[0]});
    w.box.ok({"run"});
    auto t = w.show(id)["targets"][0];
    BOOST_TEST(t["status"] == "pending");
    BOOST_TEST(t["error_kind"] == "waiting");
    BOOST_TEST(t["attempts"] == 0);
    BOOST_TEST(t["next_attempt_at"] == "2026-11-28T12:00:30.000Z");
    for (const char* now :
         {"2026-11-28T12:01:00Z", "2026-11-28T12:02:00Z", "2026-11-28T12:03:00Z"}) {
        w.box.env["POSTSCHED_NOW"] = now;
        w.box.ok({"run"});
    }
    BOOST_TEST(w.show(id)["targets"][0]["status"] == "posted");
    BOOST_TEST(w.graph.containers().size() == 1u);
    BOOST_TEST(w.graph.media().size() == 1u);
}

BOOST_AUTO_TEST_CASE(exhausted_quota_holds_the_target_without_failing_it) {
    World w;
    w.graph.set_quota("1784", 50, 50);
    const std::string id = w.add({"one pic", "--to", "ig", "--now", "--media", w.urls[0]});
    w.box.ok({"run"});
    auto t = w.show(id)["targets"][0];
    BOOST_TEST(t["status"] == "pending");
    BOOST_TEST(t["error_kind"] == "rate_limited");
    BOOST_TEST(t["next_attempt_at"] == "2026-11-28T13:00:00.000Z");
    BOOST_TEST(t["error"].get<std::string>().find("50 of 50") != std::string::npos);
    BOOST_TEST(w.graph.requests(FakeGraph::k_ig_publish) == 0);
}

BOOST_AUTO_TEST_CASE(expired_page_token_asks_for_a_reconnect) {
    World w;
    w.graph.expire_token(k_page_token);
    const std::string id = w.add({"hello page", "--to", "fb", "--now"});
    w.box.ok({"run"});
    auto t = w.show(id)["targets"][0];
    BOOST_TEST(t["status"] == "pending");
    BOOST_TEST(t["error"].get<std::string>().find("needs reconnecting") != std::string::npos);
    BOOST_TEST(t["error"].get<std::string>().find("expired") != std::string::npos);
    auto account = nlohmann::json::parse(w.box.ok({"account", "show", "fb", "--json"}));
    BOOST_TEST(account["needs_reconnect"] == true);
}

BOOST_AUTO_TEST_CASE(instagram_refuses_local_files_text_only_and_png_when_added) {
    World w;
    w.box.write_file("pic.jpg", postsched::fakes::tiny_jpeg());
    RunResult r =
        w.box.run({"post", "add", "x", "--to", "ig", "--now", "--media", w.box.dir() + "/pic.jpg"});
    BOOST_TEST(is_error(r, 65, {"is a local file", "instagram account \"ig\"", "public https"}));
    r = w.box.run({"post", "add", "just text", "--to", "ig", "--now"});
    BOOST_TEST(is_error(r, 65, {"instagram account \"ig\" needs at least 1 image or video"}));
    r = w.box.run(
        {"post", "add", "x", "--to", "ig", "--now", "--media", "https://cdn.example/pic.png"});
    BOOST_TEST(is_error(r, 65, {"image/png", "instagram account \"ig\""}));
    r = w.box.run(
        {"post", "add", "x", "--to", "ig", "--now", "--media", "https://cdn.example/media?id=7"});
    BOOST_TEST(is_error(r, 65,
                        {"https://cdn.example/media?id=7", "must end in the file's extension",
                         "instagram account \"ig\""}));
    std::string tags;
    for (int i = 0; i < 31; ++i)
        tags += "#t" + std::to_string(i) + " ";
    r = w.box.run({"post", "add", tags, "--to", "ig", "--now", "--media", w.urls[0]});
    BOOST_TEST(is_error(r, 65, {"31 hashtags", "limit of 30"}));
    r = w.box.run({"post", "add", std::string(501, 'x'), "--to", "th", "--now"});
    BOOST_TEST(is_error(r, 65, {"over the limit of 500", "threads account \"th\""}));
}

BOOST_AUTO_TEST_CASE(account_add_checks_the_token_with_the_graph) {
    World w;
    w.box.env["BAD"] = "not-a-token";
    RunResult r = w.box.run({"account", "add", "facebook", "--name", "fb2", "--token-env", "BAD",
                             "--platform-account-id", "111"});
    BOOST_TEST(is_error(r, 77, {"facebook rejected the token of account \"fb2\""}));
    BOOST_TEST(r.err.find("not-a-token") == std::string::npos);
    auto a = nlohmann::json::parse(w.box.ok({"account", "show", "th", "--json"}));
    BOOST_TEST(a["username"] == "writer");
}

BOOST_AUTO_TEST_SUITE_END()
