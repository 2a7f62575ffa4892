#pragma once
// Account names (what --to takes): the rule for new ones, and the lookup
// the account commands share.
#include <cctype>
#include <string>

#include "cli/context.hpp"
#include "core/errors.hpp"
#include "store/store.hpp"

namespace postsched::cli {

inline void check_account_name(const std::string& name) {
    if (name.empty() || name.size() > 64)
        throw Error(Exit::usage, "--name: give 1 to 64 characters");
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            throw Error(Exit::usage,
                        "--name \"" + name + "\": use letters, digits, '-', '_' and '.' only");
}

inline Account require_account(Context& ctx, const std::string& name) {
    auto a = ctx.store().find_account(name);
    if (!a)
        throw Error(Exit::data, "no account named \"" + name + "\" (see `postsched account list`)");
    return *a;
}

}  // namespace postsched::cli
