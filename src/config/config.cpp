#include "config/config.hpp"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "adapters/adapter.hpp"
#include "config/config_keys.hpp"
#include "core/errors.hpp"
#include "core/zoned_time.hpp"
#include "oauth/provider.hpp"

namespace postsched::config {
namespace fs = std::filesystem;
namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string home_dir() {
    std::string h = env("HOME");
    return h.empty() ? "/root" : h;
}

std::string xdg_dir(const char* var, const char* fallback) {
    std::string v = env(var);
    if (!v.empty() && v[0] == '/')
        return v;
    return home_dir() + "/" + fallback;
}

std::string find_config_file(const std::string& explicit_path) {
    if (!explicit_path.empty()) {
        if (!fs::exists(explicit_path))
            throw Error(Exit::config, "config file \"" + explicit_path + "\" does not exist");
        return explicit_path;
    }
    if (std::string p = env("POSTSCHED_CONFIG"); !p.empty()) {
        if (!fs::exists(p))
            throw Error(Exit::config,
                        "config file \"" + p + "\" (from POSTSCHED_CONFIG) does not exist");
        return p;
    }
    std::string user = xdg_dir("XDG_CONFIG_HOME", ".config") + "/postsched/config.toml";
    if (fs::exists(user))
        return user;
    if (fs::exists("/etc/postsched/config.toml"))
        return "/etc/postsched/config.toml";
    return "";
}

std::string where(const std::string& file, const toml::node& node) {
    return file + ":" + std::to_string(node.source().begin.line);
}

void apply_defaults(Config& c) {
    c.data_dir = xdg_dir("XDG_DATA_HOME", ".local/share") + "/postsched";
    std::string config_dir = xdg_dir("XDG_CONFIG_HOME", ".config") + "/postsched";
    c.store_url = "sqlite://" + c.data_dir + "/postsched.db";
    c.lock_file = c.data_dir + "/run.lock";
    c.key_file = config_dir + "/secret.key";
    for (const auto& spec : keys()) {
        c.origins.push_back({spec.key, spec.get(c), "default"});
    }
}

void record_origin(Config& c, const KeySpec& spec, const std::string& origin) {
    std::string value = spec.secret ? std::string("********") : spec.get(c);
    for (auto& o : c.origins) {
        if (o.key == spec.key) {
            o.value = value;
            o.origin = origin;
            return;
        }
    }
    c.origins.push_back({spec.key, value, origin});
}

void set_from_node(Config& c, const KeySpec& spec, const toml::node& node,
                   const std::string& file) {
    if (!spec.file_allowed)
        throw Error(Exit::config, where(file, node) + ": key \"" + spec.key +
                                      "\" may only be set in the environment (" + spec.env[0] +
                                      ")");
    std::string text;
    if (auto s = node.value<std::string>(); s && node.is_string()) {
        text = *s;
    } else if (auto i = node.value<long long>(); i && node.is_integer()) {
        text = std::to_string(*i);
    } else if (node.is_boolean()) {
        text = *node.value<bool>() ? "true" : "false";
    } else {
        throw Error(Exit::config, where(file, node) + ": key \"" + spec.key + "\": expected " +
                                      std::string(spec.type_name()));
    }
    if (auto err = spec.set(c, text); !err.empty())
        throw Error(Exit::config, where(file, node) + ": key \"" + spec.key + "\": " + err);
    record_origin(c, spec, where(file, node));
}

void load_platform_table(Config& c, const std::string& name, const toml::table& table,
                         const std::string& file) {
    if (!adapters::find_adapter(name) && !oauth::find_provider(name))
        throw Error(Exit::config,
                    where(file, table) + ": unknown platform \"" + name + "\" in [platforms]");
    for (const auto& [k, node] : table) {
        std::string key = "platforms." + name + "." + std::string(k.str());
        const KeySpec* spec = find_key(key);
        if (!spec)
            throw Error(Exit::config, where(file, node) + ": unknown key \"" + key + "\"");
        set_from_node(c, *spec, node, file);
    }
}

void load_file(Config& c, const std::string& file) {
    toml::table root;
    try {
        root = toml::parse_file(file);
    } catch (const toml::parse_error& e) {
        throw Error(Exit::config, file + ":" + std::to_string(e.source().begin.line) + ": " +
                                      std::string(e.description()));
    }
    for (const auto& [section, node] : root) {
        std::string sname(section.str());
        const toml::table* table = node.as_table();
        if (!table)
            throw Error(Exit::config, where(file, node) + ": unknown key \"" + sname + "\"");
        if (sname == "platforms") {
            for (const auto& [pname, pnode] : *table) {
                const toml::table* pt = pnode.as_table();
                if (!pt)
                    throw Error(Exit::config, where(file, pnode) + ": key \"platforms." +
                                                  std::string(pname.str()) +
                                                  "\": expected a table");
                load_platform_table(c, std::string(pname.str()), *pt, file);
            }
            continue;
        }
        for (const auto& [k, vnode] : *table) {
            std::string key = sname + "." + std::string(k.str());
            const KeySpec* spec = find_key(key);
            if (!spec)
                throw Error(Exit::config, where(file, vnode) + ": unknown key \"" + key + "\"");
            set_from_node(c, *spec, vnode, file);
        }
    }
}

void apply_environment(Config& c) {
    for (const auto& spec : keys()) {
        for (const auto& var : spec.env) {
            std::string v = env(var.c_str());
            if (v.empty())
                continue;
            if (auto err = spec.set(c, v); !err.empty())
                throw Error(Exit::config, "environment variable " + var + ": " + err);
            record_origin(c, spec, "env " + var);
            break;
        }
    }
}

}  // namespace

const PlatformConfig& Config::platform(const std::string& name) const {
    static const PlatformConfig k_empty{};
    auto it = platforms.find(name);
    return it == platforms.end() ? k_empty : it->second;
}

Config load(const std::string& explicit_path) {
    Config c;
    apply_defaults(c);
    c.config_file = find_config_file(explicit_path);
    if (!c.config_file.empty())
        load_file(c, c.config_file);
    apply_environment(c);
    if (!c.default_timezone.empty()) {
        try {
            require_zone(c.default_timezone);
        } catch (const Error& e) {
            std::string where_set = "default";
            for (const auto& o : c.origins)
                if (o.key == "scheduler.timezone")
                    where_set = o.origin;
            throw Error(Exit::config, where_set + ": key \"scheduler.timezone\": " + e.what());
        }
    }
    for (auto& [name, p] : c.platforms)
        p.name = name;
    return c;
}

}  // namespace postsched::config
