// post publish: one post now, bypassing its schedule, with a per-target summary.
#include "cli/publish_cmd.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/output.hpp"
#include "core/errors.hpp"
#include "scheduler/pass.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

// Why a pending target of this account was not sent now.
std::string held_reason(const Account& a, const std::vector<store::RateLimit>& limits) {
    if (!a.is_active)
        return "account \"" + a.name + "\" is disabled";
    if (a.needs_reconnect)
        return "account \"" + a.name + "\" needs reconnecting";
    for (const auto& l : limits)
        if (l.scope == a.id || l.scope == "app:" + a.platform)
            return (l.kind == "paused" ? "paused" : "rate-limited") +
                   (l.reset_at ? " until " + optional_instant(l.reset_at) : std::string()) +
                   (l.reason.empty() ? "" : ": " + l.reason);
    return "";
}

}  // namespace

int publish_now(Context& ctx, const std::string& id, bool json) {
    auto& store = ctx.store();
    auto view = store.get_post(id);
    if (!view)
        throw Error(Exit::data, "no post \"" + id + "\" (see `postsched post list`)");
    const Post& post = view->post;
    if (post.status == PostStatus::draft)
        throw Error(Exit::data,
                    "post " + post.id + " is a draft: `postsched post approve` it first");
    if (post.status == PostStatus::cancelled)
        throw Error(Exit::data, "post " + post.id + " is cancelled");
    Instant now = ctx.clock().now();
    for (const auto& t : view->targets)
        if (t.status == TargetStatus::failed || t.status == TargetStatus::skipped)
            store.retry_target(t.id, false, now);

    scheduler::Pass pass(store, ctx.vault(), ctx.config(), ctx.http(), ctx.clock());
    pass.publish_post(post.id);

    auto after = store.get_post(post.id);
    auto limits = store.active_rate_limits(ctx.clock().now());
    bool failed = false, waiting = false;
    nlohmann::json targets = nlohmann::json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : after->targets) {
        std::string error = t.error_message;
        switch (t.status) {
            case TargetStatus::posted:
            case TargetStatus::cancelled:
                error.clear();
                break;
            case TargetStatus::failed:
            case TargetStatus::unknown:
            case TargetStatus::skipped:
                failed = true;
                break;
            default: {
                waiting = true;
                auto account = store.find_account(t.account_name);
                std::string why = account ? held_reason(*account, limits) : "";
                if (t.status != TargetStatus::pending)
                    why = "being sent by a running pass";
                if (!why.empty())
                    error = why;
                break;
            }
        }
        targets.push_back({{"target_id", t.id},
                           {"account", t.account_name},
                           {"platform", t.platform},
                           {"status", to_string(t.status)},
                           {"url", t.platform_post_url},
                           {"error", error}});
        rows.push_back({t.account_name, t.platform, std::string(to_string(t.status)),
                        t.platform_post_url, preview(error, 80)});
    }
    int code = failed    ? static_cast<int>(Exit::failure)
               : waiting ? static_cast<int>(Exit::temp_fail)
                         : 0;
    if (json) {
        std::cout << nlohmann::json{{"post_id", post.id},
                                    {"status", to_string(after->post.status)},
                                    {"exit_code", code},
                                    {"targets", targets}}
                         .dump(2)
                  << "\n";
    } else {
        print_table(std::cout, {"ACCOUNT", "PLATFORM", "STATUS", "URL", "ERROR"}, rows);
    }
    return code;
}

}  // namespace postsched::cli
