#pragma once
// What `stats` and `check` both read: the queue numbers, held accounts and
// the last pass, gathered once.
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace postsched::cli {

class Context;

struct HeldAccount {
    std::string name;  // account name, or "app:PLATFORM" for an app-wide hold
    std::string kind;  // rate_limited | paused
    std::optional<Instant> until;
    std::string reason;
};

struct Health {
    Instant now{};
    Instant since{};
    store::QueueStats queue;
    std::vector<HeldAccount> held;
    std::vector<Account> accounts;
    std::optional<store::RunRecord> last_run;
    double delay_avg_s = 0, delay_p50_s = 0, delay_p95_s = 0;
    double failure_rate = 0;  // failed / (posted + failed) since `since`; 0 when none
};

Health read_health(Context& ctx, Millis window);

// The value at quantile q (0..1) of `values` (nearest rank); 0 when empty.
double quantile(std::vector<long long> values, double q);

}  // namespace postsched::cli
