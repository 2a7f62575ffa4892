// The Threads adapter against the fake Graph (v1.0, field `status`): text,
// carousel, reply chains resumed part by part, quota, limits and errors.
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "adapters/meta/meta_adapters.hpp"
#include "core/time_format.hpp"
#include "fakes/fake_graph.hpp"
#include "support/graph_adapter_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using postsched::Account;
using postsched::Instant;
using postsched::adapters::FetchedMedia;
using postsched::adapters::Outcome;
using postsched::adapters::PublishRequest;
using postsched::fakes::FakeGraph;
using postsched::fakes::graph_fault;
using postsched::fakes::GraphFault;

const char* const k_token = "THAAthreads-token-SECRET";
const Instant k_start = *postsched::parse_utc_instant("2026-01-02T03:00:00Z");

struct Fixture : postsched::testing::GraphAdapterFixture {
    Fixture() : GraphAdapterFixture(k_start, "threads", "writer", "9001") {
        fake.add_threads(k_token, "9001", "writer");
        files.put("/clip.mov", postsched::fakes::tiny_mp4(), "video/quicktime");
        adapter = postsched::adapters::make_threads_adapter(context);
    }

    PublishRequest request(std::vector<std::string> parts, std::vector<FetchedMedia> media = {},
                           std::string state = "{}") {
        return request_with(k_token, std::move(parts), std::move(media), "{}", std::move(state));
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(threads_adapter_test)

BOOST_FIXTURE_TEST_CASE(text_post_uses_v1_and_the_text_media_type, Fixture) {
    const Outcome o = publish(request({"hello threads"}));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 1u);
    BOOST_TEST(media[0].media_type == "TEXT");
    BOOST_TEST(media[0].text == "hello threads");
    BOOST_TEST(o.url == "https://www.threads.com/@writer/post/D" + media[0].id);
    BOOST_TEST(fake.request_log().front() == "POST /v1.0/9001/threads");
}

BOOST_FIXTURE_TEST_CASE(three_images_make_a_carousel, Fixture) {
    fake.set_processing_polls(2);
    const Outcome o =
        publish(request({"three pics"}, {url("/a.jpg"), url("/b.jpg"), url("/c.jpg")}));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 1u);
    BOOST_TEST(media[0].media_type == "CAROUSEL");
    BOOST_TEST(media[0].urls.size() == 3u);
}

BOOST_FIXTURE_TEST_CASE(a_single_video_is_a_video_post, Fixture) {
    fake.set_processing_polls(2);
    const Outcome o = publish(request({"watch"}, {url("/clip.mov")}));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 1u);
    BOOST_TEST(media[0].media_type == "VIDEO");
    BOOST_TEST(media[0].urls == std::vector<std::string>{files.url("/clip.mov")});
}

BOOST_FIXTURE_TEST_CASE(parts_are_a_reply_chain, Fixture) {
    const Outcome o = publish(request({"one", "two", "three"}));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 3u);
    BOOST_TEST(media[0].reply_to.empty());
    BOOST_TEST(media[1].reply_to == media[0].id);
    BOOST_TEST(media[2].reply_to == media[1].id);
    BOOST_TEST(o.platform_post_id == media[0].id);
}

BOOST_FIXTURE_TEST_CASE(chain_resumes_after_a_lost_answer_without_repeating, Fixture) {
    GraphFault pass;
    pass.pass = true;
    GraphFault lost;
    lost.drop = true;
    lost.create = true;
    fake.inject(FakeGraph::k_th_publish, pass);
    fake.inject(FakeGraph::k_th_publish, lost);  // part 2 published, answer lost
    const Outcome first = publish(request({"one", "two", "three"}));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(fake.media().size() == 2u);
    const Outcome settled =
        adapter->settle(request({"one", "two", "three"}, {}, last()), save, k_start);
    BOOST_TEST(to_string(settled.kind) == "posted");
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 3u);
    BOOST_TEST(media[2].text == "three");
    BOOST_TEST(media[2].reply_to == media[1].id);
    BOOST_TEST(fake.requests(FakeGraph::k_th_publish) == 3);
}

BOOST_FIXTURE_TEST_CASE(quota_and_errors, Fixture) {
    fake.set_quota("9001", 250, 250);
    Outcome o = publish(request({"x"}));
    BOOST_TEST(to_string(o.kind) == "rate_limited");
    BOOST_TEST(o.message.find("250 of 250") != std::string::npos);
    fake.set_quota("9001", 0, 250);
    fake.inject(FakeGraph::k_th_create,
                graph_fault(400, 100, 0, "THREADS_API__LINK_LIMIT_EXCEEDED"));
    o = publish(request({"y"}));
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("THREADS_API__LINK_LIMIT_EXCEEDED") != std::string::npos);
    fake.expire_token(k_token);
    BOOST_TEST(to_string(publish(request({"z"})).kind) == "auth_expired");
}

BOOST_FIXTURE_TEST_CASE(processing_error_names_the_error_message, Fixture) {
    fake.fail_processing(files.url("/a.jpg"), "INVALID_ASPEC_RATIO");
    const Outcome o = publish(request({"pic"}, {url("/a.jpg")}));
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("INVALID_ASPEC_RATIO") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(limits_and_profile, Fixture) {
    BOOST_TEST(adapter->supports_threads());
    BOOST_TEST(adapter->media_rules(account).urls_only);
    BOOST_TEST(adapter->check_text(account, std::string(500, 'a'), "{}").ok);
    BOOST_TEST(!adapter->check_text(account, std::string(501, 'a'), "{}").ok);
    Account no_id = account;
    no_id.platform_account_id.clear();
    const auto profile = adapter->verify_account(no_id, k_token);  // GET /me
    BOOST_TEST(profile.platform_account_id == "9001");
    BOOST_TEST(profile.username == "writer");
}

BOOST_AUTO_TEST_SUITE_END()
