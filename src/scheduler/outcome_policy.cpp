#include "scheduler/outcome_policy.hpp"

#include <algorithm>
#include <cmath>

namespace postsched::scheduler {

using Kind = adapters::Outcome::Kind;

Millis backoff_delay(const RetryPolicy& policy, int attempt, double unit_random) {
    double exp = std::pow(2.0, std::max(0, attempt - 1));
    double full = std::min(static_cast<double>(policy.max.count()),
                           static_cast<double>(policy.base.count()) * exp);
    double d = full / 2.0 + unit_random * full / 2.0;
    return Millis{static_cast<long long>(d)};
}

store::TargetUpdate target_update(const adapters::Outcome& o, const Target& target,
                                  const RetryPolicy& policy, Instant now, bool resuming,
                                  double unit_random) {
    store::TargetUpdate u;
    u.error_kind = std::string(adapters::to_string(o.kind));
    u.error_message = o.message;
    switch (o.kind) {
        case Kind::posted:
            u.status = TargetStatus::posted;
            u.platform_post_id = o.platform_post_id;
            u.url = o.url;
            u.posted_at = now;
            u.error_kind.clear();
            u.error_message.clear();
            break;
        case Kind::duplicate:
            if (resuming) {  // our own earlier attempt got through
                u.status = TargetStatus::posted;
                u.platform_post_id = o.platform_post_id;
                u.url = o.url;
                u.posted_at = now;
            } else {
                u.status = TargetStatus::failed;
                u.error_message = "duplicate: " + o.message;
            }
            break;
        case Kind::rate_limited:
            u.status = TargetStatus::pending;
            u.next_attempt_at = std::max(now, o.retry_at.value_or(now + k_rate_limit_wait));
            break;
        case Kind::paused:
            u.status = TargetStatus::pending;
            u.next_attempt_at = std::max(now, o.retry_at.value_or(now + k_pause_wait));
            break;
        case Kind::waiting:
            u.status = TargetStatus::pending;
            u.next_attempt_at = std::max(now, o.retry_at.value_or(now + k_waiting_wait));
            break;
        case Kind::auth_expired:
            // The account is flagged needs_reconnect by the pass; its targets wait.
            u.status = TargetStatus::pending;
            break;
        case Kind::transient: {
            int attempt = target.attempts + 1;
            u.count_attempt = true;
            if (attempt >= policy.max_attempts) {
                u.status = TargetStatus::failed;
                u.error_message =
                    o.message + " (gave up after " + std::to_string(attempt) + " attempts)";
            } else {
                u.status = TargetStatus::pending;
                u.next_attempt_at = now + backoff_delay(policy, attempt, unit_random);
            }
            break;
        }
        case Kind::permanent:
            u.status = TargetStatus::failed;
            u.count_attempt = true;
            break;
        case Kind::unknown:
            u.status = TargetStatus::unknown;
            break;
    }
    return u;
}

}  // namespace postsched::scheduler
