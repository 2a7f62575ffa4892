#include "cli/health.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "cli/context.hpp"

namespace postsched::cli {

double quantile(std::vector<long long> values, double q) {
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size())));
    return static_cast<double>(values[std::clamp<std::size_t>(rank, 1, values.size()) - 1]);
}

Health read_health(Context& ctx, Millis window) {
    auto& store = ctx.store();
    Health h;
    h.now = ctx.clock().now();
    h.since = h.now - window;
    h.queue = store.queue_stats(h.now, h.since);
    h.accounts = store.list_accounts();
    h.last_run = store.last_run();
    std::map<std::string, std::string> names;
    for (const auto& a : h.accounts)
        names[a.id] = a.name;
    for (const auto& l : store.active_rate_limits(h.now)) {
        auto it = names.find(l.scope);
        h.held.push_back({it == names.end() ? l.scope : it->second, l.kind, l.reset_at, l.reason});
    }
    const auto& d = h.queue.delays_ms;
    if (!d.empty()) {
        h.delay_avg_s = static_cast<double>(std::accumulate(d.begin(), d.end(), 0LL)) /
                        static_cast<double>(d.size()) / 1000.0;
        h.delay_p50_s = quantile(d, 0.5) / 1000.0;
        h.delay_p95_s = quantile(d, 0.95) / 1000.0;
    }
    int settled = h.queue.posted_since + h.queue.failed_since;
    if (settled > 0)
        h.failure_rate = static_cast<double>(h.queue.failed_since) / settled;
    return h;
}

}  // namespace postsched::cli
