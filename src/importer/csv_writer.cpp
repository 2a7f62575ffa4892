#include "importer/csv_writer.hpp"

namespace postsched::importer {

void append_csv_field(std::string& out, std::string_view field) {
    bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                 (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!quote) {
        out += field;
        return;
    }
    out += '"';
    for (char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

void append_csv_record(std::string& out, const std::vector<std::string>& fields) {
    if (fields.size() == 1 && fields[0].empty()) {
        out += "\"\"\r\n";  // a bare empty line would be read as no record at all
        return;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out += ',';
        append_csv_field(out, fields[i]);
    }
    out += "\r\n";
}

}  // namespace postsched::importer
