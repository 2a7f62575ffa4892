// The Mastodon adapter and the libcurl client against the fake Mastodon on
// 127.0.0.1: posting, threads, media, idempotency, resume, every error class,
// settle, length counting, and the client's URL rules and redaction.
#include <boost/test/unit_test.hpp>
#include <future>
#include <string>
#include <vector>

#include "adapters/mastodon/mastodon_adapter.hpp"
#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "fakes/fake_mastodon.hpp"
#include "net/curl_http_client.hpp"
#include "support/adapter_fixture.hpp"

namespace {

using namespace std::chrono_literals;
using postsched::Error;
using postsched::Exit;
using postsched::Instant;
using postsched::adapters::FetchedMedia;
using postsched::adapters::Outcome;
using postsched::adapters::PublishRequest;
using postsched::fakes::FakeFault;
using postsched::fakes::FakeMastodon;
using postsched::fakes::FakeStatus;
using Kind = Outcome::Kind;

Instant at(const char* iso) {
    return *postsched::parse_utc_instant(iso);
}

const char* const k_token = "tok-alice-secret";
const Instant k_start = at("2026-01-02T03:00:00Z");

struct Fixture : postsched::testing::AdapterFixture {
    FakeMastodon fake;
    postsched::adapters::MastodonTuning tuning{5ms, 5, 30s};

    ~Fixture() { disconnect(); }  // before the fake stops: see AdapterFixture
    Fixture() : AdapterFixture(k_start, "mastodon", 5000ms) {
        fake.add_account(k_token, "1001", "alice");
        fake.set_clock([this] { return clock.now(); });
        account.id = "acc-1";
        account.name = "alice";
        account.platform_account_id = "1001";
        account.instance_url = fake.base_url();
        rebuild();
    }

    void rebuild() { adapter = postsched::adapters::make_mastodon_adapter_tuned(context, tuning); }

