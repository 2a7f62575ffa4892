#pragma once
// One table of every configuration key: it drives TOML parsing, environment
// overrides and `config show`, so the three can never disagree.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace postsched::config {

struct KeySpec {
    enum class Type { string, integer, duration, boolean, path };
    std::string key;  // "scheduler.batch_size"
    Type type;
    std::vector<std::string> env;  // overriding variables, first found wins
    bool secret = false;           // masked in `config show`
    bool file_allowed = true;      // false: environment only (secret keys)
    std::string help;              // one line for `config show --help` and man
    std::function<std::string(const Config&)> get;
    // Returns an error message (lowercase, quoting the value), empty on success.
    std::function<std::string(Config&, const std::string&)> set;

    std::string_view type_name() const;
};

// Every key, in display order (platform keys for each registered platform).
const std::vector<KeySpec>& keys();
const KeySpec* find_key(std::string_view key);

}  // namespace postsched::config
