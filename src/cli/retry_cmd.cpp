// postsched retry | target resolve: settle targets by hand.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

struct RetryOptions {
    std::string target, account, since;
    bool failed = false, force = false;
};

store::TargetView require_target(Context& ctx, const std::string& id) {
    auto t = ctx.store().get_target(id);
    if (!t)
        throw Error(Exit::data,
                    "no target \"" + id + "\" (target ids are in `postsched post show`)");
    return *t;
}

int retry_one(Context& ctx, const RetryOptions& o) {
    auto t = require_target(ctx, o.target);
    if (t.status == TargetStatus::unknown && !o.force)
        throw Error(Exit::data, "target " + t.id +
                                    " is unknown: it may have been published. Check " +
                                    t.account_name +
                                    ", then `postsched target resolve` it, or retry with --force "
                                    "to publish again");
    if (!ctx.store().retry_target(t.id, o.force, ctx.clock().now()))
        throw Error(Exit::data, "target " + t.id + " is " + std::string(to_string(t.status)) +
                                    ": only failed, skipped (and, with --force, unknown) targets "
                                    "can be retried");
    std::cout << "target " << t.id << " (" << t.account_name << ") is pending again\n";
    return 0;
}

int retry_many(Context& ctx, const RetryOptions& o) {
    std::optional<Instant> since;
    if (!o.since.empty()) {
        since = parse_offset_instant(o.since);
        if (!since)
            throw Error(Exit::usage, "--since \"" + o.since + "\" is not an ISO-8601 instant");
    }
    int n = 0;
    for (const auto& t : ctx.store().list_targets(TargetStatus::failed, o.account, since))
        n += ctx.store().retry_target(t.id, false, ctx.clock().now()) ? 1 : 0;
    std::cout << n << " failed target(s) pending again\n";
    return 0;
}

}  // namespace

void register_retry(CLI::App& app, Context& ctx) {
    static RetryOptions o;
    auto* r = app.add_subcommand("retry",
                                 "send a failed, skipped or (with --force) unknown target again");
    r->add_option("target", o.target, "target id (or a unique prefix), from `post show`");
    r->add_flag("--failed", o.failed, "retry every failed target (narrow with --account, --since)");
    r->add_option("--account", o.account, "with --failed: only this account's targets");
    r->add_option("--since", o.since, "with --failed: only targets that failed since this instant");
    r->add_flag("--force", o.force, "also retry an unknown target (it may publish twice)");
    r->callback([&ctx] {
        ctx.action = [&ctx] {
            if (o.failed == !o.target.empty())
                throw Error(Exit::usage, "give a TARGET id or --failed");
            if (!o.failed && (!o.account.empty() || !o.since.empty()))
                throw Error(Exit::usage, "--account and --since go with --failed");
            return o.failed ? retry_many(ctx, o) : retry_one(ctx, o);
        };
    });

    static std::string resolve_id, posted_url;
    static bool resolve_failed = false;
    auto* target = app.add_subcommand("target", "settle a target by hand");
    target->require_subcommand(1);
    auto* res =
        target->add_subcommand("resolve", "settle an unknown target: it was posted, or it failed");
    res->add_option("target", resolve_id, "target id (or a unique prefix)")->required();
    res->add_option("--posted", posted_url, "it was published; its URL");
    res->add_flag("--failed", resolve_failed, "it was not published");
    res->callback([&ctx] {
        ctx.action = [&ctx] {
            if (posted_url.empty() == !resolve_failed)
                throw Error(Exit::usage, "give --posted URL or --failed");
            auto t = require_target(ctx, resolve_id);
            if (!ctx.store().resolve_target(t.id, posted_url, ctx.clock().now()))
                throw Error(Exit::data, "target " + t.id + " is " +
                                            std::string(to_string(t.status)) + ", not unknown");
            std::cout << "target " << t.id << " resolved as "
                      << (resolve_failed ? "failed" : "posted") << "\n";
            return 0;
        };
    });
}

}  // namespace postsched::cli
