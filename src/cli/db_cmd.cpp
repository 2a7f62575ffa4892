// postsched db migrate | status | copy | prune
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/db_copy.hpp"
#include "cli/output.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"
#include "store/store_url.hpp"

namespace postsched::cli {
namespace {

// The store URL fit for output: a password in a URL is masked.
std::string display_url(const std::string& url) {
    return store::redact_url(url);
}

int run_status(Context& ctx, bool json) {
    auto& s = ctx.raw_store();
    auto applied = s.applied_migrations();
    int current = applied.empty() ? 0 : applied.back().version;
    if (json) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& m : applied)
            a.push_back({{"version", m.version}, {"name", m.name}, {"applied_at", m.applied_at}});
        std::cout << nlohmann::json{{"store", display_url(ctx.config().store_url)},
                                    {"version", current},
                                    {"latest", s.latest_version()},
                                    {"up_to_date", current == s.latest_version()},
                                    {"migrations", a}}
                         .dump(2)
                  << "\n";
    } else {
        std::cout << "store: " << display_url(ctx.config().store_url) << "\n"
                  << "schema version: " << current << " of " << s.latest_version()
                  << (current == s.latest_version()  ? " (up to date)"
                      : current > s.latest_version() ? " (written by a newer postsched: upgrade "
                                                       "postsched)"
                                                     : " (run `postsched db migrate`)")
                  << "\n";
        std::vector<std::vector<std::string>> rows;
        for (const auto& m : applied)
            rows.push_back({std::to_string(m.version), m.name, m.applied_at});
        if (!rows.empty())
            print_table(std::cout, {"VERSION", "NAME", "APPLIED"}, rows);
    }
    return current <= s.latest_version() ? 0 : static_cast<int>(Exit::config);
}

struct PruneOptions {
    std::string older_than;
    bool posts = false, json = false;
};

int run_prune(Context& ctx, const PruneOptions& o) {
    auto age = parse_duration(o.older_than);
    if (!age)
        throw Error(Exit::usage,
                    "--older-than \"" + o.older_than + "\" is not a duration (like 30d)");
    Instant before = ctx.clock().now() - *age;
    int runs = ctx.store().prune_runs(before);
    int posts = o.posts ? ctx.store().prune_posts(before) : 0;
    if (o.json)
        std::cout << nlohmann::json{{"before", format_instant(before)},
                                    {"runs", runs},
                                    {"posts", posts}}
                         .dump(2)
                  << "\n";
    else
        std::cout << "removed " << runs << " pass record(s)"
                  << (o.posts ? " and " + std::to_string(posts) + " settled post(s)" : "")
                  << " older than " << format_instant(before) << "\n";
    return 0;
}

}  // namespace

void register_db(CLI::App& app, Context& ctx) {
    auto* db = app.add_subcommand("db", "store schema maintenance");
    db->require_subcommand(1);
    auto* migrate = db->add_subcommand("migrate", "apply pending schema migrations");
    migrate->callback([&ctx] {
        ctx.action = [&ctx] {
            int n = ctx.raw_store().migrate();
            std::cout << n << " migration(s) applied; schema version "
                      << ctx.raw_store().latest_version() << "\n";
            return 0;
        };
    });
    auto* status = db->add_subcommand("status", "show the schema version and applied migrations");
    static bool json = false;
    status->add_flag("--json", json, "JSON output");
    status->callback([&ctx] { ctx.action = [&ctx] { return run_status(ctx, json); }; });
    register_db_copy(*db, ctx);

    static PruneOptions prune;
    auto* p = db->add_subcommand("prune", "remove old pass records (and settled posts)");
    p->add_option("--older-than", prune.older_than,
                  "remove what is older than this duration (e.g. 30d)")
        ->required();
    p->add_flag("--posts", prune.posts,
                "also remove posted, failed and cancelled posts last changed before then, with "
                "their targets");
    p->add_flag("--json", prune.json, "JSON output");
    p->callback([&ctx] { ctx.action = [&ctx] { return run_prune(ctx, prune); }; });
}

}  // namespace postsched::cli
