// The target state machine: each adapter outcome lands in its documented state.
#include <boost/test/unit_test.hpp>

#include "core/time_format.hpp"
#include "scheduler/outcome_policy.hpp"

using namespace postsched;
using namespace postsched::scheduler;
using Kind = adapters::Outcome::Kind;
using adapters::Outcome;

namespace {
const Instant k_now = *parse_utc_instant("2026-11-28T12:00:00Z");
const RetryPolicy k_policy{3, Millis{60000}, Millis{600000}};

store::TargetUpdate update(const Outcome& o, int attempts = 0, bool resuming = false,
                           double rnd = 0.0) {
    Target t;
    t.attempts = attempts;
    return target_update(o, t, k_policy, k_now, resuming, rnd);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(outcome_policy_test)

BOOST_AUTO_TEST_CASE(posted_records_id_url_and_time) {
    auto u = update(Outcome::posted("42", "https://m.example/@a/42"));
    BOOST_TEST((u.status == TargetStatus::posted));
    BOOST_TEST(u.platform_post_id == "42");
    BOOST_TEST(u.url == "https://m.example/@a/42");
    BOOST_TEST((u.posted_at == k_now));
    BOOST_TEST(!u.count_attempt);
}

BOOST_AUTO_TEST_CASE(transient_backs_off_then_fails_at_max_attempts) {
    auto first = update(Outcome::failure(Kind::transient, "503"), 0, false, 0.0);
    BOOST_TEST((first.status == TargetStatus::pending));
    BOOST_TEST(first.count_attempt);
    BOOST_TEST((*first.next_attempt_at - k_now == Millis{30000}));  // half of base, no jitter
    auto second = update(Outcome::failure(Kind::transient, "503"), 1, false, 0.999);
    BOOST_TEST((*second.next_attempt_at - k_now > Millis{119000}));  // ~2×base with full jitter
    auto last = update(Outcome::failure(Kind::transient, "503"), 2);
    BOOST_TEST((last.status == TargetStatus::failed));
    BOOST_TEST(last.error_message == "503 (gave up after 3 attempts)");
}

BOOST_AUTO_TEST_CASE(backoff_is_capped_and_jittered) {
    BOOST_TEST((backoff_delay(k_policy, 1, 0.0) == Millis{30000}));
    BOOST_TEST((backoff_delay(k_policy, 1, 0.5) == Millis{45000}));
    BOOST_TEST((backoff_delay(k_policy, 30, 1.0) <= k_policy.max));
    BOOST_TEST((backoff_delay(k_policy, 30, 0.0) == k_policy.max / 2));
}

BOOST_AUTO_TEST_CASE(rate_limits_pauses_and_waiting_defer_without_counting) {
    Instant reset = k_now + Millis{900000};
    auto rl = update(Outcome::failure(Kind::rate_limited, "429", reset));
    BOOST_TEST((rl.status == TargetStatus::pending));
    BOOST_TEST((*rl.next_attempt_at == reset));
    BOOST_TEST(!rl.count_attempt);
    auto paused = update(Outcome::failure(Kind::paused, "credits exhausted"));
    BOOST_TEST((*paused.next_attempt_at == k_now + k_pause_wait));
    BOOST_TEST(!paused.count_attempt);
    auto waiting = update(Outcome::failure(Kind::waiting, "processing"));
    BOOST_TEST((*waiting.next_attempt_at == k_now + k_waiting_wait));
    auto past = update(Outcome::failure(Kind::rate_limited, "429", k_now - Millis{5000}));
    BOOST_TEST((*past.next_attempt_at == k_now));
}

BOOST_AUTO_TEST_CASE(duplicate_fails_a_first_request_and_posts_a_resumed_one) {
    auto first = update(Outcome::failure(Kind::duplicate, "same text"), 0, false);
    BOOST_TEST((first.status == TargetStatus::failed));
    BOOST_TEST(first.error_message == "duplicate: same text");
    auto resumed = update(Outcome::failure(Kind::duplicate, "same text"), 1, true);
    BOOST_TEST((resumed.status == TargetStatus::posted));
}

BOOST_AUTO_TEST_CASE(permanent_fails_unknown_stays_unknown_auth_waits) {
    BOOST_TEST((update(Outcome::failure(Kind::permanent, "422")).status == TargetStatus::failed));
    BOOST_TEST((update(Outcome::failure(Kind::unknown, "?")).status == TargetStatus::unknown));
    auto auth = update(Outcome::failure(Kind::auth_expired, "401"));
    BOOST_TEST((auth.status == TargetStatus::pending));
    BOOST_TEST(!auth.count_attempt);
}

BOOST_AUTO_TEST_SUITE_END()
