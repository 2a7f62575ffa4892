// The LinkedIn adapter against the fake REST API on 127.0.0.1: the versioned
// headers, text escaped so nothing is cut, member and page authors, images,
// every error class, the 422 duplicate's URN, settle by the author finder —
// and the real binary: account add, post add's refusals, a run.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "adapters/linkedin/linkedin_adapter.hpp"
#include "config/config.hpp"
#include "core/time_format.hpp"
#include "fakes/fake_files.hpp"
#include "fakes/fake_linkedin.hpp"
#include "support/adapter_fixture.hpp"
#include "support/sandbox.hpp"

namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using postsched::Instant;
using postsched::adapters::FetchedMedia;
using postsched::adapters::Outcome;
using postsched::adapters::PublishRequest;
using postsched::fakes::FakeFault;
using postsched::fakes::FakeLinkedIn;
using postsched::testing::is_error;
using postsched::testing::Sandbox;

const char* const k_token = "AQU-linkedin-member-token-SECRET";
const std::vector<std::string> k_scopes = {"openid", "profile", "w_member_social",
                                           "w_organization_social"};
const Instant k_start = *postsched::parse_utc_instant("2026-11-28T12:00:00Z");

struct Fixture : postsched::testing::AdapterFixture {
    FakeLinkedIn fake;

    ~Fixture() { disconnect(); }  // before the fake stops: see AdapterFixture
    Fixture() : AdapterFixture(k_start, "linkedin", 3000ms) {
        fake.add_member(k_token, "782bbtaQ", "Ada Lovelace", k_scopes);
        fake.add_organization("2414183", "Analytical Engines", {"782bbtaQ"});
        fake.set_clock_ms(k_start.time_since_epoch().count());
        platform.api_base = fake.base_url();
        account.name = "ada";
        account.platform_account_id = "urn:li:person:782bbtaQ";
        adapter = postsched::adapters::make_linkedin_adapter(context);
    }
    PublishRequest request(std::string text, std::vector<FetchedMedia> media = {},
                           std::string state = "{}", bool resuming = false) {
        return request_with(k_token, {std::move(text)}, std::move(media), "{}", std::move(state),
                            resuming);
    }
};

FetchedMedia png(std::string alt) {
    return {"/pics/chart.png", std::move(alt), "image/png", postsched::fakes::tiny_png()};
}

