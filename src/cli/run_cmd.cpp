// postsched run: one scheduling pass under the run lock.
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/output.hpp"
#include "core/errors.hpp"
#include "core/zoned_time.hpp"
#include "scheduler/pass.hpp"
#include "scheduler/run_lock.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

struct RunOptions {
    int limit = 0;
    double max_seconds = 0;
    double wait_seconds = 0;
    bool dry_run = false;
    bool json = false;
};

void print_dry_run(const scheduler::PassReport& r, bool json) {
    if (json) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& c : r.would_publish)
            a.push_back({{"post_id", c.post.id},
                         {"target_id", c.target.id},
                         {"account", c.account.name},
                         {"platform", c.account.platform},
                         {"parts", c.post.parts.size()},
                         {"media", c.post.media.size()}});
        std::cout << nlohmann::json{{"dry_run", true}, {"would_publish", a}}.dump(2) << "\n";
        return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : r.would_publish)
        rows.push_back(
            {c.post.id, c.account.name, c.account.platform, preview(c.post.parts[0], 50)});
    std::cout << r.would_publish.size() << " target(s) due; nothing sent (dry run)\n";
    if (!rows.empty())
        print_table(std::cout, {"POST", "ACCOUNT", "PLATFORM", "TEXT"}, rows);
}

void print_report(const scheduler::PassReport& r, bool json) {
    if (!json)
        return;  // quiet on success: cron mails whatever we print
    nlohmann::json a = nlohmann::json::array();
    for (const auto& t : r.results)
        a.push_back({{"post_id", t.post_id},
                     {"target_id", t.target_id},
                     {"account", t.account},
                     {"platform", t.platform},
                     {"status", t.status},
                     {"url", t.url},
                     {"error", t.error}});
    std::cout << nlohmann::json{{"recovered", r.recovered},
                                {"claimed", r.claimed},
                                {"posted", r.posted},
                                {"failed", r.failed},
                                {"deferred", r.deferred},
                                {"released", r.released},
                                {"unknown", r.unknown},
                                {"skipped_late", r.skipped_late},
                                {"targets", a}}
                     .dump(2)
              << "\n";
}

int run_pass(Context& ctx, const RunOptions& o) {
    const auto& config = ctx.config();
    auto lock = scheduler::RunLock::acquire(config.lock_file,
                                            Millis{static_cast<long long>(o.wait_seconds * 1000)});
    if (!lock) {
        spdlog::info("another pass holds {}; nothing to do", config.lock_file);
        return 0;
    }
    scheduler::Pass pass(ctx.store(), ctx.vault(), config, ctx.http(), ctx.clock());
    scheduler::PassOptions po;
    po.limit = o.limit;
    po.budget = Millis{static_cast<long long>(o.max_seconds * 1000)};
    po.dry_run = o.dry_run;
    auto report = pass.run(po);
    if (o.dry_run) {
        print_dry_run(report, o.json);
        return 0;
    }
    spdlog::info(
        "pass done: {} claimed, {} posted, {} failed, {} deferred, {} unknown, {} released",
        report.claimed, report.posted, report.failed, report.deferred, report.unknown,
        report.released);
    print_report(report, o.json);
    return 0;
}

}  // namespace

void register_run(CLI::App& app, Context& ctx) {
    static RunOptions o;
    auto* run = app.add_subcommand("run", "one scheduling pass: publish what is due, then exit");
    run->add_option("--limit", o.limit, "claim at most this many targets (default: batch_size)");
    run->add_option("--max-seconds", o.max_seconds,
                    "seconds; stop starting new publishes after this long (default: time_budget)");
    run->add_option("--wait", o.wait_seconds,
                    "seconds to wait for the run lock (default: exit 0 at once when busy)");
    run->add_flag("--dry-run", o.dry_run, "show what is due; send nothing, change nothing");
    run->add_flag("--json", o.json, "print the pass report as JSON");
    run->callback([&ctx] { ctx.action = [&ctx] { return run_pass(ctx, o); }; });
}

}  // namespace postsched::cli
