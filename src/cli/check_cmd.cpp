// postsched check: exits non-zero, saying why, when something needs a human.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/health.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "oauth/provider.hpp"

namespace postsched::cli {
namespace {

struct Finding {
    std::string kind;
    std::string message;
};

struct Findings {
    std::vector<Finding> problems;  // any of these: exit 1
    std::vector<Finding> notes;     // worth knowing, not failing
};

Findings examine(const Health& h, const config::Config& config) {
    Findings f;
    if (!h.last_run) {
        f.problems.push_back({"no_pass", "no pass has run yet: is `postsched run` in crontab?"});
    } else if (h.now - h.last_run->started_at > config.check_max_pass_age) {
        f.problems.push_back(
            {"stale_pass", "the last pass started " + format_instant(h.last_run->started_at) +
                               " on " + h.last_run->host + ", more than " +
                               format_duration(config.check_max_pass_age) +
                               " ago (check.max_pass_age): is cron running `postsched run`?"});
    }
    auto count = [&h](const char* status) {
        auto it = h.queue.targets.find(status);
        return it == h.queue.targets.end() ? 0 : it->second;
    };
    if (int n = count("unknown"))
        f.problems.push_back(
            {"unknown", std::to_string(n) +
                            " target(s) unknown (an interrupted publish nobody could confirm): "
                            "look on the platform, then `postsched target resolve` or "
                            "`postsched retry --force` (see `postsched post list --status "
                            "unknown`)"});
    for (const auto& a : h.accounts) {
        if (!a.is_active)
            continue;
        if (a.needs_reconnect)
            f.problems.push_back({"needs_reconnect", "account \"" + a.name +
                                                         "\" needs reconnecting: its targets "
                                                         "wait until then"});
        if (a.token_expiry && !oauth::can_refresh(a) &&
            *a.token_expiry - h.now < config.check_token_warning) {
            bool expired = *a.token_expiry <= h.now;
            f.problems.push_back({expired ? "token_expired" : "token_expiring",
                                  "the token of account \"" + a.name + "\" " +
                                      (expired ? "expired" : "expires") + " " +
                                      format_instant(*a.token_expiry) +
                                      " and cannot be refreshed: reconnect it" +
                                      (expired ? "" : " before then (check.token_warning)")});
        }
    }
    for (const auto& held : h.held) {
        std::string until = held.until ? " until " + format_instant(*held.until) : "";
        std::string why = held.reason.empty() ? "" : ": " + held.reason;
        if (held.kind == "paused")
            f.problems.push_back({"paused", held.name + " is paused" + until + why});
        else
            f.notes.push_back({"rate_limited", held.name + " is rate-limited" + until + why});
    }
    if (int n = count("skipped"))
        f.notes.push_back({"skipped", std::to_string(n) +
                                          " target(s) skipped for lateness (see `postsched post "
                                          "list --status skipped`; `postsched retry` sends one)"});
    if (int n = count("failed"))
        f.notes.push_back({"failed", std::to_string(n) + " target(s) failed (see `postsched post "
                                                         "list --status failed`)"});
    return f;
}

int run_check(Context& ctx, bool json) {
    Health h = read_health(ctx, std::chrono::hours(24));
    Findings f = examine(h, ctx.config());
    int code = f.problems.empty() ? 0 : static_cast<int>(Exit::failure);
    if (json) {
        auto list = [](const std::vector<Finding>& v) {
            nlohmann::json a = nlohmann::json::array();
            for (const auto& x : v)
                a.push_back({{"kind", x.kind}, {"message", x.message}});
            return a;
        };
        std::cout << nlohmann::json{{"ok", f.problems.empty()},
                                    {"problems", list(f.problems)},
                                    {"notes", list(f.notes)}}
                         .dump(2)
                  << "\n";
        return code;
    }
    for (const auto& p : f.problems)
        std::cout << "PROBLEM: " << p.message << "\n";
    for (const auto& n : f.notes)
        std::cout << "note: " << n.message << "\n";
    if (f.problems.empty())
        std::cout << "ok\n";
    return code;
}

}  // namespace

void register_check(CLI::App& app, Context& ctx) {
    static bool json = false;
    auto* c = app.add_subcommand(
        "check",
        "health check for monitoring: exit 1, saying why, when the last pass is too old, targets "
        "are unknown, accounts need reconnecting or are paused, or tokens expire soon");
    c->add_flag("--json", json, "JSON output");
    c->callback([&ctx] { ctx.action = [&ctx] { return run_check(ctx, json); }; });
}

}  // namespace postsched::cli
