#include "config/config_keys.hpp"

#include <cctype>
#include <charconv>
#include <cstdlib>

#include "adapters/adapter.hpp"
#include "adapters/linkedin/linkedin_adapter.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "oauth/provider.hpp"
#include "store/store_url.hpp"

namespace postsched::config {
namespace {

using Type = KeySpec::Type;

std::string quote(const std::string& v) {
    return "\"" + v + "\"";
}

KeySpec str_key(std::string key, std::vector<std::string> env, std::string help,
                std::string Config::*field, bool secret = false) {
    return {key,
            Type::string,
            std::move(env),
            secret,
            true,
            std::move(help),
            [field](const Config& c) { return c.*field; },
            [field](Config& c, const std::string& v) {
                c.*field = v;
                return std::string();
            }};
}

KeySpec int_key(std::string key, std::vector<std::string> env, std::string help, int Config::*field,
                int lo, int hi) {
    return {key,
            Type::integer,
            std::move(env),
            false,
            true,
            std::move(help),
            [field](const Config& c) { return std::to_string(c.*field); },
            [field, lo, hi](Config& c, const std::string& v) {
                int n = 0;
                auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                if (ec != std::errc() || p != v.data() + v.size())
                    return quote(v) + " is not a whole number";
                if (n < lo || n > hi)
                    return quote(v) + " is out of range (" + std::to_string(lo) + "–" +
                           std::to_string(hi) + ")";
                c.*field = n;
                return std::string();
            }};
}

KeySpec dur_key(std::string key, std::vector<std::string> env, std::string help,
                Millis Config::*field) {
    return {key,
            Type::duration,
            std::move(env),
            false,
            true,
            std::move(help),
            [field](const Config& c) { return format_duration(c.*field); },
            [field](Config& c, const std::string& v) {
                auto d = parse_duration(v);
                if (!d)
                    return quote(v) + " is not a duration (like 90s, 15m, 4h, 2d)";
                c.*field = *d;
                return std::string();
            }};
}

std::string env_prefix(std::string_view platform) {
    std::string p = "POSTSCHED_";
    for (char ch : platform)
        p += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return p + "_";
}

using PlatformField = std::string PlatformConfig::*;

KeySpec platform_str(const std::string& platform, const std::string& name, PlatformField field,
                     std::string help, bool secret = false) {
    std::string upper = name;
    for (auto& ch : upper)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return {"platforms." + platform + "." + name,
            Type::string,
            {env_prefix(platform) + upper},
            secret,
            true,
            std::move(help),
            [platform, field](const Config& c) { return c.platform(platform).*field; },
            [platform, field](Config& c, const std::string& v) {
                c.platforms[platform].*field = v;
                return std::string();
            }};
}

void add_platform_keys(std::vector<KeySpec>& out, const std::string& p) {
    out.push_back(platform_str(p, "api_base", &PlatformConfig::api_base,
                               "API base URL (self-hosted instances, tests)"));
    out.push_back({"platforms." + p + ".timeout",
                   Type::duration,
                   {env_prefix(p) + "TIMEOUT"},
                   false,
                   true,
                   "per-request timeout (exec: the whole command)",
                   [p](const Config& c) { return format_duration(c.platform(p).timeout); },
                   [p](Config& c, const std::string& v) {
                       auto d = parse_duration(v);
                       if (!d)
                           return quote(v) + " is not a duration (like 30s)";
                       c.platforms[p].timeout = *d;
                       return std::string();
                   }});
}

// Keys only one platform has.
void add_specific_keys(std::vector<KeySpec>& out, const std::string& p) {
    if (p == "bluesky") {
        out.push_back({"platforms.bluesky.max_image_bytes",
                       Type::integer,
                       {"POSTSCHED_BLUESKY_MAX_IMAGE_BYTES"},
                       false,
                       true,
                       "largest image accepted, in bytes (default 1000000, the lexicon's)",
                       [](const Config& c) {
                           const auto n = c.platform("bluesky").media_max_bytes;
                           return std::to_string(n ? n : 1000000);
                       },
                       [](Config& c, const std::string& v) {
                           std::size_t n = 0;
                           auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                           if (ec != std::errc() || end != v.data() + v.size() || n == 0)
                               return quote(v) + " is not a positive whole number of bytes";
                           c.platforms["bluesky"].media_max_bytes = n;
                           return std::string();
                       }});
    }
    if (p == "linkedin") {
        out.push_back(platform_str(p, "version", &PlatformConfig::api_version,
                                   "LinkedIn-Version header, YYYYMM (default " +
                                       std::string(adapters::k_linkedin_default_version) + ")"));
        out.back().get = [](const Config& c) {
            const auto& v = c.platform("linkedin").api_version;
            return v.empty() ? std::string(adapters::k_linkedin_default_version) : v;
        };
    }
}

// Keys of the Graph API platforms (facebook, instagram, threads).
void add_graph_keys(std::vector<KeySpec>& out, const std::string& p) {
    out.push_back(platform_str(p, "graph_version", &PlatformConfig::graph_version,
                               "Graph API version path prefix, e.g. v26.0 (threads: v1.0)"));
    if (p == "facebook")
        return;  // no media containers to wait for
    out.push_back({"platforms." + p + ".poll_interval",
                   Type::duration,
                   {env_prefix(p) + "POLL_INTERVAL"},
                   false,
                   true,
                   "pause between media container status checks",
                   [p](const Config& c) { return format_duration(c.platform(p).poll_interval); },
                   [p](Config& c, const std::string& v) {
                       auto d = parse_duration(v);
                       if (!d)
                           return quote(v) + " is not a duration (like 3s)";
                       c.platforms[p].poll_interval = *d;
                       return std::string();
                   }});
    out.push_back({"platforms." + p + ".poll_attempts",
                   Type::integer,
                   {env_prefix(p) + "POLL_ATTEMPTS"},
                   false,
                   true,
                   "status checks per pass before a container still processing waits",
                   [p](const Config& c) { return std::to_string(c.platform(p).poll_attempts); },
                   [p](Config& c, const std::string& v) {
                       int n = 0;
                       auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                       if (ec != std::errc() || end != v.data() + v.size() || n < 0 || n > 100)
                           return quote(v) + " is not a whole number from 0 to 100";
                       c.platforms[p].poll_attempts = n;
                       return std::string();
                   }});
}

// OAuth client keys of a provider: id, secret (environment or file, never
// the config file), redirect URI, endpoint overrides; the seed's variable
// names (TWITTER_CLIENT_ID, FACEBOOK_APP_SECRET, ...) are honoured.
void add_oauth_keys(std::vector<KeySpec>& out, const oauth::Provider& pr) {
    std::string p(pr.platform);
    auto with_seed = [&](KeySpec spec, std::string_view seed) {
        if (!seed.empty())
            spec.env.emplace_back(seed);
        return spec;
    };
    if (pr.platform != "mastodon") {
        out.push_back(with_seed(
            platform_str(p, "client_id", &PlatformConfig::client_id, "OAuth client (app) id"),
            pr.id_env));
        KeySpec secret = with_seed(platform_str(p, "client_secret", &PlatformConfig::client_secret,
                                                "OAuth client secret (environment only)", true),
                                   pr.secret_env);
        secret.file_allowed = false;
        out.push_back(secret);
        out.push_back(platform_str(p, "client_secret_file", &PlatformConfig::client_secret_file,
                                   "file holding the OAuth client secret (mode 0600)"));
    }
    out.push_back(with_seed(
        platform_str(p, "redirect_uri", &PlatformConfig::redirect_uri,
                     "redirect URI exactly as registered with the platform (port included)"),
        pr.redirect_env));
    if (pr.platform != "mastodon") {
        out.push_back(platform_str(p, "auth_url", &PlatformConfig::auth_url,
                                   "OAuth authorize URL (default: the platform's)"));
        out.push_back(platform_str(p, "token_url", &PlatformConfig::token_url,
                                   "OAuth token URL (default: the platform's)"));
    }
    if (pr.refresh == oauth::RefreshStyle::ig_refresh ||
        pr.refresh == oauth::RefreshStyle::threads_refresh)
        out.push_back(platform_str(p, "refresh_url", &PlatformConfig::refresh_url,
                                   "long-lived token refresh URL (default: the platform's)"));
}

std::vector<KeySpec> build_keys() {
    std::vector<KeySpec> k;
    k.push_back(str_key("store.url", {"POSTSCHED_STORE_URL"},
                        "sqlite:///absolute/path.db or postgresql://user@host:port/db",
                        &Config::store_url));
    // A password written into the URL never reaches `config show`.
    k.back().get = [](const Config& c) { return store::redact_url(c.store_url); };
    k.push_back(dur_key("store.busy_timeout", {"POSTSCHED_BUSY_TIMEOUT"},
                        "how long to wait for another writer before giving up (exit 75)",
                        &Config::busy_timeout));
    k.push_back(str_key("scheduler.lock_file", {"POSTSCHED_LOCK_FILE"},
                        "file locked by `run` so passes never overlap", &Config::lock_file));
    k.push_back(int_key("scheduler.batch_size", {"POSTSCHED_BATCH_SIZE"},
                        "targets claimed per pass", &Config::batch_size, 1, 100000));
    k.push_back(int_key("scheduler.concurrency", {"POSTSCHED_CONCURRENCY"},
                        "targets published at once", &Config::concurrency, 1, 256));
    k.push_back(dur_key("scheduler.time_budget", {"POSTSCHED_TIME_BUDGET"},
                        "a pass stops claiming after this long", &Config::time_budget));
    k.push_back(dur_key("scheduler.lease", {"POSTSCHED_LEASE"},
                        "how long a claim holds before recovery takes it back", &Config::lease));
    k.push_back(int_key("scheduler.max_attempts", {"POSTSCHED_MAX_ATTEMPTS"},
                        "failed requests before a target fails", &Config::max_attempts, 1, 100));
    k.push_back(dur_key("scheduler.retry_base", {"POSTSCHED_RETRY_BASE"},
                        "first backoff delay after a transient error", &Config::retry_base));
    k.push_back(dur_key("scheduler.retry_max", {"POSTSCHED_RETRY_MAX"}, "longest backoff delay",
                        &Config::retry_max));
    k.push_back(dur_key("scheduler.max_lateness", {"POSTSCHED_MAX_LATENESS"},
                        "posts found later than this are skipped, not sent in a burst",
                        &Config::max_lateness));
    k.push_back(dur_key("scheduler.http_timeout", {"POSTSCHED_HTTP_TIMEOUT"},
                        "timeout for fetching media URLs", &Config::http_timeout));
    k.push_back(dur_key("check.max_pass_age", {"POSTSCHED_CHECK_MAX_PASS_AGE"},
                        "`check` alerts when the last pass started longer ago than this",
                        &Config::check_max_pass_age));
    k.push_back(dur_key("check.token_warning", {"POSTSCHED_CHECK_TOKEN_WARNING"},
                        "`check` alerts when a token that cannot be refreshed expires within this",
                        &Config::check_token_warning));
    k.push_back(dur_key("scheduler.refresh_margin", {"POSTSCHED_REFRESH_MARGIN"},
                        "tokens expiring within this are refreshed before publishing",
                        &Config::refresh_margin));
    k.push_back(dur_key("oauth.connect_timeout", {"POSTSCHED_CONNECT_TIMEOUT"},
                        "how long `account connect` waits for the browser's redirect",
                        &Config::connect_timeout));
    k.push_back(str_key("oauth.browser", {"POSTSCHED_BROWSER"},
                        "command run with the authorization URL as its argument (default: none, "
                        "the URL is printed)",
                        &Config::browser));
    k.push_back(str_key("scheduler.timezone", {"POSTSCHED_TIMEZONE"},
                        "zone for local times (default: the system zone)",
                        &Config::default_timezone));
    k.push_back(str_key("security.key_file", {"POSTSCHED_KEY_FILE"},
                        "Fernet key file, one key per line, first encrypts", &Config::key_file));
    KeySpec secret = str_key("security.secret_key", {"POSTSCHED_SECRET_KEY", "SECRET_KEY"},
                             "encryption keys, comma-separated (environment only)",
                             &Config::secret_key_env, true);
    secret.file_allowed = false;
    k.push_back(secret);
    k.push_back(str_key("log.level", {"POSTSCHED_LOG_LEVEL"}, "debug, info, warning, error or off",
                        &Config::log_level));
    k.back().set = [](Config& c, const std::string& v) {
        static const char* k_levels[] = {"debug", "info", "warning", "error", "off"};
        for (const char* l : k_levels)
            if (v == l) {
                c.log_level = v;
                return std::string();
            }
        return quote(v) + " is not a log level (debug, info, warning, error, off)";
    };
    k.push_back(str_key("log.file", {"POSTSCHED_LOG_FILE"}, "log file (default: stderr)",
                        &Config::log_file));
    for (const auto& info : adapters::registry()) {
        add_platform_keys(k, std::string(info.name));
        add_specific_keys(k, std::string(info.name));
        if (info.name == "facebook" || info.name == "instagram" || info.name == "threads")
            add_graph_keys(k, std::string(info.name));
    }
    for (const auto& pr : oauth::providers())
        if (pr.browser_flow)
            add_oauth_keys(k, pr);
    return k;
}

}  // namespace

std::string_view KeySpec::type_name() const {
    switch (type) {
        case Type::string:
            return "a string";
        case Type::integer:
            return "an integer";
        case Type::duration:
            return "a duration string such as \"90s\"";
        case Type::boolean:
            return "true or false";
        case Type::path:
            return "a path";
    }
    return "a value";
}

const std::vector<KeySpec>& keys() {
    static const std::vector<KeySpec> k_keys = build_keys();
    return k_keys;
}

const KeySpec* find_key(std::string_view key) {
    for (const auto& k : keys())
        if (k.key == key)
            return &k;
    return nullptr;
}

}  // namespace postsched::config
