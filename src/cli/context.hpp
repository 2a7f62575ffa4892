#pragma once
// What every command needs, built lazily so `--help` and `config show` never
// open the store or read the keys.
#include <functional>
#include <memory>
#include <string>

#include "adapters/adapter.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"

namespace CLI {
class App;
}

namespace postsched {
namespace store {
class Store;
}
namespace crypto {
class Vault;
}
namespace net {
class HttpClient;
}

namespace cli {

struct GlobalOptions {
    std::string config_path;
    int verbose = 0;
    bool quiet = false;
};

class Context {
  public:
    // `options` is filled by parsing and must outlive the context.
    explicit Context(const GlobalOptions& options);
    ~Context();

    const GlobalOptions& options() const { return m_options; }
    const config::Config& config();
    // The store, at the current schema (a new store is created on first use).
    store::Store& store();
    // The store without the schema check (db migrate/status).
    store::Store& raw_store();
    const crypto::Vault& vault();
    // Forgets the loaded keys, so the next vault() reads them again (keys rotate).
    void reload_vault();
    const Clock& clock();
    net::HttpClient& http();
    // An adapter instance for validation and account checks.
    adapters::Adapter& adapter(const std::string& platform);

    // The command chosen on the command line; run after parsing.
    std::function<int()> action;

  private:
    const GlobalOptions& m_options;
    std::unique_ptr<config::Config> m_config;
    std::unique_ptr<store::Store> m_store;
    bool m_schema_checked = false;
    std::unique_ptr<crypto::Vault> m_vault;
    std::unique_ptr<Clock> m_clock;
    std::unique_ptr<net::HttpClient> m_http;
    std::map<std::string, std::unique_ptr<adapters::Adapter>> m_adapters;
};

// Command families register their subcommands on the root app.
void register_init(CLI::App& app, Context& ctx);
void register_config(CLI::App& app, Context& ctx);
void register_db(CLI::App& app, Context& ctx);
void register_account(CLI::App& app, Context& ctx);
void register_post(CLI::App& app, Context& ctx);
void register_run(CLI::App& app, Context& ctx);
void register_retry(CLI::App& app, Context& ctx);
void register_import(CLI::App& app, Context& ctx);
void register_export(CLI::App& app, Context& ctx);
void register_stats(CLI::App& app, Context& ctx);
void register_check(CLI::App& app, Context& ctx);
void register_validate(CLI::App& app, Context& ctx);
void register_keys(CLI::App& app, Context& ctx);
// account connect | refresh | enable | disable, on the `account` subcommand.
void register_account_oauth(CLI::App& account, Context& ctx);

}  // namespace cli
}  // namespace postsched
