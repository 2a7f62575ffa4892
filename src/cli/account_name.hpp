#pragma once
// The rule for account names (what --to takes), shared by add and connect.
#include <cctype>
#include <string>

#include "core/errors.hpp"

namespace postsched::cli {

inline void check_account_name(const std::string& name) {
    if (name.empty() || name.size() > 64)
        throw Error(Exit::usage, "--name: give 1 to 64 characters");
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            throw Error(Exit::usage,
                        "--name \"" + name + "\": use letters, digits, '-', '_' and '.' only");
}

}  // namespace postsched::cli
