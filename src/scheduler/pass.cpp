#include "scheduler/pass.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "core/errors.hpp"
#include "core/ids.hpp"
#include "crypto/vault.hpp"
#include "media/media.hpp"
#include "oauth/refresh.hpp"
#include "scheduler/outcome_policy.hpp"

namespace postsched::scheduler {
namespace {

using Kind = adapters::Outcome::Kind;

std::string host_name() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0)
        return "unknown";
    return buf;
}

// Groups work by account so one account's targets go out in order.
std::vector<std::vector<size_t>> by_account(const std::vector<store::Claimed>& items) {
    std::map<std::string, std::vector<size_t>> groups;
    std::vector<std::string> order;
    for (size_t i = 0; i < items.size(); ++i) {
        auto& g = groups[items[i].account.id];
        if (g.empty())
            order.push_back(items[i].account.id);
        g.push_back(i);
    }
    std::vector<std::vector<size_t>> out;
    for (const auto& id : order)
        out.push_back(std::move(groups[id]));
    return out;
}

}  // namespace

Pass::Pass(store::Store& store, const crypto::Vault& vault, const config::Config& config,
           net::HttpClient& http, const Clock& clock)
    : m_store(store),
      m_vault(vault),
      m_config(config),
      m_http(http),
      m_clock(clock),
      m_media(
          std::make_unique<media::MediaCache>(http, config.media_max_bytes, config.http_timeout)),
      m_refresher(std::make_unique<oauth::Refresher>(store, vault, config, http, clock)) {}

Pass::~Pass() = default;

adapters::Adapter& Pass::adapter_for(const std::string& platform) {
    std::lock_guard lock(m_mutex);
    auto it = m_adapters.find(platform);
    if (it != m_adapters.end())
        return *it->second;
    const auto* info = adapters::find_adapter(platform);
    if (!info)
        throw Error(Exit::config, "no adapter for platform \"" + platform + "\"");
    adapters::AdapterContext ctx{m_http, m_clock, m_config.platform(platform)};
    return *m_adapters.emplace(platform, info->make(ctx)).first->second;
}

PassReport Pass::run(const PassOptions& options) {
    PassReport report;
    int limit = options.limit > 0 ? options.limit : m_config.batch_size;
    Millis budget = options.budget.count() > 0 ? options.budget : m_config.time_budget;
    auto deadline = std::chrono::steady_clock::now() + budget;
    Instant now = m_clock.now();
    if (options.dry_run) {
        report.would_publish = m_store.peek_due(now, limit);
        return report;
    }
    store::RunRecord run;
    run.id = new_uuid_v7(now);
    run.host = host_name();
    run.pid = static_cast<long>(::getpid());
    run.started_at = now;
    m_store.begin_run(run);
    std::string token = random_hex(16);
    // Idle accounts' tokens (Instagram/Threads 60-day tokens, Bluesky
    // sessions) must not lapse unused; a refused refresh flags the account
    // before its targets are claimed.
    report.refreshed = m_refresher->refresh_idle();
    report.recovered = m_store.release_expired_claims(now);
    std::vector<Work> work;
    for (auto& c : m_store.take_expired_sending(now, now + m_config.lease, token, limit))
        work.push_back({std::move(c), true});
    report.recovered += static_cast<int>(work.size());
    auto claim = m_store.claim_due(now, limit - static_cast<int>(work.size()), now + m_config.lease,
                                   token, m_config.max_lateness);
    report.skipped_late = claim.skipped_late;
    report.claimed = static_cast<int>(claim.claimed.size());
    for (auto& c : claim.claimed)
        work.push_back({std::move(c), false});
    if (report.skipped_late > 0)
        spdlog::warn("{} due target(s) were later than their maximum lateness and were skipped",
                     report.skipped_late);
    try {
        publish_and_release(std::move(work), token, report, deadline);
    } catch (...) {
        run.finished_at = m_clock.now();
        run.released = report.released;
        try {
            m_store.finish_run(run);
        } catch (const std::exception&) {
            // The store is what failed: the original error says so.
        }
        throw;
    }
    run.finished_at = m_clock.now();
    run.claimed = report.claimed;
    run.posted = report.posted;
    run.failed = report.failed;
    run.deferred = report.deferred;
    run.released = report.released;
    run.unknown = report.unknown;
    m_store.finish_run(run);
    return report;
}

PassReport Pass::publish_post(const std::string& post_id) {
    PassReport report;
    Instant now = m_clock.now();
    std::string token = random_hex(16);
    std::vector<Work> work;
    for (auto& c : m_store.claim_post(post_id, now, now + m_config.lease, token))
        work.push_back({std::move(c), false});
    report.claimed = static_cast<int>(work.size());
    publish_and_release(std::move(work), token, report,
                        std::chrono::steady_clock::now() + m_config.time_budget);
    return report;
}

void Pass::publish_and_release(std::vector<Work> work, const std::string& token, PassReport& report,
                               std::chrono::steady_clock::time_point deadline) {
    try {
        publish_all(std::move(work), token, report, deadline);
    } catch (...) {
        // Give every claim back so the next pass, with the problem fixed,
        // takes them at once. (With the store itself gone this throws too;
        // the leases then expire on their own.)
        try {
            report.released = m_store.release_claims(token);
        } catch (const std::exception& e) {
            spdlog::debug("could not release this pass's claims (their leases will expire): {}",
                          e.what());
        }
        throw;
    }
    report.released = m_store.release_claims(token);
}

void Pass::publish_all(std::vector<Work> work, const std::string& token, PassReport& report,
                       std::chrono::steady_clock::time_point deadline) {
    std::vector<store::Claimed> items;
    for (const auto& w : work)
        items.push_back(w.item);
    auto groups = by_account(items);
    std::atomic<size_t> next{0};
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex report_mutex;
    auto worker = [&] {
        try {
            for (size_t g = next++; g < groups.size() && !stop; g = next++) {
                for (size_t i : groups[g]) {
                    if (stop || std::chrono::steady_clock::now() >= deadline)
                        break;
                    TargetResult r = process(work[i], token);
                    std::lock_guard lock(report_mutex);
                    count(report, r);
                    report.results.push_back(std::move(r));
                }
            }
        } catch (...) {
            std::lock_guard lock(report_mutex);
            if (!failure)
                failure = std::current_exception();
            stop = true;
        }
    };
    size_t n = std::min<size_t>(static_cast<size_t>(m_config.concurrency), groups.size());
    std::vector<std::thread> threads;
    for (size_t t = 1; t < n; ++t)
        threads.emplace_back(worker);
    if (n > 0)
        worker();
    for (auto& t : threads)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
}

void Pass::count(PassReport& report, const TargetResult& r) {
    if (r.status == "posted")
        ++report.posted;
    else if (r.status == "failed")
        ++report.failed;
    else if (r.status == "unknown")
        ++report.unknown;
    else if (r.status == "pending")
        ++report.deferred;
}

}  // namespace postsched::scheduler
