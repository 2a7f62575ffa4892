#pragma once
// How an adapter's answer becomes a target state (design.md §4 and §6). Pure
// functions: the state machine is unit-tested without a store or network.
#include "adapters/adapter.hpp"
#include "store/store.hpp"

namespace postsched::scheduler {

struct RetryPolicy {
    int max_attempts = 5;
    Millis base{60000};
    Millis max{3600000};
};

// Exponential backoff with "equal jitter": half the delay fixed, half random.
// `attempt` is the number of failed requests so far (1 after the first);
// `unit_random` is in [0, 1).
Millis backoff_delay(const RetryPolicy& policy, int attempt, double unit_random);

// The target update for `outcome`. `resuming` is true when an earlier attempt
// may have reached the platform (a duplicate then means it succeeded).
store::TargetUpdate target_update(const adapters::Outcome& outcome, const Target& target,
                                  const RetryPolicy& policy, Instant now, bool resuming,
                                  double unit_random);

// Default waits when the platform names no time.
inline constexpr Millis k_rate_limit_wait{5 * 60 * 1000};
inline constexpr Millis k_pause_wait{60 * 60 * 1000};
inline constexpr Millis k_waiting_wait{30 * 1000};

}  // namespace postsched::scheduler
