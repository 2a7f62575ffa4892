// The Instagram adapter against the fake Graph: single images, carousels,
// containers IN_PROGRESS over several polls, resume with the saved containers
// (after the poll budget, after a lost publish answer), 24-hour expiry,
// processing errors, the publishing quota and the error classes.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "adapters/meta/meta_adapters.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "fakes/fake_graph.hpp"
#include "support/graph_adapter_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using postsched::Account;
using postsched::Error;
using postsched::Instant;
using postsched::adapters::FetchedMedia;
using postsched::adapters::Outcome;
using postsched::adapters::PublishRequest;
using postsched::fakes::FakeGraph;
using postsched::fakes::graph_fault;
using postsched::fakes::GraphFault;

const char* const k_token = "EAAInsta-token-SECRET";
const Instant k_start = *postsched::parse_utc_instant("2026-01-02T03:00:00Z");

struct Fixture : postsched::testing::GraphAdapterFixture {
    Fixture() : GraphAdapterFixture(k_start, "instagram", "shop", "1784") {
        platform.poll_attempts = 5;
        fake.add_instagram(k_token, "1784", "shop");
        files.put("/p.png", postsched::fakes::tiny_png(), "image/png");
        files.put("/clip.mp4", postsched::fakes::tiny_mp4(), "video/mp4");
        adapter = postsched::adapters::make_instagram_adapter(context);
    }

    std::vector<FetchedMedia> three() { return {url("/a.jpg"), url("/b.jpg"), url("/c.jpg")}; }

