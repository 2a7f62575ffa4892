// postsched config show: every effective value with its origin.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "cli/output.hpp"

namespace postsched::cli {

void register_config(CLI::App& app, Context& ctx) {
    auto* config = app.add_subcommand("config", "inspect the configuration");
    config->require_subcommand(1);
    auto* show = config->add_subcommand(
        "show", "print each effective value and where it came from (secrets masked)");
    static bool json = false;
    show->add_flag("--json", json, "JSON output");
    show->callback([&ctx] {
        ctx.action = [&ctx] {
            const auto& c = ctx.config();
            if (json) {
                nlohmann::json a = nlohmann::json::array();
                for (const auto& o : c.origins)
                    a.push_back({{"key", o.key}, {"value", o.value}, {"origin", o.origin}});
                std::cout << nlohmann::json{{"config_file", c.config_file}, {"values", a}}.dump(2)
                          << "\n";
                return 0;
            }
            std::cout << "# config file: " << (c.config_file.empty() ? "(none)" : c.config_file)
                      << "\n";
            std::vector<std::vector<std::string>> rows;
            for (const auto& o : c.origins)
                rows.push_back({o.key, o.value, o.origin});
            print_table(std::cout, {"KEY", "VALUE", "ORIGIN"}, rows);
            return 0;
        };
    });
}

}  // namespace postsched::cli
