// postsched stats: queue depth, delays, failures and the last pass, as text,
// JSON or a node_exporter textfile.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/context.hpp"
#include "cli/health.hpp"
#include "cli/output.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"

namespace postsched::cli {
namespace {

const char* const k_post_statuses[] = {"draft",  "pending", "posting",
                                       "posted", "failed",  "cancelled"};
const char* const k_target_statuses[] = {"pending", "claimed",   "sending", "posted",
                                         "failed",  "cancelled", "skipped", "unknown"};

int count_of(const std::map<std::string, int>& m, const std::string& key) {
    auto it = m.find(key);
    return it == m.end() ? 0 : it->second;
}

std::string counts_line(const std::map<std::string, int>& m, const char* const* names,
                        std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += fmt::format("{}{} {}", s.empty() ? "" : ", ", names[i], count_of(m, names[i]));
    return s;
}

double seconds(Instant t) {
    return static_cast<double>(t.time_since_epoch().count()) / 1000.0;
}

std::string prometheus_text(const Health& h) {
    std::ostringstream o;
    auto gauge = [&o](const char* name, const char* help) {
        o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n";
    };
    gauge("postsched_posts", "Posts by status.");
    for (const char* s : k_post_statuses)
        o << "postsched_posts{status=\"" << s << "\"} " << count_of(h.queue.posts, s) << "\n";
    gauge("postsched_targets", "Targets (one post on one account) by status.");
    for (const char* s : k_target_statuses)
        o << "postsched_targets{status=\"" << s << "\"} " << count_of(h.queue.targets, s) << "\n";
    gauge("postsched_due_targets",
          "Pending targets whose time has come: ready for the next pass, or waiting (backoff, "
          "rate limit, pause, account held).");
    o << "postsched_due_targets{state=\"ready\"} " << h.queue.due_ready << "\n";
    o << "postsched_due_targets{state=\"waiting\"} " << h.queue.due_waiting << "\n";
    gauge("postsched_held_accounts", "Accounts (or apps) rate-limited or paused now.");
    int limited = 0, paused = 0;
    for (const auto& a : h.held)
        ++(a.kind == "paused" ? paused : limited);
    o << "postsched_held_accounts{kind=\"rate_limited\"} " << limited << "\n";
    o << "postsched_held_accounts{kind=\"paused\"} " << paused << "\n";
    gauge("postsched_accounts_needing_reconnect", "Accounts whose tokens were refused.");
    int reconnect = 0;
    for (const auto& a : h.accounts)
        reconnect += a.needs_reconnect ? 1 : 0;
    o << "postsched_accounts_needing_reconnect " << reconnect << "\n";
    gauge("postsched_window_seconds", "The window the delay and failure figures cover.");
    o << "postsched_window_seconds " << seconds(h.now) - seconds(h.since) << "\n";
    gauge("postsched_window_targets", "Targets settled in the window, by outcome.");
    o << "postsched_window_targets{outcome=\"posted\"} " << h.queue.posted_since << "\n";
    o << "postsched_window_targets{outcome=\"failed\"} " << h.queue.failed_since << "\n";
    gauge("postsched_failure_ratio", "failed / (posted + failed) in the window.");
    o << "postsched_failure_ratio " << h.failure_rate << "\n";
    gauge("postsched_publish_delay_seconds",
          "Delay from scheduled time to published, in the window.");
    o << "postsched_publish_delay_seconds{stat=\"avg\"} " << h.delay_avg_s << "\n";
    o << "postsched_publish_delay_seconds{stat=\"p50\"} " << h.delay_p50_s << "\n";
    o << "postsched_publish_delay_seconds{stat=\"p95\"} " << h.delay_p95_s << "\n";
    if (h.last_run) {
        gauge("postsched_last_pass_start_timestamp_seconds", "When the last pass started.");
        o << "postsched_last_pass_start_timestamp_seconds " << seconds(h.last_run->started_at)
          << "\n";
        if (h.last_run->finished_at) {
            gauge("postsched_last_pass_end_timestamp_seconds", "When the last pass finished.");
            o << "postsched_last_pass_end_timestamp_seconds " << seconds(*h.last_run->finished_at)
              << "\n";
        }
    }
    return o.str();
}

// Writes `text` to `path` atomically: a temporary file beside it, then
// rename, so node_exporter never reads half a file.
void write_atomically(const std::string& path, const std::string& text) {
    std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << text;
        out.flush();
        if (!out)
            throw Error(Exit::cant_create, "--prometheus \"" + path + "\": cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw Error(Exit::cant_create,
                    "--prometheus \"" + path + "\": cannot rename " + tmp + " onto it");
    }
}

nlohmann::json stats_json(const Health& h) {
    nlohmann::json posts = nlohmann::json::object(), targets = nlohmann::json::object(),
                   held = nlohmann::json::array();
    for (const char* s : k_post_statuses)
        posts[s] = count_of(h.queue.posts, s);
    for (const char* s : k_target_statuses)
        targets[s] = count_of(h.queue.targets, s);
    for (const auto& a : h.held)
        held.push_back({{"account", a.name},
                        {"kind", a.kind},
                        {"until", a.until ? format_instant(*a.until) : ""},
                        {"reason", a.reason}});
    nlohmann::json last = nullptr;
    if (h.last_run)
        last = {{"started_at", format_instant(h.last_run->started_at)},
                {"finished_at", optional_instant(h.last_run->finished_at)},
                {"host", h.last_run->host},
                {"pid", h.last_run->pid},
                {"claimed", h.last_run->claimed},
                {"posted", h.last_run->posted},
                {"failed", h.last_run->failed},
                {"deferred", h.last_run->deferred},
                {"released", h.last_run->released},
                {"unknown", h.last_run->unknown}};
    return {
        {"now", format_instant(h.now)},
        {"since", format_instant(h.since)},
        {"posts", posts},
        {"targets", targets},
        {"due_ready", h.queue.due_ready},
        {"due_waiting", h.queue.due_waiting},
        {"held_accounts", held},
        {"window", {{"posted", h.queue.posted_since}, {"failed", h.queue.failed_since}}},
        {"failure_rate", h.failure_rate},
        {"delay_seconds", {{"avg", h.delay_avg_s}, {"p50", h.delay_p50_s}, {"p95", h.delay_p95_s}}},
        {"last_pass", last}};
}

void print_text(const Health& h) {
    std::cout << "posts:     " << counts_line(h.queue.posts, k_post_statuses, 6) << "\n"
              << "targets:   " << counts_line(h.queue.targets, k_target_statuses, 8) << "\n"
              << "due now:   " << h.queue.due_ready << " ready, " << h.queue.due_waiting
              << " waiting (backoff, rate limit, pause or account held)\n";
    for (const auto& a : h.held)
        std::cout << "held:      " << a.name << " "
                  << (a.kind == "paused" ? "paused" : "rate-limited")
                  << (a.until ? " until " + format_instant(*a.until) : "")
                  << (a.reason.empty() ? "" : ": " + a.reason) << "\n";
    std::cout << fmt::format(
        "since {}: {} posted, {} failed (failure rate {:.1f}%); delay to publish avg {:.0f}s, "
        "p50 {:.0f}s, p95 {:.0f}s\n",
        format_instant(h.since), h.queue.posted_since, h.queue.failed_since, h.failure_rate * 100,
        h.delay_avg_s, h.delay_p50_s, h.delay_p95_s);
    if (!h.last_run) {
        std::cout << "last pass: none recorded\n";
        return;
    }
    const auto& r = *h.last_run;
    std::cout << "last pass: " << format_instant(r.started_at) << " on " << r.host << " (pid "
              << r.pid << "), "
              << (r.finished_at ? "finished " + format_instant(*r.finished_at)
                                : std::string("not finished"))
              << fmt::format(
                     ": {} claimed, {} posted, {} failed, {} deferred, {} released, {} "
                     "unknown\n",
                     r.claimed, r.posted, r.failed, r.deferred, r.released, r.unknown);
}

struct StatsOptions {
    std::string since = "24h", prometheus;
    bool json = false;
};

int run_stats(Context& ctx, const StatsOptions& o) {
    auto window = parse_duration(o.since);
    if (!window)
        throw Error(Exit::usage, "--since \"" + o.since + "\" is not a duration (like 24h)");
    Health h = read_health(ctx, *window);
    if (!o.prometheus.empty())
        write_atomically(o.prometheus, prometheus_text(h));
    if (o.json)
        std::cout << stats_json(h).dump(2) << "\n";
    else if (o.prometheus.empty())
        print_text(h);
    return 0;
}

}  // namespace

void register_stats(CLI::App& app, Context& ctx) {
    static StatsOptions o;
    auto* s = app.add_subcommand("stats", "queue depth, delays, failure rate and the last pass");
    s->add_option("--since", o.since, "window for delays and failure rate (default 24h)");
    s->add_flag("--json", o.json, "JSON output");
    s->add_option("--prometheus", o.prometheus,
                  "write a node_exporter textfile here (atomically); prints nothing else "
                  "unless --json");
    s->callback([&ctx] { ctx.action = [&ctx] { return run_stats(ctx, o); }; });
}

}  // namespace postsched::cli
