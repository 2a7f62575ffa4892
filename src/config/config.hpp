#pragma once
// The effective configuration: built-in defaults, then the TOML file, then the
// environment. Every value remembers where it came from for `config show`.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace postsched::config {

struct PlatformConfig {
    std::string name;
    std::string api_base;   // empty: the platform's own default
    std::string auth_base;  // OAuth host, when separate
    std::string client_id;
    std::string client_secret;       // resolved from the variable or file below
    std::string client_secret_env;   // variable holding the client secret
    std::string client_secret_file;  // file holding the client secret
    std::string redirect_uri;
    std::string auth_url;             // OAuth authorize endpoint override (tests, proxies)
    std::string token_url;            // OAuth token endpoint override
    std::string refresh_url;          // Instagram/Threads refresh endpoint override
    Millis timeout{30000};            // per HTTP request (exec: the whole command)
    std::size_t media_max_bytes = 0;  // 0: the platform's default
    std::string api_version;          // empty: the default (linkedin: LinkedIn-Version)
    // Graph API platforms (facebook, instagram, threads): the version path
    // prefix ("v26.0"; empty: the adapter's default) and how long publish
    // waits in one pass for a media container to finish processing.
    std::string graph_version;
    Millis poll_interval{3000};
    int poll_attempts = 5;
};

struct Origin {
    std::string key;     // "scheduler.batch_size"
    std::string value;   // masked for secrets
    std::string origin;  // "default", "/etc/postsched/config.toml:12", "env POSTSCHED_…"
};

struct Config {
    std::string config_file;     // empty when none was found
    std::string data_dir;        // $XDG_DATA_HOME/postsched
    std::string store_url;       // sqlite:///abs/path or postgresql://…
    Millis busy_timeout{10000};  // how long to wait for another writer
    std::string lock_file;
    int batch_size = 200;
    int concurrency = 4;
    Millis time_budget{50000};
    Millis lease{300000};
    int max_attempts = 5;
    Millis retry_base{60000};
    Millis retry_max{3600000};
    Millis max_lateness{6 * 3600000};
    Millis http_timeout{30000};
    Millis check_max_pass_age{15 * 60000};           // check: the last pass older → alert
    Millis check_token_warning{7LL * 24 * 3600000};  // check: token expiring sooner → alert
    Millis refresh_margin{600000};   // refresh tokens expiring within this before publishing
    Millis connect_timeout{300000};  // how long `account connect` waits for the redirect
    std::string browser;             // command opening the authorization URL ("" : print only)
    std::size_t media_max_bytes = 50 * 1024 * 1024;
    std::string default_timezone;  // empty: the system zone
    std::string key_file;
    std::string secret_key_env_name;  // which variable held keys, if any
    std::string secret_key_env;       // keys from the environment (comma-separated)
    std::string log_level = "warning";
    std::string log_file;
    std::map<std::string, PlatformConfig> platforms;
    std::vector<Origin> origins;

    // The platform table for `name` (defaults when the file has none).
    const PlatformConfig& platform(const std::string& name) const;
};

// Finds and loads the configuration. `explicit_path` is --config (empty when
// not given). Throws Error(Exit::config) naming file, line and key.
Config load(const std::string& explicit_path);

}  // namespace postsched::config
