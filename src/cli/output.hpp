#pragma once
// Output helpers: aligned text tables for people, JSON for scripts.
#include <iosfwd>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace postsched::cli {

// Prints rows under a header, columns padded to the widest cell (UTF-8 aware).
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

// One-line preview of a text: newlines as "⏎", cut to `width` characters.
std::string preview(const std::string& text, std::size_t width);

std::string optional_instant(const std::optional<Instant>& t);

// JSON texts (nlohmann stays out of this header).
std::string post_json(const store::PostView& view, bool pretty);
std::string posts_json(const std::vector<store::PostView>& views);
std::string account_json(const Account& account);
std::string accounts_json(const std::vector<Account>& accounts);

}  // namespace postsched::cli
