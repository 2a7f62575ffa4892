#pragma once
// From CSV records to import rows: the native columns (by header name, any
// order, case-insensitive) and Hootsuite's positional bulk-composer rows,
// mapped onto the same columns so one checker handles both.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "importer/csv_reader.hpp"

namespace postsched::importer {

// The native columns, in the order `export` writes them.
enum class Column {
    scheduled_at,
    timezone,
    status,
    accounts,
    content,
    media_urls,
    alt_texts,
    idempotency_key,
    max_lateness,
    options,
};
inline constexpr std::size_t k_column_count = 10;
std::string_view column_name(Column c);

// One problem in an input file, shown as `FILE:LINE: column "NAME": message`
// (without the column part when `column` is empty).
struct Problem {
    std::size_t line = 0;
    std::string column;
    std::string message;
};

class ProblemSink {
  public:
    virtual ~ProblemSink() = default;
    virtual void report(const Problem& problem) = 0;
};

// A data row: its cells by column (empty when the file has no such column)
// and the name each column has in this format, for messages.
struct Row {
    std::size_t line = 0;
    std::array<std::string, k_column_count> cells;
    std::array<std::string_view, k_column_count> labels{};
    const std::string& operator[](Column c) const { return cells[static_cast<std::size_t>(c)]; }
    std::string& operator[](Column c) { return cells[static_cast<std::size_t>(c)]; }
    std::string label(Column c) const { return std::string(labels[static_cast<std::size_t>(c)]); }
};

// The header of a native file.
class NativeHeader {
  public:
    // Reads the header record, reporting unknown (unless `ignore_unknown`),
    // repeated and missing required columns.
    NativeHeader(const CsvRecord& header, bool ignore_unknown, ProblemSink& problems);
    // False when the rows cannot be read with this header.
    bool ok() const { return m_ok; }
    // Moves the record's cells into `row` (same width as the header: the
    // reader checks that).
    void map(CsvRecord& record, Row& row) const;

  private:
    std::vector<std::optional<Column>> m_columns;  // per header position
    bool m_ok = true;
};

enum class DateOrder { dmy, mdy };

// "12/31/2026 09:30" (mdy) or "31/12/2026 09:30" (dmy) as
// "2026-12-31T09:30"; also 1-digit day, month and hour, ":ss", AM/PM, and
// "-" or "." between the date's parts. nullopt when it is not such a time.
std::optional<std::string> hootsuite_time(std::string_view text, DateOrder order);

// A Hootsuite bulk-composer row (date-time, message, optional link; no
// header) for `account`. Reports problems and returns false when the row
// cannot be mapped.
bool map_hootsuite(CsvRecord& record, DateOrder order, const std::string& account, Row& row,
                   ProblemSink& problems);

// Splits a cell holding a list: at line breaks when it has one, else at
// commas; items are trimmed and empty ones dropped.
std::vector<std::string> split_list(std::string_view cell);
// Splits a cell at line breaks only, keeping empty items (alt texts line up
// with media by position).
std::vector<std::string> split_lines(std::string_view cell);
std::string_view trim(std::string_view s);

}  // namespace postsched::importer