FakeFault answer(int status, std::string body, bool create = false) {
    FakeFault f;
    f.status = status;
    f.body = std::move(body);
    f.create = create;
    return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(linkedin_adapter_test)

BOOST_FIXTURE_TEST_CASE(a_post_is_created_with_the_version_headers_and_escaped_text, Fixture) {
    const std::string text =
        "Launch (beta) of *postsched* with @friends #opensource https://ex.com/a_b";
    const Outcome outcome = publish(request(text));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto posts = fake.posts();
    BOOST_TEST_REQUIRE(posts.size() == 1u);
    BOOST_TEST(posts[0].shown == text);  // nothing cut off
    BOOST_TEST(posts[0].author == "urn:li:person:782bbtaQ");
    BOOST_TEST(posts[0].visibility == "PUBLIC");
    BOOST_TEST(outcome.platform_post_id == posts[0].urn);
    BOOST_TEST(outcome.url == "https://www.linkedin.com/feed/update/" + posts[0].urn);
    BOOST_TEST(fake.versions_seen() == std::vector<std::string>{"202608"});
}

BOOST_FIXTURE_TEST_CASE(the_configured_version_is_sent, Fixture) {
    platform.api_version = "202611";
    BOOST_TEST(to_string(publish(request("hi")).kind) == "posted");
    BOOST_TEST(fake.versions_seen() == std::vector<std::string>{"202611"});
}

BOOST_FIXTURE_TEST_CASE(an_organization_page_posts_as_itself, Fixture) {
    account.platform_account_id = "urn:li:organization:2414183";
    BOOST_TEST(to_string(publish(request("from the page")).kind) == "posted");
    BOOST_TEST(fake.posts().at(0).author == "urn:li:organization:2414183");
    const auto profile = adapter->verify_account(account, k_token);
    BOOST_TEST(profile.display_name == "Analytical Engines");
    BOOST_TEST(profile.platform_account_id == "urn:li:organization:2414183");
}

BOOST_FIXTURE_TEST_CASE(a_member_is_found_from_the_token, Fixture) {
    account.platform_account_id.clear();
    const auto profile = adapter->verify_account(account, k_token);
    BOOST_TEST(profile.platform_account_id == "urn:li:person:782bbtaQ");
    BOOST_TEST(profile.display_name == "Ada Lovelace");
}

BOOST_FIXTURE_TEST_CASE(two_images_are_uploaded_once_and_sent_as_multi_image, Fixture) {
    const Outcome outcome = publish(request("charts", {png("first chart"), png("second chart")}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto post = fake.posts().at(0);
    BOOST_TEST(post.images.size() == 2u);
    BOOST_TEST((post.alt_texts == std::vector<std::string>{"first chart", "second chart"}));
    BOOST_TEST(fake.images_uploaded() == 2);
    BOOST_TEST(fake.requests(FakeLinkedIn::k_upload) == 2);
}

BOOST_FIXTURE_TEST_CASE(a_retry_does_not_upload_an_image_again, Fixture) {
    FakeFault pass;
    pass.action = FakeFault::Action::none;
    fake.inject(FakeLinkedIn::k_upload, pass);
    fake.inject(FakeLinkedIn::k_upload,
                answer(503, R"({"message":"Service Unavailable","status":503})"));
    BOOST_TEST(to_string(publish(request("two", {png("a"), png("b")})).kind) == "transient");
    const Outcome second = publish(request("two", {png("a"), png("b")}, saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.requests(FakeLinkedIn::k_upload) == 3);
    BOOST_TEST(fake.posts().at(0).images.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_duplicate_names_the_live_post, Fixture) {
    const Outcome first = publish(request("same words"));
    // A retry after a lost answer: the 422 names the post, which counts as ours.
    const Outcome again = publish(request("same words", {}, saved.back(), true));
    BOOST_TEST(to_string(again.kind) == "duplicate");
    BOOST_TEST(again.platform_post_id == first.platform_post_id);
    BOOST_TEST(again.url == first.url);
    BOOST_TEST(again.message.find("Content is a duplicate of " + first.platform_post_id) !=
               std::string::npos);
    BOOST_TEST(fake.posts().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_retired_or_missing_version_pauses_with_advice, Fixture) {
    fake.set_active_versions({"202611"});
    const Outcome retired = publish(request("hi"));
    BOOST_TEST(to_string(retired.kind) == "paused");
    BOOST_TEST(
        retired.message ==
        "linkedin answered HTTP 426 to the post for account \"ada\": NONEXISTENT_VERSION: "
        "Requested version 202608 is not active (LinkedIn-Version 202608 is not served: set "
        "platforms.linkedin.version to a current YYYYMM, see LinkedIn's API versioning page)");
    fake.inject(
        FakeLinkedIn::k_posts,
        answer(
            400,
            R"({"status":400,"code":"VERSION_MISSING","message":"A version must be present."})"));
    platform.api_version = "202611";
    BOOST_TEST(to_string(publish(request("hi")).kind) == "paused");
    BOOST_TEST(fake.posts().empty());
}

BOOST_FIXTURE_TEST_CASE(each_error_class_has_its_outcome, Fixture) {
    fake.inject(
        FakeLinkedIn::k_posts,
        answer(
            429,
            R"({"message":"Resource level throttle APPLICATION DAY limit for calls to this resource is reached.","status":429})"));
    const Outcome limited = publish(request("a"));
    BOOST_TEST(to_string(limited.kind) == "rate_limited");
    BOOST_TEST((limited.retry_at == *postsched::parse_utc_instant("2026-11-29T00:00:00Z")));
    fake.inject(FakeLinkedIn::k_posts,
                answer(429, R"({"message":"Too many requests","status":429})"));
    const Outcome backoff = publish(request("a"));
    BOOST_TEST((backoff.retry_at == k_start + 15min));
    fake.inject(FakeLinkedIn::k_posts,
                answer(504, R"({"message":"Gateway Timeout","status":504})"));
    BOOST_TEST(to_string(publish(request("a")).kind) == "transient");
    fake.inject(FakeLinkedIn::k_posts,
                answer(422, R"({"message":"ERROR :: /commentary :: bad","status":422})"));
    const Outcome bad = publish(request("a"));
    BOOST_TEST(to_string(bad.kind) == "permanent");
    BOOST_TEST(bad.message ==
               "linkedin answered HTTP 422 to the post for account \"ada\": ERROR :: "
               "/commentary :: bad");
    fake.expire_token(k_token);
    const Outcome expired = publish(request("a"));
    BOOST_TEST(to_string(expired.kind) == "auth_expired");
    BOOST_TEST(expired.message ==
               "linkedin rejected the token for account \"ada\": "
               "EXPIRED_ACCESS_TOKEN: The token used in the request has expired");
    BOOST_TEST(fake.posts().empty());
}

BOOST_FIXTURE_TEST_CASE(a_member_without_the_page_role_is_refused, Fixture) {
    fake.add_organization("99", "Someone Else", {});
    account.platform_account_id = "urn:li:organization:99";
    const Outcome outcome = publish(request("not mine"));
    BOOST_TEST(to_string(outcome.kind) == "permanent");
    BOOST_TEST(outcome.message.find("Not enough permissions") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(settle_finds_the_post_by_its_commentary_or_says_unknown, Fixture) {
    FakeFault lost;
    lost.action = FakeFault::Action::drop;
    lost.create = true;
    fake.inject(FakeLinkedIn::k_posts, lost);
    BOOST_TEST(to_string(publish(request("lost (answer)")).kind) == "transient");
    const std::string state = saved.back();
    const Outcome found = adapter->settle(request("lost (answer)", {}, state, true), save, k_start);
    BOOST_TEST(to_string(found.kind) == "posted");
    BOOST_TEST(found.platform_post_id == fake.posts().at(0).urn);
    const Outcome missing = adapter->settle(request("never sent", {}, state, true), save, k_start);
    BOOST_TEST(to_string(missing.kind) == "unknown");
    // Without a started post request, settle publishes.
    const Outcome fresh = adapter->settle(request("fresh"), save, k_start);
    BOOST_TEST(to_string(fresh.kind) == "posted");
    BOOST_TEST(fake.posts().size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(limits_and_threads, Fixture) {
    BOOST_TEST(!adapter->supports_threads());
    BOOST_TEST(adapter->check_text(account, std::string(3000, 'a'), "{}").ok);
    const auto over = adapter->check_text(account, std::string(2999, 'a') + "(", "{}");
    BOOST_TEST(!over.ok);
    BOOST_TEST(over.count == 3001u);
    BOOST_TEST(
        adapter->check_text(account, "x", R"({"linkedin":{"visibility":"friends"}})").message ==
        "linkedin visibility \"friends\" is not one of PUBLIC, CONNECTIONS");
}

// ---------------------------------------------------------------- the binary

struct Cli {
    FakeLinkedIn fake;
    Sandbox box;
    Cli() {
        fake.add_member(k_token, "782bbtaQ", "Ada Lovelace", k_scopes);
        fake.add_organization("2414183", "Analytical Engines", {"782bbtaQ"});
        box.env["SECRET_KEY"] = "correct horse battery staple";
        box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
        box.env["LI_TOKEN"] = k_token;
        box.write_file(
            "config/postsched/config.toml",
            "[platforms.linkedin]\napi_base = \"" + fake.base_url() + "\"\nversion = \"202611\"\n");
        box.ok({"init"});
    }
};

BOOST_AUTO_TEST_CASE(run_publishes_to_a_member_and_a_page_with_two_images) {
    Cli c;
    c.box.ok({"account", "add", "linkedin", "--name", "ada", "--token-env", "LI_TOKEN"});
    c.box.ok({"account", "add", "linkedin", "--name", "page", "--token-env", "LI_TOKEN",
              "--platform-account-id", "urn:li:organization:2414183"});
    const json a = json::parse(c.box.ok({"account", "show", "ada", "--json"}));
    BOOST_TEST(a["platform_account_id"] == "urn:li:person:782bbtaQ");
    c.box.write_file("a.png", postsched::fakes::tiny_png());
    c.box.write_file("b.png", postsched::fakes::tiny_png() + " ");
    std::string id = c.box.ok({"post", "add", "Q4 results (draft #2) are in #numbers", "--to",
                               "ada,page", "--now", "--media", c.box.dir() + "/a.png", "--alt",
                               "revenue", "--media", c.box.dir() + "/b.png"});
    id = id.substr(0, id.find('\n'));
    c.box.ok({"run"});
    const auto posts = c.fake.posts();
    BOOST_TEST_REQUIRE(posts.size() == 2u);
    for (const auto& p : posts) {
        BOOST_TEST(p.shown == "Q4 results (draft #2) are in #numbers");
        BOOST_TEST(p.images.size() == 2u);
    }
    const json post = json::parse(c.box.ok({"post", "show", id, "--json"}));
    BOOST_TEST(post["status"] == "posted");
    for (const auto& v : c.fake.versions_seen())
        BOOST_TEST(v == "202611");
    const std::string dump = postsched::testing::sqlite(c.box.db_path(), ".dump");
    BOOST_TEST(dump.find(k_token) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(post_add_refuses_threads_and_long_text_for_linkedin) {
    Cli c;
    c.box.ok({"account", "add", "linkedin", "--name", "ada", "--token-env", "LI_TOKEN"});
    auto r = c.box.run({"post", "add", "one\n---\ntwo", "--to", "ada", "--now"});
    BOOST_TEST(is_error(
        r, 65, {"linkedin account \"ada\" cannot publish threads (this post has 2 parts)"}));
    r = c.box.run({"post", "add", std::string(3001, 'x'), "--to", "ada", "--now"});
    BOOST_TEST(is_error(r, 65, {"over the limit of 3000 for linkedin account \"ada\""}));
    c.box.env["LI_TOKEN"] = "wrong";
    r = c.box.run({"account", "add", "linkedin", "--name", "bad", "--token-env", "LI_TOKEN"});
    BOOST_TEST(is_error(r, 77, {"INVALID_ACCESS_TOKEN: Invalid access token"}));
}

BOOST_AUTO_TEST_CASE(error_classes_reach_their_target_states_through_run) {
    Cli c;
    c.box.ok({"account", "add", "linkedin", "--name", "ada", "--token-env", "LI_TOKEN"});
    const auto add = [&](const std::string& text) {
        std::string id = c.box.ok({"post", "add", text, "--to", "ada", "--now"});
        return id.substr(0, id.find('\n'));
    };
    const auto target = [&](const std::string& id) {
        return json::parse(c.box.ok({"post", "show", id, "--json"}))["targets"][0];
    };
    // The answer is lost after LinkedIn created the post: the retry's 422
    // duplicate names it, and the target is posted with that URN, once.
    FakeFault lost;
    lost.action = FakeFault::Action::drop;
    lost.create = true;
    c.fake.inject(FakeLinkedIn::k_posts, lost);
    const std::string id = add("lost answer (once)");
    c.box.ok({"run"});
    BOOST_TEST(target(id)["status"] == "pending");
    BOOST_TEST(target(id)["error_kind"] == "transient");
    c.box.env["POSTSCHED_NOW"] = "2026-11-28T14:00:00Z";
    c.box.ok({"run"});
    const auto posts = c.fake.posts();
    BOOST_TEST_REQUIRE(posts.size() == 1u);
    BOOST_TEST(target(id)["status"] == "posted");
    BOOST_TEST(target(id)["platform_post_id"] == posts[0].urn);
    BOOST_TEST(target(id)["url"] == "https://www.linkedin.com/feed/update/" + posts[0].urn);

    // A retired version pauses the account's targets with advice.
    c.fake.set_active_versions({"202701"});
    const std::string paused = add("after the version retired");
    c.box.ok({"run"});
    BOOST_TEST(target(paused)["status"] == "pending");
    BOOST_TEST(target(paused)["error_kind"] == "paused");
    BOOST_TEST(target(paused)["error"].get<std::string>().find(
                   "set platforms.linkedin.version to a current YYYYMM") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
