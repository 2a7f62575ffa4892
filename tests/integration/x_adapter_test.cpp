// The X adapter against the strict fake X on 127.0.0.1: through the libcurl
// client for every flow and error class, and through the real binary for
// accounts (Bearer and OAuth 1.0a), a thread with two images, and the states
// targets land in.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "adapters/x/x_adapter.hpp"
#include "adapters/x/x_credentials.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "fakes/fake_files.hpp"
#include "fakes/fake_x.hpp"
#include "net/http_client.hpp"
#include "support/adapter_fixture.hpp"
#include "support/sandbox.hpp"

namespace {

using namespace std::chrono_literals;
using postsched::Instant;
using postsched::adapters::FetchedMedia;
using postsched::adapters::Outcome;
using postsched::adapters::PublishRequest;
using postsched::fakes::FakeFault;
using postsched::fakes::FakeTweet;
using postsched::fakes::FakeX;
using Kind = Outcome::Kind;

const char* const k_token = "x-user-token-SECRET-42";
const Instant k_start = *postsched::parse_utc_instant("2026-03-02T10:00:00Z");
const postsched::net::OAuth1Credentials k_oauth1{"consumer-key-1", "consumer-SECRET-abc",
                                                 "1001-access-token", "token-SECRET-xyz"};

long long unix_at(Instant t) {
    return postsched::to_unix_seconds(t);
}

struct Fixture : postsched::testing::AdapterFixture {
    FakeX fake;
    postsched::adapters::XTuning tuning{4};  // 4-byte chunks: several APPENDs
    std::string token = k_token;

    ~Fixture() { disconnect(); }  // before the fake stops: see AdapterFixture
    Fixture() : AdapterFixture(k_start, "x", 5000ms) {
        platform.api_base = fake.base_url();
        fake.add_user(k_token, "1001", "alice");
        fake.add_oauth1_user(k_oauth1, "1001", "alice");
        fake.set_clock([this] { return clock.now(); });
        account.id = "acc-1";
        account.name = "alice-x";
        account.platform_account_id = "1001";
        account.username = "alice";
        adapter = postsched::adapters::make_x_adapter_tuned(context, tuning);
    }

