#include "importer/columns.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace postsched::importer {
namespace {

constexpr std::array<std::string_view, k_column_count> k_names = {
    "scheduled_at", "timezone",  "status",          "accounts",     "content",
    "media_urls",   "alt_texts", "idempotency_key", "max_lateness", "options"};
constexpr Column k_required[] = {Column::scheduled_at, Column::accounts, Column::content};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string known_list() {
    std::string s;
    for (auto n : k_names)
        s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
}

// Reads digits at `pos` (1 to `max` of them) into `out`.
bool digits(std::string_view s, std::size_t& pos, std::size_t max, int& out) {
    std::size_t end = pos;
    while (end < s.size() && end - pos < max && std::isdigit(static_cast<unsigned char>(s[end])))
        ++end;
    if (end == pos)
        return false;
    std::from_chars(s.data() + pos, s.data() + end, out);
    pos = end;
    return true;
}

bool is_leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in(int y, int m) {
    static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

std::string two(int n) {
    return (n < 10 ? "0" : "") + std::to_string(n);
}

}  // namespace

std::string_view column_name(Column c) {
    return k_names[static_cast<std::size_t>(c)];
}

std::string_view trim(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> split_list(std::string_view cell) {
    char sep = cell.find('\n') != std::string_view::npos ? '\n' : ',';
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= cell.size()) {
        auto end = cell.find(sep, start);
        if (end == std::string_view::npos)
            end = cell.size();
        auto item = trim(cell.substr(start, end - start));
        if (!item.empty())
            out.emplace_back(item);
        start = end + 1;
    }
    return out;
}

std::vector<std::string> split_lines(std::string_view cell) {
    std::vector<std::string> out;
    if (cell.empty())
        return out;
    std::size_t start = 0;
    while (start <= cell.size()) {
        auto end = cell.find('\n', start);
        if (end == std::string_view::npos)
            end = cell.size();
        auto item = cell.substr(start, end - start);
        if (!item.empty() && item.back() == '\r')
            item.remove_suffix(1);
        out.emplace_back(item);
        start = end + 1;
    }
    return out;
}

NativeHeader::NativeHeader(const CsvRecord& header, bool ignore_unknown, ProblemSink& problems) {
    std::array<std::size_t, k_column_count> seen_at{};
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        std::string raw(trim(header.fields[i]));
        std::string name = lower(raw);
        auto it = std::find(k_names.begin(), k_names.end(), name);
        if (it == k_names.end()) {
            m_columns.emplace_back();
            if (ignore_unknown)
                continue;
            m_ok = false;
            problems.report({header.line, raw,
                             "unknown column (the columns are " + known_list() +
                                 "; --ignore-unknown-columns skips others)"});
            continue;
        }
        auto index = static_cast<std::size_t>(it - k_names.begin());
        if (seen_at[index]) {
            m_ok = false;
            problems.report({header.line, name,
                             "appears twice (fields " + std::to_string(seen_at[index]) + " and " +
                                 std::to_string(i + 1) + ")"});
        }
        seen_at[index] = i + 1;
        m_columns.emplace_back(static_cast<Column>(index));
    }
    for (Column c : k_required) {
        if (seen_at[static_cast<std::size_t>(c)])
            continue;
        m_ok = false;
        problems.report({header.line, std::string(column_name(c)),
                         "missing (required: scheduled_at, accounts, content)"});
    }
}

void NativeHeader::map(CsvRecord& record, Row& row) const {
    row.line = record.line;
    for (auto& cell : row.cells)
        cell.clear();
    for (std::size_t i = 0; i < k_column_count; ++i)
        row.labels[i] = k_names[i];
    for (std::size_t i = 0; i < m_columns.size() && i < record.fields.size(); ++i)
        if (m_columns[i])
            row[*m_columns[i]].swap(record.fields[i]);
}

std::optional<std::string> hootsuite_time(std::string_view text, DateOrder order) {
    std::string_view s = trim(text);
    std::size_t pos = 0;
    int a = 0, b = 0, y = 0, h = 0, mi = 0, sec = -1;
    auto sep = [&](std::string_view allowed) {
        if (pos >= s.size() || allowed.find(s[pos]) == std::string_view::npos)
            return false;
        ++pos;
        return true;
    };
    if (!digits(s, pos, 2, a) || !sep("/-.") || !digits(s, pos, 2, b) || !sep("/-."))
        return std::nullopt;
    std::size_t year_at = pos;
    if (!digits(s, pos, 4, y) || pos - year_at != 4 || !sep(" ") || !digits(s, pos, 2, h) ||
        !sep(":") || !digits(s, pos, 2, mi))
        return std::nullopt;
    if (pos < s.size() && s[pos] == ':' && (++pos, !digits(s, pos, 2, sec)))
        return std::nullopt;
    std::string rest = lower(trim(s.substr(pos)));
    if (!rest.empty()) {
        if ((rest != "am" && rest != "pm") || h < 1 || h > 12 || s[pos] != ' ')
            return std::nullopt;
        h = h % 12 + (rest == "pm" ? 12 : 0);
    }
    int day = order == DateOrder::dmy ? a : b;
    int month = order == DateOrder::dmy ? b : a;
    if (month < 1 || month > 12 || day < 1 || day > days_in(y, month) || h > 23 || mi > 59 ||
        sec > 59)
        return std::nullopt;
    std::string out =
        std::to_string(y) + "-" + two(month) + "-" + two(day) + "T" + two(h) + ":" + two(mi);
    if (sec >= 0)
        out += ":" + two(sec);
    return out;
}

bool map_hootsuite(CsvRecord& record, DateOrder order, const std::string& account, Row& row,
                   ProblemSink& problems) {
    row.line = record.line;
    for (auto& cell : row.cells)
        cell.clear();
    for (std::size_t i = 0; i < k_column_count; ++i)
        row.labels[i] = k_names[i];
    row.labels[static_cast<std::size_t>(Column::scheduled_at)] = "date";
    row.labels[static_cast<std::size_t>(Column::content)] = "message";
    auto& f = record.fields;
    // Spreadsheets often pad rows with empty cells; only filled ones count.
    while (f.size() > 3 && trim(f.back()).empty())
        f.pop_back();
    if (f.size() < 2 || f.size() > 3) {
        problems.report({record.line, "",
                         "row has " + std::to_string(f.size()) +
                             " fields; Hootsuite rows have 2 or 3 (date-time, message, link)"});
        return false;
    }
    bool ok = true;
    const char* like = order == DateOrder::dmy ? "day/month/year order (like 31/12/2026 09:30)"
                                               : "month/day/year order (like 12/31/2026 09:30)";
    if (auto t = hootsuite_time(f[0], order)) {
        row[Column::scheduled_at] = *t;
    } else {
        ok = false;
        problems.report({record.line, "date",
                         "\"" + f[0] + "\" is not a date and time in " + std::string(like)});
    }
    std::string link = f.size() == 3 ? std::string(trim(f[2])) : std::string();
    if (!link.empty() && link.rfind("https://", 0) != 0 && link.rfind("http://", 0) != 0) {
        ok = false;
        problems.report({record.line, "link", "\"" + link + "\" is not an http(s) URL"});
    }
    row[Column::content] = std::move(f[1]);
    if (!link.empty()) {
        auto& text = row[Column::content];
        while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r'))
            text.pop_back();
        text += (text.empty() ? "" : " ") + link;
    }
    row[Column::accounts] = account;
    return ok;
}

}  // namespace postsched::importer