    PublishRequest request(std::vector<FetchedMedia> media, std::string state = "{}",
                           std::string caption = "caption #one") {
        return request_with(k_token, {std::move(caption)}, std::move(media), "{}",
                            std::move(state));
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(instagram_adapter_test)

BOOST_FIXTURE_TEST_CASE(single_image_goes_through_container_quota_and_publish, Fixture) {
    const Outcome o = publish(request({url("/a.jpg")}));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 1u);
    BOOST_TEST(media[0].media_type == "IMAGE");
    BOOST_TEST(media[0].text == "caption #one");
    BOOST_TEST(o.platform_post_id == media[0].id);
    BOOST_TEST(o.url == "https://www.instagram.com/p/C" + media[0].id + "/");
    BOOST_TEST(fake.requests(FakeGraph::k_ig_limit) == 1);
    const auto log = fake.request_log();
    BOOST_TEST(log.front().starts_with("POST /v26.0/1784/media"));
    for (const auto& line : log)
        BOOST_TEST(line.find(k_token) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(three_images_make_one_carousel, Fixture) {
    const Outcome o = publish(request(three()));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 1u);
    BOOST_TEST(media[0].media_type == "CAROUSEL");
    BOOST_TEST(media[0].urls == (std::vector<std::string>{files.url("/a.jpg"), files.url("/b.jpg"),
                                                          files.url("/c.jpg")}));
    BOOST_TEST(fake.containers().size() == 4u);
}

BOOST_FIXTURE_TEST_CASE(a_single_video_is_a_reel_awaited_over_several_polls, Fixture) {
    fake.set_processing_polls(3);
    const Outcome o = publish(request({url("/clip.mp4")}));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto containers = fake.containers();
    BOOST_TEST_REQUIRE(containers.size() == 1u);
    BOOST_TEST(containers[0].media_type == "REELS");
    BOOST_TEST(containers[0].url == files.url("/clip.mp4"));
    BOOST_TEST(fake.media().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_video_in_a_carousel_is_a_video_child, Fixture) {
    const Outcome o = publish(request({url("/a.jpg"), url("/clip.mp4")}));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto containers = fake.containers();
    BOOST_TEST_REQUIRE(containers.size() == 3u);
    BOOST_TEST(containers[0].media_type == "IMAGE");
    BOOST_TEST(containers[1].media_type == "VIDEO");
    BOOST_TEST(containers[1].carousel_item);
    BOOST_TEST(containers[2].media_type == "CAROUSEL");
    BOOST_TEST(fake.media().at(0).urls ==
               (std::vector<std::string>{files.url("/a.jpg"), files.url("/clip.mp4")}));
}

BOOST_FIXTURE_TEST_CASE(a_video_url_that_serves_an_image_fails_with_instagrams_reason, Fixture) {
    files.put("/fake.mp4", postsched::fakes::tiny_jpeg(), "video/mp4");
    const Outcome o = publish(request({url("/fake.mp4")}));
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("video format is not supported") != std::string::npos);
    BOOST_TEST(fake.media().empty());
}

BOOST_FIXTURE_TEST_CASE(containers_in_progress_for_several_polls_are_awaited, Fixture) {
    fake.set_processing_polls(3);
    const Outcome o = publish(request(three()));
    BOOST_TEST(to_string(o.kind) == "posted");
    BOOST_TEST(fake.media().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(still_processing_waits_and_resumes_with_the_same_containers, Fixture) {
    fake.set_processing_polls(4);
    platform.poll_attempts = 2;
    const Outcome first = publish(request(three()));
    BOOST_TEST(to_string(first.kind) == "waiting");
    BOOST_TEST_REQUIRE(first.retry_at.has_value());
    BOOST_TEST((*first.retry_at == k_start + 30s));
    BOOST_TEST(fake.media().empty());
    BOOST_TEST(fake.containers().size() == 3u);  // the children; no carousel yet
    platform.poll_attempts = 5;
    clock.set(k_start + 1min);
    const Outcome second = publish(request(three(), last()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.containers().size() == 4u);  // the same children, one carousel
    BOOST_TEST(fake.media().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(lost_publish_answer_is_resolved_from_the_container, Fixture) {
    GraphFault fault;
    fault.drop = true;
    fault.create = true;  // published, then the connection broke
    fake.inject(FakeGraph::k_ig_publish, fault);
    const Outcome first = publish(request(three()));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(first.message.find("may have been created") != std::string::npos);
    BOOST_TEST(fake.media().size() == 1u);
    const Outcome settled = adapter->settle(request(three(), last()), save, k_start);
    BOOST_TEST(to_string(settled.kind) == "posted");
    BOOST_TEST(fake.media().size() == 1u);
    BOOST_TEST(settled.platform_post_id == fake.media().at(0).id);
    BOOST_TEST(fake.requests(FakeGraph::k_ig_publish) == 1);
    BOOST_TEST(fake.containers().size() == 4u);
}

BOOST_FIXTURE_TEST_CASE(publish_that_never_arrived_is_sent_again_once, Fixture) {
    GraphFault fault;
    fault.drop = true;  // the request never took effect
    fake.inject(FakeGraph::k_ig_publish, fault);
    BOOST_TEST(to_string(publish(request({url("/a.jpg")})).kind) == "transient");
    const Outcome second = publish(request({url("/a.jpg")}, last()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.media().size() == 1u);
    BOOST_TEST(fake.containers().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(containers_older_than_a_day_are_recreated, Fixture) {
    fake.set_processing_polls(10);
    platform.poll_attempts = 1;
    BOOST_TEST(to_string(publish(request({url("/a.jpg")})).kind) == "waiting");
    fake.set_processing_polls(0);
    clock.set(k_start + 25h);
    const Outcome o = publish(request({url("/a.jpg")}, last()));
    BOOST_TEST(to_string(o.kind) == "posted");
    BOOST_TEST(fake.containers().size() == 2u);
    BOOST_TEST(fake.media().at(0).container_id == fake.containers().at(1).id);
}

BOOST_FIXTURE_TEST_CASE(processing_error_fails_with_the_reason, Fixture) {
    fake.fail_processing(files.url("/b.jpg"), "2207009 aspect ratio not supported");
    const Outcome o = publish(request(three()));
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("aspect ratio not supported") != std::string::npos);
    BOOST_TEST(fake.media().empty());
}

BOOST_FIXTURE_TEST_CASE(exhausted_quota_is_rate_limited_before_publishing, Fixture) {
    fake.set_quota("1784", 50, 50);
    const Outcome o = publish(request({url("/a.jpg")}));
    BOOST_TEST(to_string(o.kind) == "rate_limited");
    BOOST_TEST((o.retry_at == k_start + 1h));
    BOOST_TEST(o.message.find("50 of 50") != std::string::npos);
    BOOST_TEST(fake.requests(FakeGraph::k_ig_publish) == 0);
    fake.set_quota("1784", 49, 50);  // the window freed one
    clock.set(k_start + 1h);
    BOOST_TEST(to_string(publish(request({url("/a.jpg")}, last())).kind) == "posted");
    BOOST_TEST(fake.containers().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(quota_error_from_publish_is_rate_limited_and_spam_is_permanent, Fixture) {
    fake.inject(FakeGraph::k_ig_publish,
                graph_fault(400, 9, 2207042, "The maximum number of posts has been reached."));
    BOOST_TEST(to_string(publish(request({url("/a.jpg")})).kind) == "rate_limited");
    fake.inject(FakeGraph::k_ig_publish,
                graph_fault(400, 4, 2207051, "This action was blocked as suspected spam."));
    const Outcome o = publish(request({url("/a.jpg")}, last()));
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("suspected spam") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(png_is_refused_by_instagram_and_local_files_never_sent, Fixture) {
    Outcome o = publish(request({url("/p.png")}));
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("(code 36001/2207005)") != std::string::npos);
    o = publish(request({{"/home/me/a.jpg", "", "image/jpeg", "bytes"}}));
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("local file") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(expired_token_and_missing_permission, Fixture) {
    fake.add_instagram("EAA-basic", "1784", "shop", {"instagram_basic"});
    auto r = request({url("/a.jpg")});
    r.access_token = "EAA-basic";
    Outcome o = publish(r);
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("instagram_content_publish") != std::string::npos);
    fake.expire_token(k_token);
    o = publish(request({url("/a.jpg")}));
    BOOST_TEST(to_string(o.kind) == "auth_expired");
}

BOOST_FIXTURE_TEST_CASE(rules_need_media_urls_jpeg_and_at_most_ten, Fixture) {
    const auto rules = adapter->media_rules(account);
    BOOST_TEST(rules.urls_only);
    BOOST_TEST(rules.min_items == 1u);
    BOOST_TEST(rules.max_items == 10u);
    BOOST_TEST(
        (rules.types == std::vector<std::string>{"image/jpeg", "video/mp4", "video/quicktime"}));
    BOOST_TEST(!adapter->supports_threads());
    const auto profile = adapter->verify_account(account, k_token);
    BOOST_TEST(profile.username == "shop");
    Account no_id = account;
    no_id.platform_account_id.clear();
    BOOST_CHECK_THROW(adapter->verify_account(no_id, k_token), Error);
}

BOOST_AUTO_TEST_SUITE_END()