    PublishRequest request(std::vector<std::string> parts, std::vector<FetchedMedia> media = {},
                           std::string state = "{}", bool resuming = false) {
        return request_with(token, std::move(parts), std::move(media), "{}", std::move(state),
                            resuming);
    }
    std::string url(const std::string& id) const { return "https://x.com/alice/status/" + id; }
};

FetchedMedia image(const std::string& name, std::string bytes) {
    return {"/pics/" + name, "", "image/png", std::move(bytes)};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(x_adapter_test)

// ---------------------------------------------------------------- publishing

BOOST_FIXTURE_TEST_CASE(text_post_is_published_with_the_bearer_token, Fixture) {
    const Outcome outcome = publish(request({"hello from postsched & co <3"}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto tweets = fake.tweets();
    BOOST_TEST_REQUIRE(tweets.size() == 1u);
    BOOST_TEST(tweets[0].text == "hello from postsched & co <3");
    BOOST_TEST(tweets[0].user_id == "1001");
    BOOST_TEST(outcome.platform_post_id == tweets[0].id);
    BOOST_TEST(outcome.url == url(tweets[0].id));
    // In flight before the request, the id right after it.
    BOOST_TEST_REQUIRE(saved.size() == 2u);
    BOOST_TEST(saved[0].find("\"inflight\":0") != std::string::npos);
    BOOST_TEST(saved[1] == R"({"media":[],"parts":[")" + tweets[0].id + R"("]})");
}

BOOST_FIXTURE_TEST_CASE(thread_of_three_is_a_reply_chain, Fixture) {
    const Outcome outcome = publish(request({"1/3 one", "2/3 two", "3/3 three"}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto t = fake.tweets();
    BOOST_TEST_REQUIRE(t.size() == 3u);
    BOOST_TEST(t[0].in_reply_to.empty());
    BOOST_TEST(t[1].in_reply_to == t[0].id);
    BOOST_TEST(t[2].in_reply_to == t[1].id);
    BOOST_TEST(t[2].text == "3/3 three");
    BOOST_TEST(outcome.platform_post_id == t[0].id);
    BOOST_TEST(fake.requests(FakeX::k_tweets) == 3);
}

BOOST_FIXTURE_TEST_CASE(two_images_go_up_in_chunks_and_attach_to_the_first_part, Fixture) {
    const Outcome outcome =
        publish(request({"look", "more"}, {image("a.png", "0123456789"), image("b.png", "abc")}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 2u);
    BOOST_TEST(media[0].category == "tweet_image");
    BOOST_TEST(media[0].segments == (std::vector<std::string>{"0123", "4567", "89"}));
    BOOST_TEST(media[1].segments == std::vector<std::string>{"abc"});
    BOOST_TEST(fake.requests(FakeX::k_append) == 4);
    BOOST_TEST(fake.requests(FakeX::k_status) == 0);  // images are ready at finalize
    const auto t = fake.tweets();
    BOOST_TEST_REQUIRE(t.size() == 2u);
    BOOST_TEST(t[0].media_ids == (std::vector<std::string>{media[0].id, media[1].id}));
    BOOST_TEST(t[1].media_ids.empty());
}

BOOST_FIXTURE_TEST_CASE(alt_texts_go_to_x_once_per_image_and_never_for_a_video, Fixture) {
    FetchedMedia chart = image("chart.png", "0123456789");
    chart.alt = "Bar chart: sales up 20% — “Q3”";
    FetchedMedia plain = image("plain.png", "abc");  // no alt text: nothing sent
    // The metadata request fails once: the retry sends the tweet without
    // uploading again, and the alt text exactly once.
    FakeFault refused;
    refused.action = FakeFault::Action::answer;
    refused.status = 503;
    refused.body = R"({"title":"Service Unavailable","detail":"Service Unavailable","status":503})";
    fake.inject(FakeX::k_metadata, refused);
    const Outcome first = publish(request({"look"}, {chart, plain}));
    BOOST_TEST(to_string(first.kind) == "transient");
    const Outcome second = publish(request({"look"}, {chart, plain}, saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.requests(FakeX::k_metadata) == 2);
    BOOST_TEST(fake.requests(FakeX::k_initialize) == 2);
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 2u);
    BOOST_TEST(media[0].alt_text == chart.alt);
    BOOST_TEST(media[1].alt_text.empty());
    // A GIF's goes once it is processed; a video's is not sent (X takes alt
    // text for images and GIFs).
    const auto until_done = [&](const FetchedMedia& m) {
        Outcome o = publish(request({m.source}, {m}));
        for (int i = 0; i < 5 && to_string(o.kind) == "waiting"; ++i) {
            clock.set(*o.retry_at);
            o = publish(request({m.source}, {m}, saved.back()));
        }
        return o;
    };
    const FetchedMedia gif{"/pics/dance.gif", "a dancing cat", "image/gif", "GIF89a...."};
    BOOST_TEST(to_string(until_done(gif).kind) == "posted");
    BOOST_TEST(fake.requests(FakeX::k_metadata) == 3);
    BOOST_TEST(fake.media().at(2).alt_text == "a dancing cat");
    const FetchedMedia clip{"https://cdn.example/clip.mp4", "a clip", "video/mp4", "....ftypmp42"};
    BOOST_TEST(to_string(until_done(clip).kind) == "posted");
    BOOST_TEST(fake.requests(FakeX::k_metadata) == 3);
}

BOOST_FIXTURE_TEST_CASE(video_processing_waits_and_resumes_across_passes, Fixture) {
    fake.set_processing_polls(2);
    const FetchedMedia clip{"https://cdn.example/clip.mp4", "", "video/mp4", "....ftypmp42"};
    const Outcome first = publish(request({"clip"}, {clip}));
    BOOST_TEST(to_string(first.kind) == "waiting");
    BOOST_TEST(first.message == "media \"clip.mp4\" still processing on x (pending)");
    BOOST_TEST_REQUIRE(first.retry_at.has_value());
    BOOST_TEST((*first.retry_at == k_start + 2s));
    BOOST_TEST(fake.tweets().empty());

    clock.set(k_start + 2s);
    const Outcome second = publish(request({"clip"}, {clip}, saved.back()));
    BOOST_TEST(to_string(second.kind) == "waiting");
    BOOST_TEST(second.message.ends_with("(in_progress)"));

    clock.set(k_start + 4s);
    const Outcome third = publish(request({"clip"}, {clip}, saved.back()));
    BOOST_TEST(to_string(third.kind) == "posted");
    BOOST_TEST(fake.requests(FakeX::k_initialize) == 1);
    BOOST_TEST(fake.requests(FakeX::k_finalize) == 1);
    BOOST_TEST(fake.requests(FakeX::k_status) == 2);
    BOOST_TEST(fake.tweets().at(0).media_ids.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(an_interrupted_upload_resumes_at_the_next_segment, Fixture) {
    FakeFault pass;
    pass.action = FakeFault::Action::none;
    fake.inject(FakeX::k_append, pass);
    FakeFault fail;
    fail.status = 503;
    fail.body = postsched::fakes::x_problem(503);
    fake.inject(FakeX::k_append, fail);
    const Outcome first = publish(request({"pic"}, {image("a.png", "0123456789")}));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(first.message ==
               "x answered HTTP 503 to segment 1 of media \"a.png\" for account "
               "\"alice-x\": Service Unavailable");
    const Outcome second = publish(request({"pic"}, {image("a.png", "0123456789")}, saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.requests(FakeX::k_initialize) == 1);
    BOOST_TEST(fake.requests(FakeX::k_append) == 4);  // 0, 1 (failed), 1, 2
    BOOST_TEST(fake.media().at(0).segments == (std::vector<std::string>{"0123", "4567", "89"}));
}

BOOST_FIXTURE_TEST_CASE(oauth1_signed_requests_are_accepted, Fixture) {
    token = postsched::adapters::x::oauth1_bundle(k_oauth1);
    const Outcome outcome = publish(request({"signed", "and threaded"}, {image("a.png", "png")}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    BOOST_TEST(fake.tweets().size() == 2u);
    for (const auto& header : fake.authorizations()) {
        BOOST_TEST(header.starts_with("OAuth oauth_consumer_key=\"consumer-key-1\""));
        BOOST_TEST(header.find("SECRET") == std::string::npos);
    }
}

BOOST_FIXTURE_TEST_CASE(a_wrong_oauth1_secret_is_auth_expired, Fixture) {
    auto wrong = k_oauth1;
    wrong.token_secret = "not-the-secret";
    token = postsched::adapters::x::oauth1_bundle(wrong);
    const Outcome outcome = publish(request({"signed"}));
    BOOST_TEST(to_string(outcome.kind) == "auth_expired");
    BOOST_TEST(outcome.message ==
               "x rejected the credentials for account \"alice-x\": Unauthorized");
    BOOST_TEST(fake.tweets().empty());
}

BOOST_FIXTURE_TEST_CASE(verify_account_reads_users_me, Fixture) {
    const auto profile = adapter->verify_account(account, k_token);
    BOOST_TEST(profile.platform_account_id == "1001");
    BOOST_TEST(profile.username == "alice");
    BOOST_TEST(profile.display_name == "Name alice");
    BOOST_CHECK_THROW(adapter->verify_account(account, "bad-token"), postsched::Error);
}

BOOST_FIXTURE_TEST_CASE(the_fake_rejects_unknown_fields_like_x, Fixture) {
    postsched::net::HttpRequest r;
    r.method = "POST";
    r.url = fake.base_url() + "/2/tweets";
    r.headers = {{"Authorization", std::string("Bearer ") + k_token},
                 {"Content-Type", "application/json"}};
    r.body = R"({"text":"hi","visibility":"public"})";
    const auto response = http->send(r);
    BOOST_TEST(response.status == 400);
    BOOST_TEST(response.body.find("$.visibility: is not defined in the schema") !=
               std::string::npos);
    BOOST_TEST(fake.tweets().empty());
}

// ---------------------------------------------------------------- error classes

BOOST_FIXTURE_TEST_CASE(rejected_token_is_auth_expired, Fixture) {
    token = "expired";
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "auth_expired");
}

BOOST_FIXTURE_TEST_CASE(duplicate_content_is_duplicate_on_a_first_request, Fixture) {
    FakeTweet old;
    old.user_id = "1001";
    old.text = "same again";
    fake.seed_tweet(old);
    const Outcome outcome = publish(request({"same again"}));
    BOOST_TEST(to_string(outcome.kind) == "duplicate");
    BOOST_TEST(outcome.message ==
               "x answered HTTP 403 to the post for account \"alice-x\": You "
               "are not allowed to create a Tweet with duplicate content.");
}

// After a send that got no answer, a 403 duplicate is ours only if the
// look-up finds our post; an older post with the same text is a rejection.
BOOST_FIXTURE_TEST_CASE(an_older_duplicate_on_a_retry_is_permanent_not_ours, Fixture) {
    fake.seed_tweet({"", "1001", "same again", "", {}, k_start - 48h});
    const std::string state =
        R"({"parts":[],"inflight":0,"inflight_at":)" + std::to_string(unix_at(k_start)) + "}";
    const Outcome outcome = publish(request({"same again"}, {}, state, true));
    BOOST_TEST(to_string(outcome.kind) == "permanent");
    BOOST_TEST(outcome.message.ends_with("duplicate content."));
    BOOST_TEST(fake.requests(FakeX::k_user_tweets) == 2);  // before sending, and on the 403
    BOOST_TEST(fake.tweets().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(credits_exhausted_is_paused, Fixture) {
    fake.fail_tweets(402);
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "paused");
    BOOST_TEST(outcome.message.find("credits are used up") != std::string::npos);
    BOOST_TEST_REQUIRE(outcome.retry_at.has_value());
    BOOST_TEST((*outcome.retry_at == k_start + 1h));
}

BOOST_FIXTURE_TEST_CASE(rate_limit_waits_until_the_reset_header, Fixture) {
    fake.rate_limit_tweets(unix_at(k_start + 7min));
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "rate_limited");
    BOOST_TEST_REQUIRE(outcome.retry_at.has_value());
    BOOST_TEST((*outcome.retry_at == k_start + 7min));
    BOOST_TEST(outcome.message.ends_with(": Too Many Requests"));
}

BOOST_FIXTURE_TEST_CASE(exhausted_daily_user_limit_waits_for_its_reset, Fixture) {
    fake.rate_limit_tweets(unix_at(k_start + 7min), unix_at(k_start + 20h));
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "rate_limited");
    BOOST_TEST_REQUIRE(outcome.retry_at.has_value());
    BOOST_TEST((*outcome.retry_at == k_start + 20h));
}

BOOST_FIXTURE_TEST_CASE(server_errors_are_transient_and_client_errors_permanent, Fixture) {
    fake.fail_tweets(503);
    BOOST_TEST(to_string(publish(request({"hi"})).kind) == "transient");
    const Outcome too_long = publish(request({std::string(281, 'a')}));
    BOOST_TEST(to_string(too_long.kind) == "permanent");
    BOOST_TEST(too_long.message ==
               "x answered HTTP 403 to the post for account \"alice-x\": Your Tweet text is too "
               "long.");
    const Outcome vanished = publish(request({"one", "two"}, {}, R"({"parts":["4242"]})"));
    BOOST_TEST(to_string(vanished.kind) == "permanent");
    BOOST_TEST(
        vanished.message.ends_with("to part 2 of 2 for account \"alice-x\": You attempted "
                                   "to reply to a Tweet that is deleted or not visible to "
                                   "you."));
}

BOOST_FIXTURE_TEST_CASE(a_timeout_is_transient, Fixture) {
    platform.timeout = 300ms;
    FakeFault slow;
    slow.action = FakeFault::Action::delay;
    slow.delay = 1200ms;
    fake.inject(FakeX::k_tweets, slow);
    const Outcome outcome = publish(request({"slow"}));
    BOOST_TEST(to_string(outcome.kind) == "transient");
    BOOST_TEST(outcome.message.find("may have been delivered") != std::string::npos);
}

// ---------------------------------------------------------------- resume and settle

BOOST_FIXTURE_TEST_CASE(a_failed_part_two_resumes_without_reposting_part_one, Fixture) {
    FakeFault pass;
    pass.action = FakeFault::Action::none;
    fake.inject(FakeX::k_tweets, pass);
    fake.fail_tweets(503);
    const Outcome first = publish(request({"one", "two", "three"}));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(first.message ==
               "x answered HTTP 503 to part 2 of 3 for account \"alice-x\": "
               "Service Unavailable");
    BOOST_TEST(fake.tweets().size() == 1u);
    const Outcome second = publish(request({"one", "two", "three"}, {}, saved.back(), true));
    BOOST_TEST(to_string(second.kind) == "posted");
    const auto t = fake.tweets();
    BOOST_TEST_REQUIRE(t.size() == 3u);  // exactly once each
    BOOST_TEST(t[1].in_reply_to == t[0].id);
    BOOST_TEST(t[2].in_reply_to == t[1].id);
    BOOST_TEST(second.platform_post_id == t[0].id);
}

BOOST_FIXTURE_TEST_CASE(a_lost_answer_is_found_and_not_posted_twice, Fixture) {
    FakeFault pass;
    pass.action = FakeFault::Action::none;
    fake.inject(FakeX::k_tweets, pass);
    FakeFault lost;
    lost.action = FakeFault::Action::drop;
    lost.create = true;  // X created part 2, the answer never arrived
    fake.inject(FakeX::k_tweets, lost);
    const std::string two = "2/3 see https://example.com/a?b=1 & more";
    const Outcome first = publish(request({"one", two, "three"}));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(fake.tweets().size() == 2u);
    clock.set(k_start + 5min);
    const Outcome second = publish(request({"one", two, "three"}, {}, saved.back(), true));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.requests(FakeX::k_user_tweets) == 1);
    const auto t = fake.tweets();
    BOOST_TEST_REQUIRE(t.size() == 3u);
    BOOST_TEST(t[2].in_reply_to == t[1].id);
}

BOOST_FIXTURE_TEST_CASE(settle_finds_an_in_flight_part_and_finishes_the_thread, Fixture) {
    FakeFault lost;
    lost.action = FakeFault::Action::drop;
    lost.create = true;
    fake.inject(FakeX::k_tweets, lost);
    BOOST_TEST(to_string(publish(request({"one", "two"})).kind) == "transient");
    clock.set(k_start + 2h);
    const Outcome outcome =
        adapter->settle(request({"one", "two"}, {}, saved.back(), true), save, k_start);
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto t = fake.tweets();
    BOOST_TEST_REQUIRE(t.size() == 2u);
    BOOST_TEST(outcome.platform_post_id == t[0].id);
    BOOST_TEST(t[1].in_reply_to == t[0].id);
}

BOOST_FIXTURE_TEST_CASE(settle_with_the_part_nowhere_is_unknown, Fixture) {
    FakeFault lost;
    lost.action = FakeFault::Action::drop;
    lost.create = false;
    fake.inject(FakeX::k_tweets, lost);
    BOOST_TEST(to_string(publish(request({"one"})).kind) == "transient");
    const Outcome outcome =
        adapter->settle(request({"one"}, {}, saved.back(), true), save, k_start);
    BOOST_TEST(to_string(outcome.kind) == "unknown");
    BOOST_TEST(
        outcome.message.starts_with("the post was sent to x for account \"alice-x\" "
                                    "without an answer"));
    BOOST_TEST(fake.tweets().empty());
}

BOOST_FIXTURE_TEST_CASE(settle_never_reposts_saved_parts, Fixture) {
    const std::string one = fake.seed_tweet({"", "1001", "one", "", {}, k_start});
    const Outcome outcome = adapter->settle(
        request({"one", "two"}, {}, R"({"parts":[")" + one + R"("]})", true), save, k_start);
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto t = fake.tweets();
    BOOST_TEST_REQUIRE(t.size() == 2u);
    BOOST_TEST(t[1].in_reply_to == one);
    BOOST_TEST(fake.requests(FakeX::k_tweets) == 1);
}

// ---------------------------------------------------------------- length

BOOST_FIXTURE_TEST_CASE(check_text_uses_the_v3_weighted_count, Fixture) {
    BOOST_TEST(adapter->check_text(account, std::string(280, 'a'), "{}").ok);
    const auto over = adapter->check_text(account, std::string(281, 'a'), "{}");
    BOOST_TEST(!over.ok);
    BOOST_TEST(over.count == 281u);
    BOOST_TEST(over.message.ends_with("too long by 1"));
    // A long URL counts 23; CJK counts 2.
    const auto url = adapter->check_text(
        account, "see https://example.com/" + std::string(200, 'p') + " ok", "{}");
    BOOST_TEST(url.count == 30u);
    BOOST_TEST(adapter->check_text(account, "\xE6\x97\xA5\xE6\x9C\xAC", "{}").count == 4u);
}

// ---------------------------------------------------------------- the real binary

namespace {

using postsched::testing::Sandbox;
using postsched::testing::sqlite;

// An initialised sandbox at a pinned time whose X api_base is the fake.
struct Cli {
    FakeX fake;
    Sandbox box;
    Cli() {
        fake.add_user(k_token, "1001", "alice");
        fake.add_oauth1_user(k_oauth1, "1001", "alice");
        box.env["SECRET_KEY"] = "correct horse battery staple";
        box.env["POSTSCHED_NOW"] = "2026-03-02T10:00:00Z";
        box.env["POSTSCHED_X_API_BASE"] = fake.base_url();
        box.env["XTOKEN"] = k_token;
        box.env["TWITTER_API_KEY"] = k_oauth1.consumer_key;
        box.env["TWITTER_API_SECRET"] = k_oauth1.consumer_secret;
        box.env["TWITTER_ACCESS_TOKEN"] = k_oauth1.token;
        box.env["TWITTER_ACCESS_TOKEN_SECRET"] = k_oauth1.token_secret;
        box.ok({"init"});
    }
    std::string add(const std::vector<std::string>& args) {
        std::vector<std::string> a{"post", "add"};
        a.insert(a.end(), args.begin(), args.end());
        const std::string out = box.ok(a);
        return out.substr(0, out.find('\n'));
    }
    nlohmann::json target(const std::string& id) {
        return nlohmann::json::parse(box.ok({"post", "show", id, "--json"}))["targets"].at(0);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(cli_oauth1_account_posts_and_keeps_secrets_encrypted) {
    Cli c;
    c.box.ok({"account", "add", "x", "--name", "xa"});
    const std::string id = c.add({"signed from cron", "--to", "xa", "--now"});
    c.box.ok({"run"});
    const auto tweets = c.fake.tweets();
    BOOST_TEST_REQUIRE(tweets.size() == 1u);
    const auto t = c.target(id);
    BOOST_TEST(t["status"] == "posted");
    BOOST_TEST(t["url"] == "https://x.com/alice/status/" + tweets[0].id);
    const std::string dump = sqlite(c.box.db_path(), ".dump");
    for (const auto& secret : {k_oauth1.consumer_secret, k_oauth1.token_secret, k_oauth1.token})
        BOOST_TEST(dump.find(secret) == std::string::npos);
}

BOOST_AUTO_TEST_CASE(cli_oauth1_account_names_a_missing_variable) {
    Cli c;
    const auto r = c.box.run({"account", "add", "x", "--name", "xa", "--consumer-key-env", "NOPE"});
    BOOST_TEST(postsched::testing::is_error(r, 64, {"NOPE is not set"}));
}

BOOST_AUTO_TEST_CASE(cli_thread_of_three_with_two_images) {
    Cli c;
    c.box.ok({"account", "add", "x", "--name", "xb", "--token-env", "XTOKEN"});
    c.box.write_file("a.png", postsched::fakes::tiny_png());
    c.box.write_file("b.png", postsched::fakes::tiny_png());
    const std::string id =
        c.add({"one", "--part", "two", "--part", "three", "--to", "xb", "--now", "--media",
               c.box.dir() + "/a.png", "--media", c.box.dir() + "/b.png"});
    c.box.ok({"run"});
    const auto t = c.fake.tweets();
    BOOST_TEST_REQUIRE(t.size() == 3u);
    BOOST_TEST(t[0].media_ids.size() == 2u);
    BOOST_TEST(t[1].in_reply_to == t[0].id);
    BOOST_TEST(t[2].in_reply_to == t[1].id);
    BOOST_TEST(c.target(id)["status"] == "posted");
    c.box.ok({"run"});
    BOOST_TEST(c.fake.tweets().size() == 3u);
}

BOOST_AUTO_TEST_CASE(cli_error_classes_land_in_their_states) {
    Cli c;
    c.box.ok({"account", "add", "x", "--name", "xb", "--token-env", "XTOKEN"});
    const long long reset = unix_at(k_start + 10min);
    c.fake.rate_limit_tweets(reset);
    const std::string limited = c.add({"limited", "--to", "xb", "--now"});
    c.box.ok({"run"});
    auto t = c.target(limited);
    BOOST_TEST(t["status"] == "pending");
    BOOST_TEST(t["error_kind"] == "rate_limited");
    BOOST_TEST(t["next_attempt_at"] == "2026-03-02T10:10:00.000Z");
    BOOST_TEST(t["attempts"] == 0);

    c.box.env["POSTSCHED_NOW"] = "2026-03-02T10:11:00Z";
    c.box.ok({"run"});
    BOOST_TEST(c.target(limited)["status"] == "posted");

    c.fake.fail_tweets(503);
    const std::string flaky = c.add({"flaky", "--to", "xb", "--now"});
    c.box.ok({"run"});
    t = c.target(flaky);
    BOOST_TEST(t["status"] == "pending");
    BOOST_TEST(t["error_kind"] == "transient");
    BOOST_TEST(t["attempts"] == 1);

    const std::string dup = c.add({"limited", "--to", "xb", "--now"});  // same text as before
    c.box.ok({"run"});
    BOOST_TEST(c.target(dup)["status"] == "failed");
    BOOST_TEST(c.target(dup)["error_kind"] == "duplicate");
}

BOOST_AUTO_TEST_CASE(cli_credits_exhausted_pauses_and_a_bad_token_needs_reconnect) {
    Cli c;
    c.box.ok({"account", "add", "x", "--name", "xb", "--token-env", "XTOKEN"});
    c.fake.fail_tweets(402);
    const std::string id = c.add({"paid", "--to", "xb", "--now"});
    c.box.ok({"run"});
    auto t = c.target(id);
    BOOST_TEST(t["status"] == "pending");
    BOOST_TEST(t["error_kind"] == "paused");
    BOOST_TEST(t["next_attempt_at"] == "2026-03-02T11:00:00.000Z");

    c.fake.fail_tweets(401);
    c.box.env["POSTSCHED_NOW"] = "2026-03-02T11:01:00Z";
    c.box.ok({"run"});
    t = c.target(id);
    BOOST_TEST(t["status"] == "pending");
    BOOST_TEST(t["error_kind"] == "auth_expired");
    const auto account = nlohmann::json::parse(c.box.ok({"account", "show", "xb", "--json"}));
    BOOST_TEST(account.dump().find("\"needs_reconnect\":true") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cli_refuses_text_over_280_weighted_at_add_time) {
    Cli c;
    c.box.ok({"account", "add", "x", "--name", "xb", "--token-env", "XTOKEN"});
    const auto r =
        c.box.run({"post", "add", std::string(141, 'a') + "\xE6\x97\xA5" + std::string(138, 'b'),
                   "--to", "xb", "--now"});
    BOOST_TEST(postsched::testing::is_error(
        r, 65, {"x account \"xb\": 281/280 weighted characters", "too long by 1"}));
    BOOST_TEST(c.fake.requests(FakeX::k_tweets) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
