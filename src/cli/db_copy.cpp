// postsched db copy: a whole store from one URL to another (SQLite ⇄ PostgreSQL).
#include "cli/db_copy.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/output.hpp"
#include "store/store_copy.hpp"
#include "store/store_url.hpp"

namespace postsched::cli {
namespace {

struct CopyArgs {
    std::string from;
    std::string to;
    bool force = false;
    bool json = false;
};

int run_copy(Context& ctx, const CopyArgs& a) {
    store::CopyOptions o;
    o.from_url = a.from;
    o.to_url = a.to;
    o.force = a.force;
    o.busy_timeout = ctx.config().busy_timeout;
    auto copied = store::copy_store(o);
    std::string from = store::redact_url(a.from), to = store::redact_url(a.to);
    if (a.json) {
        nlohmann::json tables = nlohmann::json::object();
        for (const auto& t : copied)
            tables[t.table] = t.rows;
        std::cout << nlohmann::json{{"from", from}, {"to", to}, {"tables", tables}}.dump(2) << "\n";
        return 0;
    }
    std::cout << "copied " << from << " to " << to << "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& t : copied)
        rows.push_back({t.table, std::to_string(t.rows)});
    print_table(std::cout, {"TABLE", "ROWS"}, rows);
    return 0;
}

}  // namespace

void register_db_copy(CLI::App& db, Context& ctx) {
    static CopyArgs a;
    auto* copy = db.add_subcommand(
        "copy", "copy a whole store to another (SQLite and PostgreSQL, either direction)");
    copy->add_option("--from", a.from, "store URL to read (sqlite:///path or postgresql://…)")
        ->required();
    copy->add_option("--to", a.to, "store URL to write; created and migrated when new")->required();
    copy->add_flag("--force", a.force, "replace the contents of a destination that holds data");
    copy->add_flag("--json", a.json, "JSON output");
    copy->callback([&ctx] { ctx.action = [&ctx] { return run_copy(ctx, a); }; });
}

}  // namespace postsched::cli