    PublishRequest request(std::vector<std::string> parts, std::vector<FetchedMedia> media = {},
                           std::string options = "{}", std::string state = "{}") {
        return request_with(k_token, std::move(parts), std::move(media), std::move(options),
                            std::move(state));
    }
};

FetchedMedia jpeg(std::string alt) {
    return {"/home/me/pics/cat.jpg", std::move(alt), "image/jpeg", "\xFF\xD8\xFF\xE0jpeg-bytes"};
}

FetchedMedia mp4() {
    return {"https://cdn.example/clip.mp4?sig=1", "", "video/mp4", "....ftypmp42"};
}

std::string status_url(const FakeMastodon& fake, const std::string& id) {
    return fake.base_url() + "/@alice/" + id;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mastodon_adapter_test)

// ---------------------------------------------------------------- publishing

BOOST_FIXTURE_TEST_CASE(plain_post_is_published_with_its_idempotency_key, Fixture) {
    const Outcome outcome = publish(request({"hello fediverse"}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto statuses = fake.statuses();
    BOOST_TEST_REQUIRE(statuses.size() == 1u);
    BOOST_TEST(statuses[0].text == "hello fediverse");
    BOOST_TEST(statuses[0].account_id == "1001");
    BOOST_TEST(statuses[0].idempotency_key == "target-1-0");
    BOOST_TEST(statuses[0].in_reply_to_id.empty());
    BOOST_TEST(outcome.platform_post_id == statuses[0].id);
    BOOST_TEST(outcome.url == status_url(fake, statuses[0].id));
    BOOST_TEST_REQUIRE(saved.size() == 1u);
    BOOST_TEST(saved.back().find("\"id\":\"" + statuses[0].id + "\"") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(options_reach_the_status, Fixture) {
    const std::string options =
        R"({"mastodon":{"visibility":"unlisted","spoiler_text":"cw: food","language":"de","sensitive":true}})";
    BOOST_TEST(to_string(publish(request({"Brot"}, {}, options)).kind) == "posted");
    const auto s = fake.statuses().at(0);
    BOOST_TEST(s.visibility == "unlisted");
    BOOST_TEST(s.spoiler_text == "cw: food");
    BOOST_TEST(s.language == "de");
    BOOST_TEST(s.sensitive);
}

BOOST_FIXTURE_TEST_CASE(thread_of_three_is_a_reply_chain_in_order, Fixture) {
    const Outcome outcome = publish(request({"one", "two", "three"}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto s = fake.statuses();
    BOOST_TEST_REQUIRE(s.size() == 3u);
    BOOST_TEST(s[0].text == "one");
    BOOST_TEST(s[1].text == "two");
    BOOST_TEST(s[2].text == "three");
    BOOST_TEST(s[1].in_reply_to_id == s[0].id);
    BOOST_TEST(s[2].in_reply_to_id == s[1].id);
    BOOST_TEST(s[2].idempotency_key == "target-1-2");
    BOOST_TEST(outcome.platform_post_id == s[0].id);
    BOOST_TEST(outcome.url == status_url(fake, s[0].id));
    BOOST_TEST(saved.size() == 3u);  // saved after every part
}

BOOST_FIXTURE_TEST_CASE(image_is_uploaded_with_alt_text_on_the_first_part_only, Fixture) {
    const Outcome outcome = publish(request({"look", "more"}, {jpeg("a grey cat on a sofa")}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto media = fake.media();
    BOOST_TEST_REQUIRE(media.size() == 1u);
    BOOST_TEST(media[0].description == "a grey cat on a sofa");
    BOOST_TEST(media[0].content_type == "image/jpeg");
    BOOST_TEST(media[0].filename == "cat.jpg");
    BOOST_TEST(media[0].size == jpeg("").bytes.size());
    const auto s = fake.statuses();
    BOOST_TEST_REQUIRE(s.size() == 2u);
    BOOST_TEST(s[0].media_ids == std::vector<std::string>{media[0].id});
    BOOST_TEST(s[1].media_ids.empty());
    BOOST_TEST(fake.requests(FakeMastodon::k_media_poll) == 0);
    // The media id was saved before the status request.
    BOOST_TEST(saved.front().find(media[0].id) != std::string::npos);
    BOOST_TEST(saved.front().find("\"parts\":[]") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(video_is_polled_until_processed, Fixture) {
    fake.set_video_polls(3);
    const Outcome outcome = publish(request({"clip"}, {mp4()}));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    BOOST_TEST(fake.requests(FakeMastodon::k_media_poll) == 3);
    const auto s = fake.statuses();
    BOOST_TEST_REQUIRE(s.size() == 1u);
    BOOST_TEST(s[0].media_ids == std::vector<std::string>{fake.media().at(0).id});
    BOOST_TEST(fake.media().at(0).filename == "clip.mp4");
}

BOOST_FIXTURE_TEST_CASE(video_still_processing_defers_and_resumes_without_reupload, Fixture) {
    fake.set_video_polls(4);
    tuning.media_poll_attempts = 2;
    rebuild();
    const Outcome first = publish(request({"clip"}, {mp4()}));
    BOOST_TEST(to_string(first.kind) == "waiting");
    BOOST_TEST(first.message == "media \"clip.mp4\" still processing on the instance");
    BOOST_TEST_REQUIRE(first.retry_at.has_value());
    BOOST_TEST((*first.retry_at == k_start + 30s));
    BOOST_TEST(fake.status_requests() == 0);
    BOOST_TEST_REQUIRE(!saved.empty());
    BOOST_TEST(saved.back().find("media_pending") != std::string::npos);

    const Outcome second = publish(request({"clip"}, {mp4()}, "{}", saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.requests(FakeMastodon::k_media) == 1);
    BOOST_TEST(fake.requests(FakeMastodon::k_media_poll) == 4);
    BOOST_TEST(fake.statuses().at(0).media_ids.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_repeated_publish_returns_the_same_status, Fixture) {
    const Outcome first = publish(request({"only once"}));
    const Outcome second = publish(request({"only once"}));  // the answer was "lost"
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(second.platform_post_id == first.platform_post_id);
    BOOST_TEST(fake.status_requests() == 2);
    BOOST_TEST(fake.statuses().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(resume_after_a_crash_mid_thread_sends_only_the_rest, Fixture) {
    // The first run posted part 1 and saved it, then the process died.
    BOOST_TEST(to_string(publish(request({"one"})).kind) == "posted");
    const std::string state = saved.back();
    const Outcome outcome = publish(request({"one", "two", "three"}, {}, "{}", state));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto s = fake.statuses();
    BOOST_TEST_REQUIRE(s.size() == 3u);
    BOOST_TEST(fake.status_requests() == 3);
    BOOST_TEST(s[1].text == "two");
    BOOST_TEST(s[1].in_reply_to_id == s[0].id);
    BOOST_TEST(s[2].in_reply_to_id == s[1].id);
    BOOST_TEST(outcome.platform_post_id == s[0].id);
}

BOOST_FIXTURE_TEST_CASE(a_failed_middle_part_is_retried_from_the_saved_state, Fixture) {
    FakeFault pass;
    pass.action = FakeFault::Action::none;  // the first part goes through
    fake.inject(FakeMastodon::k_statuses, pass);
    fake.fail_statuses(503, R"({"error":"Service Unavailable"})");
    const Outcome first = publish(request({"one", "two", "three"}));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(
        first.message ==
        "mastodon answered HTTP 503 to part 2 of 3 for account \"alice\": Service Unavailable");
    BOOST_TEST(fake.statuses().size() == 1u);
    const Outcome second = publish(request({"one", "two", "three"}, {}, "{}", saved.back()));
    BOOST_TEST(to_string(second.kind) == "posted");
    const auto s = fake.statuses();
    BOOST_TEST_REQUIRE(s.size() == 3u);
    BOOST_TEST(s[1].in_reply_to_id == s[0].id);
    BOOST_TEST(second.platform_post_id == s[0].id);
}

BOOST_FIXTURE_TEST_CASE(several_threads_publish_at_once_through_one_client, Fixture) {
    std::vector<std::future<Outcome>> results;
    std::vector<std::string> texts;
    for (int i = 0; i < 8; ++i)
        texts.push_back("post " + std::to_string(i));
    for (int i = 0; i < 8; ++i) {
        results.push_back(std::async(std::launch::async, [this, i, &texts] {
            const PublishRequest r{account,    k_token, "post", "target-" + std::to_string(i),
                                   {texts[i]}, {},      "{}",   "{}",
                                   false};
            return adapter->publish(r, [](const std::string&) {});
        }));
    }
    for (auto& r : results)
        BOOST_TEST(to_string(r.get().kind) == "posted");
    BOOST_TEST(fake.statuses().size() == 8u);
}

// ---------------------------------------------------------------- error classes

BOOST_FIXTURE_TEST_CASE(rejected_token_is_auth_expired_with_the_platform_text, Fixture) {
    PublishRequest r = request({"hi"});
    r.access_token = "revoked";
    const Outcome outcome = publish(r);
    BOOST_TEST(to_string(outcome.kind) == "auth_expired");
    BOOST_TEST(outcome.message ==
               "mastodon rejected the token for account \"alice\": The access token is invalid");
}

BOOST_FIXTURE_TEST_CASE(missing_scope_is_permanent, Fixture) {
    fake.add_account("read-only", "1002", "bob", {"read"});
    PublishRequest r = request({"hi"});
    r.access_token = "read-only";
    const Outcome outcome = publish(r);
    BOOST_TEST(to_string(outcome.kind) == "permanent");
    BOOST_TEST(outcome.message.ends_with("This action is outside the authorized scopes"));
}

BOOST_FIXTURE_TEST_CASE(text_over_the_limit_is_permanent_with_the_platform_text, Fixture) {
    fake.set_max_characters(10);
    const Outcome outcome = publish(request({"this text is far too long"}));
    BOOST_TEST(to_string(outcome.kind) == "permanent");
    BOOST_TEST(outcome.message ==
               "mastodon answered HTTP 422 to the status for account \"alice\": Validation "
               "failed: Text character limit of 10 exceeded");
}

BOOST_FIXTURE_TEST_CASE(reply_to_a_vanished_status_is_permanent, Fixture) {
    const std::string state = R"({"parts":[{"id":"424242","url":"x"}]})";
    const Outcome outcome = publish(request({"one", "two"}, {}, "{}", state));
    BOOST_TEST(to_string(outcome.kind) == "permanent");
    BOOST_TEST(outcome.message.ends_with(
        "HTTP 404 to part 2 of 2 for account \"alice\": Record not found"));
}

BOOST_FIXTURE_TEST_CASE(unprocessed_media_422_defers_thirty_seconds, Fixture) {
    fake.fail_statuses(
        422,
        R"({"error":"Cannot attach files that have not finished processing. Try again in a moment!"})");
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "waiting");
    BOOST_TEST_REQUIRE(outcome.retry_at.has_value());
    BOOST_TEST((*outcome.retry_at == k_start + 30s));
}

BOOST_FIXTURE_TEST_CASE(rate_limit_retries_at_the_reset_header, Fixture) {
    fake.rate_limit_statuses("2026-01-02T03:05:00.123456Z");
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "rate_limited");
    BOOST_TEST_REQUIRE(outcome.retry_at.has_value());
    BOOST_TEST((*outcome.retry_at == at("2026-01-02T03:05:00.123Z")));
    BOOST_TEST(outcome.message.ends_with(": Too many requests"));
    BOOST_TEST(fake.statuses().empty());
}

BOOST_FIXTURE_TEST_CASE(rate_limit_without_a_reset_waits_five_minutes, Fixture) {
    fake.fail_statuses(429, R"({"error":"Too many requests"})");
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "rate_limited");
    BOOST_TEST_REQUIRE(outcome.retry_at.has_value());
    BOOST_TEST((*outcome.retry_at == k_start + 5min));
}

BOOST_FIXTURE_TEST_CASE(server_errors_are_transient, Fixture) {
    fake.fail_statuses(500, R"({"error":"Internal server error"})");
    fake.fail_statuses(502, "<html><body>Bad Gateway</body></html>");
    const Outcome first = publish(request({"hi"}));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(first.message.ends_with(
        "HTTP 500 to the status for account \"alice\": Internal server error"));
    const Outcome second = publish(request({"hi"}));
    BOOST_TEST(to_string(second.kind) == "transient");
    BOOST_TEST(second.message.ends_with("for account \"alice\": HTTP 502"));
    BOOST_TEST(fake.statuses().empty());
}

BOOST_FIXTURE_TEST_CASE(malformed_json_is_transient_and_the_retry_is_not_a_duplicate, Fixture) {
    fake.malformed_statuses(/*create=*/true);
    const Outcome first = publish(request({"hi"}));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(
        first.message ==
        "mastodon answered HTTP 200 to the status for account \"alice\" with an unreadable body");
    const Outcome second = publish(request({"hi"}));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(fake.statuses().size() == 1u);
    BOOST_TEST(second.platform_post_id == fake.statuses().at(0).id);
}

BOOST_FIXTURE_TEST_CASE(timeout_after_sending_is_transient_maybe_delivered, Fixture) {
    platform.timeout = 300ms;
    fake.delay_statuses(1200ms);  // the instance creates the status, answers too late
    const Outcome first = publish(request({"slow"}));
    BOOST_TEST(to_string(first.kind) == "transient");
    BOOST_TEST(first.message.find("(the request may have been delivered)") != std::string::npos);
    BOOST_TEST(fake.statuses().size() == 1u);
    const Outcome second = publish(request({"slow"}));
    BOOST_TEST(to_string(second.kind) == "posted");
    BOOST_TEST(second.platform_post_id == fake.statuses().at(0).id);
    BOOST_TEST(fake.statuses().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(dropped_connection_is_transient_maybe_delivered, Fixture) {
    fake.drop_statuses(/*create=*/true);
    const Outcome outcome = publish(request({"dropped"}));
    BOOST_TEST(to_string(outcome.kind) == "transient");
    BOOST_TEST(outcome.message.find("may have been delivered") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(connection_refused_is_transient_not_delivered, Fixture) {
    std::string dead_url;
    {
        FakeMastodon gone;
        dead_url = gone.base_url();
    }
    account.instance_url = dead_url;
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "transient");
    BOOST_TEST(
        outcome.message.starts_with("cannot reach mastodon for the status: POST " + dead_url));
    BOOST_TEST(outcome.message.find("may have been delivered") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(plain_http_to_a_remote_host_is_refused_before_sending, Fixture) {
    platform.api_base = "http://mastodon.example";
    const Outcome outcome = publish(request({"hi"}));
    BOOST_TEST(to_string(outcome.kind) == "permanent");
    BOOST_TEST(outcome.message == "refusing plain http to mastodon.example: use https");
}

// ---------------------------------------------------------------- settle

// ------------------------------------ retried after the key is forgotten
// A transient answer that may hide a created status (lost answer, 5xx,
// unreadable 200) marks the part in flight; a retry more than the key's hour
// later (long backoff, an account paused meanwhile) looks it up first.

BOOST_FIXTURE_TEST_CASE(a_lost_answer_retried_after_the_hour_is_found_not_resent, Fixture) {
    fake.drop_statuses(/*create=*/true);
    BOOST_TEST(to_string(publish(request({"one", "two"})).kind) == "transient");
    BOOST_TEST_REQUIRE(!saved.empty());
    BOOST_TEST(saved.back().find("\"inflight\":0") != std::string::npos);
    clock.set(k_start + 2h);  // the fake has forgotten the Idempotency-Key too
    const Outcome outcome = publish(request({"one", "two"}, {}, "{}", saved.back()));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    BOOST_TEST(fake.requests(FakeMastodon::k_account_statuses) == 1);
    const auto s = fake.statuses();
    BOOST_TEST_REQUIRE(s.size() == 2u);  // the first found, the second sent once
    BOOST_TEST(outcome.platform_post_id == s[0].id);
    BOOST_TEST(s[1].in_reply_to_id == s[0].id);
    BOOST_TEST(saved.back().find("inflight") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(a_request_lost_before_the_instance_retried_after_the_hour_is_sent,
                        Fixture) {
    fake.drop_statuses(/*create=*/false);  // the instance never created it
    BOOST_TEST(to_string(publish(request({"hello"})).kind) == "transient");
    clock.set(k_start + 2h);
    const Outcome outcome = publish(request({"hello"}, {}, "{}", saved.back()));
    BOOST_TEST(to_string(outcome.kind) == "posted");
    BOOST_TEST(fake.requests(FakeMastodon::k_account_statuses) == 1);
    BOOST_TEST(fake.statuses().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_server_error_retried_within_the_hour_trusts_the_key, Fixture) {
    fake.fail_statuses(502, "<html><body>Bad Gateway</body></html>");
    BOOST_TEST(to_string(publish(request({"hello"})).kind) == "transient");
    clock.set(k_start + 30min);
    BOOST_TEST(to_string(publish(request({"hello"}, {}, "{}", saved.back())).kind) == "posted");
    BOOST_TEST(fake.requests(FakeMastodon::k_account_statuses) == 0);
    BOOST_TEST(fake.statuses().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_lost_direct_message_retried_after_the_hour_is_unknown, Fixture) {
    fake.drop_statuses(/*create=*/false);
    const std::string direct = R"({"visibility":"direct"})";
    BOOST_TEST(to_string(publish(request({"psst @bob"}, {}, direct)).kind) == "transient");
    clock.set(k_start + 2h);
    const Outcome outcome = publish(request({"psst @bob"}, {}, direct, saved.back()));
    BOOST_TEST(to_string(outcome.kind) == "unknown");
    BOOST_TEST(outcome.message.find("a direct message cannot be looked up") != std::string::npos);
    BOOST_TEST(fake.status_requests() == 1);
}

BOOST_FIXTURE_TEST_CASE(a_retry_after_the_hour_that_cannot_see_back_far_enough_is_unknown,
                        Fixture) {
    fake.drop_statuses(/*create=*/false);
    BOOST_TEST(to_string(publish(request({"hello"})).kind) == "transient");
    for (int i = 0; i < 40; ++i) {  // a busy account: 40 newer statuses
        FakeStatus other;
        other.account_id = "1001";
        other.text = "other " + std::to_string(i);
        other.created_at = k_start + 30min;
        fake.seed_status(other);
    }
    clock.set(k_start + 2h);
    const int sent = fake.status_requests();
    const Outcome outcome = publish(request({"hello"}, {}, "{}", saved.back()));
    BOOST_TEST(to_string(outcome.kind) == "unknown");
    BOOST_TEST(outcome.message ==
               "the status may have reached mastodon at 2026-01-02T03:00:00.000Z without an "
               "answer; its Idempotency-Key has expired and the 40 latest statuses of account "
               "\"alice\" do not reach back that far: check the account, then `postsched target "
               "resolve`");
    BOOST_TEST(fake.status_requests() == sent);
}

BOOST_FIXTURE_TEST_CASE(settle_within_the_hour_repeats_with_the_same_key, Fixture) {
    fake.drop_statuses(/*create=*/true);
    BOOST_TEST(to_string(publish(request({"one", "two"})).kind) == "transient");
    clock.set(k_start + 20min);
    const Outcome outcome = adapter->settle(request({"one", "two"}), save, k_start);
    BOOST_TEST(to_string(outcome.kind) == "posted");
    const auto s = fake.statuses();
    BOOST_TEST_REQUIRE(s.size() == 2u);
    BOOST_TEST(outcome.platform_post_id == s[0].id);
    BOOST_TEST(s[1].in_reply_to_id == s[0].id);
    BOOST_TEST(fake.requests(FakeMastodon::k_account_statuses) == 0);
}

BOOST_FIXTURE_TEST_CASE(settle_after_the_hour_finds_the_post_in_recent_statuses, Fixture) {
    const std::string text =
        "Tom & Jerry <3 \"quotes\" it's\nsee https://example.com/a?b=1&c=2 cc @bob@example.org";
    fake.drop_statuses(/*create=*/true);
    BOOST_TEST(to_string(publish(request({text, "second"})).kind) == "transient");
    clock.set(k_start + 2h);  // the fake's Idempotency-Key memory has expired too
    const Outcome outcome = adapter->settle(request({text, "second"}), save, k_start);
    BOOST_TEST(to_string(outcome.kind) == "posted");
    BOOST_TEST(fake.requests(FakeMastodon::k_account_statuses) == 1);
    const auto s = fake.statuses();
    BOOST_TEST_REQUIRE(s.size() == 2u);  // the first found, not reposted; the second sent
    BOOST_TEST(outcome.platform_post_id == s[0].id);
    BOOST_TEST(s[1].in_reply_to_id == s[0].id);
}

BOOST_FIXTURE_TEST_CASE(settle_after_the_hour_with_nothing_found_is_unknown, Fixture) {
    FakeStatus older;  // same text, but from before this attempt
    older.account_id = "1001";
    older.text = "hello";
    older.created_at = k_start - 3h;
    fake.seed_status(older);
    clock.set(k_start + 2h);
    const Outcome outcome = adapter->settle(request({"hello"}), save, k_start);
    BOOST_TEST(to_string(outcome.kind) == "unknown");
    BOOST_TEST(outcome.message ==
               "mastodon's idempotency window has passed and nothing matching the status was "
               "found among the 40 latest statuses of account \"alice\" since "
               "2026-01-02T02:59:00.000Z");
    BOOST_TEST(fake.status_requests() == 0);
}

// ---------------------------------------------------------------- account add

BOOST_FIXTURE_TEST_CASE(verify_account_reads_the_profile_and_instance_limits, Fixture) {
    fake.set_max_characters(5000);
    account.settings = R"({"kept":"yes"})";
    const auto profile = adapter->verify_account(account, k_token);
    BOOST_TEST(profile.platform_account_id == "1001");
    BOOST_TEST(profile.username == "alice");
    BOOST_TEST(profile.display_name == "Display alice");
    BOOST_TEST(profile.settings.find("\"max_characters\":5000") != std::string::npos);
    BOOST_TEST(profile.settings.find("\"url_chars\":23") != std::string::npos);
    BOOST_TEST(profile.settings.find("\"max_media\":4") != std::string::npos);
    BOOST_TEST(profile.settings.find("\"video_size_limit\":103809024") != std::string::npos);
    BOOST_TEST(profile.settings.find("\"video/mp4\"") != std::string::npos);
    BOOST_TEST(profile.settings.find("\"kept\":\"yes\"") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(verify_account_falls_back_to_max_toot_chars, Fixture) {
    fake.set_instance_v2(false);
    fake.set_max_characters(777);
    const auto profile = adapter->verify_account(account, k_token);
    BOOST_TEST(profile.settings.find("\"max_characters\":777") != std::string::npos);
    BOOST_TEST(fake.requests(FakeMastodon::k_instance_v1) == 1);
}

BOOST_FIXTURE_TEST_CASE(verify_account_with_a_bad_token_names_the_account_not_the_token, Fixture) {
    try {
        adapter->verify_account(account, "wrong-token-123");
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.code()) == static_cast<int>(Exit::no_perm));
        BOOST_TEST(
            std::string(e.what()) ==
            "mastodon rejected the token for account \"alice\": The access token is invalid");
    }
}

BOOST_FIXTURE_TEST_CASE(verify_account_unreachable_is_unavailable, Fixture) {
    {
        FakeMastodon gone;
        account.instance_url = gone.base_url();
    }
    try {
        adapter->verify_account(account, k_token);
        BOOST_FAIL("no error");
    } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.code()) == static_cast<int>(Exit::unavailable));
        BOOST_TEST(std::string(e.what()).starts_with("mastodon account \"alice\": cannot reach"));
    }
}

// ---------------------------------------------------------------- content rules

BOOST_FIXTURE_TEST_CASE(length_counts_urls_as_23_and_remote_mentions_as_local, Fixture) {
    const auto count = [&](std::string_view text, std::string_view options = "{}") {
        return adapter->check_text(account, text, options).count;
    };
    BOOST_TEST(count("hello") == 5u);
    BOOST_TEST(count("see https://example.com/a/very/long/path/that/goes/on/and/on.") ==
               4u + 23u + 1u);
    BOOST_TEST(count("http://x.io") == 23u);
    BOOST_TEST(count("hi @alice@example.social") == 9u);
    BOOST_TEST(count("hi @alice") == 9u);
    BOOST_TEST(count("mail me: me@example.com") == 23u);  // not a mention: counted whole
    BOOST_TEST(count("hello", R"({"mastodon":{"spoiler_text":"cw"}})") == 7u);
    BOOST_TEST(count("hello", R"({"spoiler_text":"spoiler"})") == 12u);
    BOOST_TEST(count("\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7 ok") == 4u);  // flag = 1
}

BOOST_FIXTURE_TEST_CASE(length_limit_comes_from_the_account_and_is_named, Fixture) {
    account.settings = R"({"max_characters":10})";
    const auto ok = adapter->check_text(account, "0123456789", "{}");
    BOOST_TEST(ok.ok);
    BOOST_TEST(ok.limit == 10u);
    const auto over = adapter->check_text(account, "01234567890", "{}");
    BOOST_TEST(!over.ok);
    BOOST_TEST(over.message ==
               "text is 11 characters (content warning included, links count 23), over the limit "
               "of 10 for mastodon account \"alice\"");
    account.settings = "{}";
    BOOST_TEST(adapter->check_text(account, "x", "{}").limit == 500u);
}

BOOST_FIXTURE_TEST_CASE(the_fake_and_the_adapter_agree_on_the_limit, Fixture) {
    const std::string text =
        "caf\x65\xCC\x81 https://example.com/long/path?q=1 @carol@social.example "
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7!";
    const std::string options = R"({"mastodon":{"spoiler_text":"cw"}})";
    const std::size_t n = adapter->check_text(account, text, options).count;
    BOOST_TEST(n == 2u + 5u + 23u + 1u + 6u + 1u + 2u);
    fake.set_max_characters(n - 1);
    BOOST_TEST(to_string(publish(request({text}, {}, options)).kind) == "permanent");
    fake.set_max_characters(n);
    BOOST_TEST(to_string(publish(request({text}, {}, options)).kind) == "posted");
}

BOOST_FIXTURE_TEST_CASE(invalid_options_are_refused_with_a_clear_message, Fixture) {
    const auto bad = adapter->check_text(account, "hi", R"({"mastodon":{"visibility":"friends"}})");
    BOOST_TEST(!bad.ok);
    BOOST_TEST(bad.message ==
               "mastodon visibility \"friends\" is not one of public, unlisted, private, direct");
    const auto top = adapter->check_text(account, "hi", R"({"visibility":"everyone"})");
    BOOST_TEST(!top.ok);
    const auto sensitive = adapter->check_text(account, "hi", R"({"sensitive":"yes"})");
    BOOST_TEST(sensitive.message == "mastodon option \"sensitive\" must be true or false");
    BOOST_TEST(adapter->check_text(account, "hi", R"({"visibility":"direct"})").ok);
    BOOST_TEST(to_string(publish(request({"hi"}, {}, R"({"visibility":"friends"})")).kind) ==
               "permanent");
    BOOST_TEST(fake.status_requests() == 0);
}

BOOST_FIXTURE_TEST_CASE(media_rules_follow_the_instance, Fixture) {
    const auto defaults = adapter->media_rules(account);
    BOOST_TEST(defaults.max_items == 4u);
    BOOST_TEST(defaults.max_bytes_for("image/png") == 16u * 1024 * 1024);
    BOOST_TEST(defaults.max_bytes_for("video/mp4") == 99u * 1024 * 1024);
    BOOST_TEST(defaults.types.size() == 5u);
    account.settings =
        R"({"max_media":2,"image_size_limit":100,"video_size_limit":50,"mime_types":["image/png","video/mp4"]})";
    const auto stated = adapter->media_rules(account);
    BOOST_TEST(stated.max_items == 2u);
    BOOST_TEST(stated.max_bytes_for("image/png") == 100u);
    BOOST_TEST(stated.max_bytes_for("video/mp4") == 50u);
    BOOST_TEST(stated.mix_problem({"image/png", "video/mp4"}).empty());
    BOOST_TEST((stated.types == std::vector<std::string>{"image/png", "video/mp4"}));
    BOOST_TEST(adapter->supports_threads());
}

// ---------------------------------------------------------------- the http client

BOOST_FIXTURE_TEST_CASE(client_reports_whether_a_failed_request_may_have_been_delivered, Fixture) {
    postsched::net::HttpRequest r;
    r.method = "POST";
    r.url = fake.base_url() + "/api/v1/statuses";
    r.headers = {{"Authorization", std::string("Bearer ") + k_token},
                 {"Content-Type", "application/json"}};
    r.body = R"({"status":"x"})";
    r.timeout = 300ms;
    fake.delay_statuses(1000ms);
    try {
        http->send(r);
        BOOST_FAIL("no timeout");
    } catch (const postsched::net::TransportError& e) {
        BOOST_TEST(e.maybe_delivered());
    }
    std::string dead;
    {
        FakeMastodon gone;
        dead = gone.base_url();
    }
    r.url = dead + "/api/v1/statuses";
    try {
        http->send(r);
        BOOST_FAIL("no error");
    } catch (const postsched::net::TransportError& e) {
        BOOST_TEST(!e.maybe_delivered());
    }
}

BOOST_FIXTURE_TEST_CASE(client_returns_status_lowercase_headers_and_body, Fixture) {
    postsched::net::HttpRequest r;
    r.url =
        "http://localhost:" + std::to_string(fake.port()) + "/api/v1/accounts/verify_credentials";
    r.headers = {{"Authorization", std::string("Bearer ") + k_token}};
    const auto response = http->send(r);
    BOOST_TEST(response.status == 200);
    BOOST_TEST(response.body.find("\"acct\":\"alice\"") != std::string::npos);
    BOOST_TEST(response.header("X-RateLimit-Limit").value_or("") == "300");
    bool all_lower = true;
    for (const auto& [name, value] : response.headers) {
        all_lower = all_lower && name == [&] {
            std::string l = name;
            for (char& c : l)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return l;
        }();
    }
    BOOST_TEST(all_lower);
}

BOOST_AUTO_TEST_CASE(client_refuses_plain_http_off_loopback_and_other_schemes) {
    auto http = postsched::net::make_curl_http_client(std::chrono::milliseconds(500));
    postsched::net::HttpRequest r;
    r.url = "http://example.com/hook?token=abc";
    try {
        http->send(r);
        BOOST_FAIL("not refused");
    } catch (const Error& e) {
        BOOST_TEST(static_cast<int>(e.code()) == static_cast<int>(Exit::data));
        BOOST_TEST(std::string(e.what()) == "refusing plain http to example.com: use https");
    }
    r.url = "ftp://example.com/file";
    BOOST_CHECK_THROW(http->send(r), Error);
    using postsched::net::is_loopback_host;
    BOOST_TEST(is_loopback_host("127.0.0.1"));
    BOOST_TEST(is_loopback_host("127.10.20.30"));
    BOOST_TEST(is_loopback_host("[::1]"));
    BOOST_TEST(is_loopback_host("LOCALHOST"));
    BOOST_TEST(!is_loopback_host("127.0.0.1.evil.example"));
    BOOST_TEST(!is_loopback_host("10.0.0.1"));
    BOOST_TEST(!is_loopback_host("::2"));
    BOOST_TEST(!is_loopback_host("localhost.example"));
}

BOOST_AUTO_TEST_CASE(redact_url_masks_secrets) {
    using postsched::net::redact_url;
    BOOST_TEST(redact_url("https://u:p@h.example/p?access_token=abc&x=1&CODE=zz#token=t", false) ==
               "https://***@h.example/p?access_token=***&x=1&CODE=***#token=***");
    BOOST_TEST(
        redact_url("https://h.example/cb?state=s&code=c&client_secret=k&key=1&password=p", false) ==
        "https://h.example/cb?state=s&code=***&client_secret=***&key=***&password=***");
    BOOST_TEST(redact_url("https://h.example/x?signature=a&secret=b&refresh_token=c", false) ==
               "https://h.example/x?signature=***&secret=***&refresh_token=***");
    BOOST_TEST(redact_url("https://discord.com/api/webhooks/123/s3cr3t?wait=true", true) ==
               "https://discord.com/***");
    BOOST_TEST(redact_url("https://h.example/plain", false) == "https://h.example/plain");
    BOOST_TEST(postsched::net::redact_header("Authorization", "Bearer abc") == "Bearer ***");
    BOOST_TEST(postsched::net::redact_header("Content-Type", "text/plain") == "text/plain");
}

BOOST_AUTO_TEST_CASE(encoders_follow_rfc_3986) {
    BOOST_TEST(postsched::net::url_encode("a b&c=d/é~") == "a%20b%26c%3Dd%2F%C3%A9~");
    BOOST_TEST(postsched::net::form_encode({{"status", "hi there"}, {"media_ids[]", "1"}}) ==
               "status=hi%20there&media_ids%5B%5D=1");
    const auto one = postsched::net::build_multipart({{"description", "x", "", ""}});
    const auto two = postsched::net::build_multipart({{"description", "x", "", ""}});
    BOOST_TEST(one.content_type.starts_with("multipart/form-data; boundary="));
    BOOST_TEST(one.content_type != two.content_type);  // random boundary
    BOOST_TEST(one.body.find("Content-Disposition: form-data; name=\"description\"\r\n\r\nx\r\n") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
