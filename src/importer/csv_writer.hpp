#pragma once
// RFC 4180 output: a field is quoted when it holds a comma, a quote, a line
// break or leading/trailing spaces, with each quote doubled; records end in
// CRLF.
#include <string>
#include <string_view>
#include <vector>

namespace postsched::importer {

// Appends `field`, quoted as needed, to `out`.
void append_csv_field(std::string& out, std::string_view field);

// Appends the fields separated by commas and ended by CRLF.
void append_csv_record(std::string& out, const std::vector<std::string>& fields);

}  // namespace postsched::importer
