// postsched db migrate | status | copy
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/db_copy.hpp"
#include "cli/output.hpp"
#include "core/errors.hpp"
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
}

}  // namespace postsched::cli
