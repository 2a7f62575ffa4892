// The Facebook Pages adapter against the fake Graph on 127.0.0.1: text, single
// and multi-photo posts, resume of uploads, the lookup after an ambiguous
// publish, and every Graph error class.
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
using postsched::Exit;
using postsched::Instant;
using postsched::adapters::FetchedMedia;
using postsched::adapters::Outcome;
using postsched::adapters::PublishRequest;
using postsched::fakes::FakeGraph;
using postsched::fakes::graph_fault;
using postsched::fakes::GraphFault;
using Kind = Outcome::Kind;

const char* const k_token = "EAAPage-token-SECRET";
const Instant k_start = *postsched::parse_utc_instant("2026-01-02T03:00:00Z");

struct Fixture : postsched::testing::GraphAdapterFixture {
    Fixture() : GraphAdapterFixture(k_start, "facebook", "page", "111") {
        fake.add_page(k_token, "111", "mypage");
        adapter = postsched::adapters::make_facebook_adapter(context);
    }

    FetchedMedia photo(const std::string& name) {
        return {files.url(name), "", "image/jpeg", postsched::fakes::tiny_jpeg()};
    }

    PublishRequest request(std::string text, std::vector<FetchedMedia> media = {},
                           std::string state = "{}") {
        return request_with(k_token, {std::move(text)}, std::move(media), "{}", std::move(state));
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(facebook_adapter_test)

BOOST_FIXTURE_TEST_CASE(text_post_goes_to_the_feed_with_its_permalink, Fixture) {
    const Outcome o = publish(request("hello page"));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto posts = fake.posts();
    BOOST_TEST_REQUIRE(posts.size() == 1u);
    BOOST_TEST(posts[0].message == "hello page");
    BOOST_TEST(o.platform_post_id == posts[0].id);
    BOOST_TEST(o.url.starts_with("https://www.facebook.com/111/posts/pfbid0"));
    for (const auto& line : fake.request_log()) {
        BOOST_TEST((line.starts_with("POST /v26.0/") || line.starts_with("GET /v26.0/")));
        BOOST_TEST(line.find(k_token) == std::string::npos);  // header, never the URL
    }
}

BOOST_FIXTURE_TEST_CASE(link_option_is_sent, Fixture) {
    auto r = request("read this");
    r.options = R"({"facebook":{"link":"https://example.com/a"}})";
    BOOST_TEST(to_string(publish(r).kind) == "posted");
    BOOST_TEST(fake.posts().at(0).link == "https://example.com/a");
}

BOOST_FIXTURE_TEST_CASE(single_photo_is_published_by_url_with_its_caption, Fixture) {
    const Outcome o = publish(request("a photo", {photo("/a.jpg")}));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto photos = fake.photos();
    BOOST_TEST_REQUIRE(photos.size() == 1u);
    BOOST_TEST(photos[0].url == files.url("/a.jpg"));
    BOOST_TEST(photos[0].published);
    BOOST_TEST(photos[0].caption == "a photo");
    BOOST_TEST(o.platform_post_id == fake.posts().at(0).id);
    BOOST_TEST(files.fetches("/a.jpg") == 1);
}

BOOST_FIXTURE_TEST_CASE(local_photo_is_uploaded_as_multipart_source, Fixture) {
    FetchedMedia local{"/home/me/cat.jpg", "a cat", "image/jpeg", postsched::fakes::tiny_jpeg()};
    BOOST_TEST(to_string(publish(request("cat", {local})).kind) == "posted");
    const auto photos = fake.photos();
    BOOST_TEST_REQUIRE(photos.size() == 1u);
    BOOST_TEST(photos[0].url.empty());
    BOOST_TEST(photos[0].bytes == postsched::fakes::tiny_jpeg().size());
    BOOST_TEST(photos[0].alt == "a cat");
}

BOOST_FIXTURE_TEST_CASE(three_photos_make_one_post_with_attached_media, Fixture) {
    const Outcome o =
        publish(request("three", {photo("/a.jpg"), photo("/b.jpg"), photo("/c.jpg")}));
    BOOST_TEST(to_string(o.kind) == "posted");
    const auto photos = fake.photos();
    BOOST_TEST_REQUIRE(photos.size() == 3u);
    for (const auto& p : photos) {
        BOOST_TEST(!p.published);
        BOOST_TEST(p.attached);
    }
    const auto posts = fake.posts();
    BOOST_TEST_REQUIRE(posts.size() == 1u);
    BOOST_TEST(posts[0].photo_ids ==
               (std::vector<std::string>{photos[0].id, photos[1].id, photos[2].id}));
    // Each photo id was saved before the next request.
    BOOST_TEST_REQUIRE(saved.size() >= 3u);
    BOOST_TEST(saved[0].find(photos[0].id) != std::string::npos);
    BOOST_TEST(saved[0].find(photos[1].id) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_failed_upload_resumes_without_uploading_again, Fixture) {
    // The first photo uploads, the second fails.
    GraphFault pass;
    pass.pass = true;
    fake.inject(FakeGraph::k_photos, pass);
    fake.inject(FakeGraph::k_photos,
                graph_fault(500, 2, 0, "Service temporarily unavailable", true));
    std::vector<FetchedMedia> media = {photo("/a.jpg"), photo("/b.jpg")};
    const Outcome first = publish(request("two", media));
    BOOST_TEST(to_string(first.kind) == "transient");
    const Outcome second =
        publish(request("two", media, saved.empty() ? std::string("{}") : saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.photos().size() == 2u);
    BOOST_TEST(fake.requests(FakeGraph::k_photos) == 3);
    BOOST_TEST(fake.posts().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(unexpected_error_after_creating_is_looked_up_not_reposted, Fixture) {
    GraphFault fault = graph_fault(
        500, 2, 0, "An unexpected error has occurred. Please retry your request later.", true);
    fault.create = true;
    fake.inject(FakeGraph::k_feed, fault);
    const Outcome first = publish(request("maybe twice?"));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(first.message.find("may have been created") != std::string::npos);
    BOOST_TEST(first.message.find("(code 2)") != std::string::npos);
    BOOST_TEST_REQUIRE(!saved.empty());
    BOOST_TEST(saved.back().find("sent_at") != std::string::npos);

    const Outcome second = publish(request("maybe twice?", {}, saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.posts().size() == 1u);
    BOOST_TEST(second.platform_post_id == fake.posts().at(0).id);
    BOOST_TEST(fake.requests(FakeGraph::k_feed) == 1);
    BOOST_TEST(fake.requests(FakeGraph::k_page_feed) == 1);
}

BOOST_FIXTURE_TEST_CASE(unexpected_error_without_a_post_is_sent_again_after_the_lookup, Fixture) {
    fake.inject(FakeGraph::k_feed, graph_fault(500, 1, 0, "An unknown error occurred", false));
    BOOST_TEST(to_string(publish(request("once")).kind) == "transient");
    const Outcome second = publish(request("once", {}, saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.posts().size() == 1u);
    BOOST_TEST(fake.requests(FakeGraph::k_page_feed) == 1);
}

BOOST_FIXTURE_TEST_CASE(lost_answer_of_a_photo_post_is_found_by_settle, Fixture) {
    GraphFault fault;
    fault.drop = true;
    fault.create = true;
    fake.inject(FakeGraph::k_photos, fault);
    const Outcome first = publish(request("pic", {photo("/a.jpg")}));
    BOOST_TEST(to_string(first.kind) == "transient");
    const Outcome settled =
        adapter->settle(request("pic", {photo("/a.jpg")}, saved.back()), save, k_start);
    BOOST_TEST(to_string(settled.kind) == "posted");
    BOOST_TEST(fake.posts().size() == 1u);
    BOOST_TEST(settled.platform_post_id == fake.posts().at(0).id);
}

BOOST_FIXTURE_TEST_CASE(expired_page_token_is_auth_expired_naming_the_account, Fixture) {
    fake.expire_token(k_token);
    const Outcome o = publish(request("hi"));
    BOOST_TEST(to_string(o.kind) == "auth_expired");
    BOOST_TEST(o.message.find("\"page\"") != std::string::npos);
    BOOST_TEST(o.message.find("190/463") != std::string::npos);
    BOOST_TEST(o.message.find("expired") != std::string::npos);
    BOOST_TEST(o.message.find(k_token) == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(missing_permission_is_permanent_and_names_it, Fixture) {
    fake.add_page("EAA-readonly", "111", "mypage", {"pages_show_list"});
    auto r = request("hi");
    r.access_token = "EAA-readonly";
    const Outcome o = publish(r);
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("(code 200)") != std::string::npos);
    BOOST_TEST(o.message.find("pages_manage_posts") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(throttles_wait_for_the_usage_headers, Fixture) {
    GraphFault buc = graph_fault(400, 32, 0, "(#32) Page request limit reached");
    buc.headers = {{"X-Business-Use-Case-Usage",
                    R"({"111":[{"type":"pages","call_count":100,"total_cputime":20,)"
                    R"("total_time":30,"estimated_time_to_regain_access":7}]})"}};
    fake.inject(FakeGraph::k_feed, buc);
    Outcome o = publish(request("a"));
    BOOST_TEST(to_string(o.kind) == "rate_limited");
    BOOST_TEST((o.retry_at == k_start + 7min));

    GraphFault app = graph_fault(403, 4, 0, "(#4) Application request limit reached", true);
    app.headers = {{"X-App-Usage", R"({"call_count":100,"total_cputime":25,"total_time":25})"}};
    fake.inject(FakeGraph::k_feed, app);
    o = publish(request("b"));
    BOOST_TEST(to_string(o.kind) == "rate_limited");
    BOOST_TEST((o.retry_at == k_start + 1h));

    for (int code : {17, 613, 80001}) {
        fake.inject(FakeGraph::k_feed,
                    graph_fault(400, code, 0, "(#" + std::to_string(code) + ") limit reached"));
        o = publish(request("c"));
        BOOST_TEST(to_string(o.kind) == "rate_limited", "code " << code);
    }
    BOOST_TEST(fake.posts().empty());
}

BOOST_FIXTURE_TEST_CASE(temporarily_blocked_waits_long, Fixture) {
    fake.inject(FakeGraph::k_feed,
                graph_fault(400, 368, 1390008,
                            "It looks like you were misusing this feature by going too fast."));
    const Outcome o = publish(request("a"));
    BOOST_TEST(to_string(o.kind) == "rate_limited");
    BOOST_TEST_REQUIRE(o.retry_at.has_value());
    BOOST_TEST((*o.retry_at >= k_start + 2h));
}

BOOST_FIXTURE_TEST_CASE(duplicate_status_is_duplicate, Fixture) {
    BOOST_TEST(to_string(publish(request("same")).kind) == "posted");
    const Outcome o = publish(request("same"));
    BOOST_TEST(to_string(o.kind) == "duplicate");
    BOOST_TEST(o.message.find("(#506) Duplicate status message") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(invalid_parameter_is_permanent_and_server_errors_transient, Fixture) {
    fake.inject(FakeGraph::k_feed, graph_fault(400, 100, 0, "(#100) Invalid parameter"));
    BOOST_TEST(to_string(publish(request("a")).kind) == "permanent");
    fake.inject(FakeGraph::k_feed, graph_fault(503, 0, 0, "Service Unavailable"));
    BOOST_TEST(to_string(publish(request("b")).kind) == "transient");
}

BOOST_FIXTURE_TEST_CASE(wrong_graph_version_is_refused_by_the_fake, Fixture) {
    platform.graph_version = "v19.0";
    const Outcome o = publish(request("a"));
    BOOST_TEST(to_string(o.kind) == "permanent");
    BOOST_TEST(o.message.find("v19.0") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(verify_account_reads_the_page, Fixture) {
    const auto profile = adapter->verify_account(account, k_token);
    BOOST_TEST(profile.platform_account_id == "111");
    BOOST_TEST(profile.display_name == "mypage");
    try {
        adapter->verify_account(account, "wrong-token");
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.code()) == static_cast<int>(Exit::no_perm));
        BOOST_TEST(std::string(e.what()).find("wrong-token") == std::string::npos);
    }
}

BOOST_FIXTURE_TEST_CASE(text_limit_is_63206_characters, Fixture) {
    BOOST_TEST(adapter->check_text(account, std::string(63206, 'a'), "{}").ok);
    const auto v = adapter->check_text(account, std::string(63207, 'a'), "{}");
    BOOST_TEST(!v.ok);
    BOOST_TEST(v.message ==
               "text is 63207 characters, over the limit of 63206 for facebook "
               "account \"page\"");
}

BOOST_AUTO_TEST_SUITE_END()
