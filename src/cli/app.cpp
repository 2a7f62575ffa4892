#include "cli/app.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/context.hpp"
#include "core/errors.hpp"

namespace postsched::cli {
namespace {

spdlog::level::level_enum level_from(const std::string& name) {
    if (name == "debug")
        return spdlog::level::debug;
    if (name == "info")
        return spdlog::level::info;
    if (name == "error")
        return spdlog::level::err;
    if (name == "off")
        return spdlog::level::off;
    return spdlog::level::warn;
}

// Logs go to stderr (cron mails them) or the configured file; the level is
// the configured one, raised by -v/-vv, lowered by -q.
void setup_logging(const GlobalOptions& g, const config::Config* c) {
    std::shared_ptr<spdlog::logger> logger;
    if (c && !c->log_file.empty()) {
        try {
            logger = spdlog::basic_logger_mt("postsched", c->log_file);
        } catch (const spdlog::spdlog_ex&) {
            throw Error(Exit::cant_create, "cannot open log file \"" + c->log_file + "\"");
        }
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [%P] %l: %v");
    } else {
        logger = spdlog::stderr_logger_mt("postsched");
        logger->set_pattern("postsched: %l: %v");
    }
    auto level = level_from(c ? c->log_level : "warning");
    if (g.verbose == 1)
        level = std::min(level, spdlog::level::info);
    if (g.verbose >= 2)
        level = spdlog::level::debug;
    if (g.quiet)
        level = spdlog::level::err;
    logger->set_level(level);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);
}

void print_error(const std::string& message) {
    std::cerr << "postsched: error: " << message << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
    GlobalOptions global;
    CLI::App app{"postsched — schedule social-media posts from cron, CI and scripts"};
    app.set_version_flag("--version", std::string("postsched ") + POSTSCHED_VERSION);
    app.add_option("-c,--config", global.config_path, "config file (default: see FILES in man)");
    app.add_flag("-v,--verbose", global.verbose, "more log output (-vv: debug)");
    app.add_flag("-q,--quiet", global.quiet, "errors only");
    app.require_subcommand(1);
    app.fallthrough();
    Context ctx(global);
    register_init(app, ctx);
    register_config(app, ctx);
    register_db(app, ctx);
    register_account(app, ctx);
    register_post(app, ctx);
    register_run(app, ctx);
    register_retry(app, ctx);
    register_import(app, ctx);
    register_export(app, ctx);
    register_stats(app, ctx);
    register_check(app, ctx);
    register_validate(app, ctx);
    register_keys(app, ctx);
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        print_error(e.what());
        std::cerr << "Run with --help for more information." << std::endl;
        return static_cast<int>(Exit::usage);
    }
    try {
        const config::Config* config = nullptr;
        try {
            config = &ctx.config();
        } catch (const Error&) {
            // the command reports the config error itself
        }
        setup_logging(global, config);
        return ctx.action ? ctx.action() : 0;
    } catch (const Error& e) {
        print_error(e.what());
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        print_error(std::string("internal error: ") + e.what());
        return static_cast<int>(Exit::software);
    }
}

}  // namespace postsched::cli
