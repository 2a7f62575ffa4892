// postsched init: config skeleton, key file, store — idempotent.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/context.hpp"
#include "core/errors.hpp"
#include "crypto/vault.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace fs = std::filesystem;
namespace {

std::string config_skeleton(const config::Config& c) {
    return "# postsched configuration — see `man postsched` (CONFIGURATION).\n"
           "# Every key is optional; `postsched config show` prints the effective values.\n\n"
           "[store]\n"
           "url = \"" +
           c.store_url +
           "\"\n\n"
           "[scheduler]\n"
           "# lock_file = \"" +
           c.lock_file +
           "\"\n"
           "# batch_size = 200\n"
           "# concurrency = 4\n"
           "# time_budget = \"50s\"\n"
           "# lease = \"5m\"\n"
           "# max_attempts = 5\n"
           "# max_lateness = \"6h\"\n"
           "# timezone = \"Europe/Berlin\"\n\n"
           "[security]\n"
           "key_file = \"" +
           c.key_file +
           "\"\n\n"
           "[log]\n"
           "# level = \"warning\"\n"
           "# file = \"/var/log/postsched.log\"\n";
}

std::string user_config_path() {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    std::string base = xdg && *xdg == '/' ? xdg : std::string(home ? home : "/root") + "/.config";
    return base + "/postsched/config.toml";
}

int run_init(Context& ctx) {
    const auto& c = ctx.config();
    if (c.config_file.empty()) {
        std::string path =
            ctx.options().config_path.empty() ? user_config_path() : ctx.options().config_path;
        // The config folder also holds the key file: private from the start.
        auto dir = fs::path(path).parent_path();
        if (!dir.empty() && !fs::exists(dir)) {
            fs::create_directories(dir);
            fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
        }
        std::ofstream out(path);
        if (!out)
            throw Error(Exit::cant_create, "cannot write config file \"" + path + "\"");
        out << config_skeleton(c);
        std::cout << "wrote config " << path << "\n";
    } else {
        std::cout << "config " << c.config_file << " (kept)\n";
    }
    if (!c.secret_key_env.empty()) {
        std::cout << "keys from the environment (no key file needed)\n";
    } else if (fs::exists(c.key_file)) {
        std::cout << "key file " << c.key_file << " (kept)\n";
    } else {
        crypto::write_new_key_file(c.key_file);
        std::cout << "wrote key file " << c.key_file
                  << " (mode 0600 — back it up: without it stored tokens cannot be read)\n";
    }
    ctx.vault();  // proves the keys load
    int applied = ctx.raw_store().migrate();
    std::cout << "store migrated (" << applied << " migration(s) applied, schema version "
              << ctx.raw_store().latest_version() << ")\n";
    return 0;
}

}  // namespace

void register_init(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "init", "create the config skeleton, the key file (0600) and the store; safe to repeat");
    cmd->callback([&ctx] { ctx.action = [&ctx] { return run_init(ctx); }; });
}

}  // namespace postsched::cli
