// Mapping CSV records to import rows: native headers and Hootsuite rows.
#include <boost/test/unit_test.hpp>

#include "importer/columns.hpp"

using namespace postsched::importer;

namespace {

struct Collect final : ProblemSink {
    std::vector<std::string> lines;
    void report(const Problem& p) override {
        lines.push_back(std::to_string(p.line) + ": " +
                        (p.column.empty() ? "" : "column \"" + p.column + "\": ") + p.message);
    }
};

CsvRecord record(std::size_t line, std::vector<std::string> fields) {
    return {line, fields};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(csv_columns_test)

BOOST_AUTO_TEST_CASE(native_columns_by_name_in_any_order_and_case) {
    Collect problems;
    NativeHeader header(record(1, {" Content", "ACCOUNTS", "scheduled_at ", "Status"}), false,
                        problems);
    BOOST_TEST(header.ok());
    BOOST_TEST(problems.lines.empty());
    auto r = record(2, {"hello", "news,chat", "2027-01-01T09:00", "draft"});
    Row row;
    header.map(r, row);
    BOOST_TEST(row.line == 2u);
    BOOST_TEST(row[Column::content] == "hello");
    BOOST_TEST(row[Column::accounts] == "news,chat");
    BOOST_TEST(row[Column::scheduled_at] == "2027-01-01T09:00");
    BOOST_TEST(row[Column::status] == "draft");
    BOOST_TEST(row[Column::timezone] == "");
    BOOST_TEST(row.label(Column::content) == "content");
}

BOOST_AUTO_TEST_CASE(unknown_repeated_and_missing_columns_are_reported) {
    Collect problems;
    NativeHeader header(record(1, {"scheduled_at", "Colour", "content", "content"}), false,
                        problems);
    BOOST_TEST(!header.ok());
    BOOST_REQUIRE_EQUAL(problems.lines.size(), 3u);
    BOOST_TEST(problems.lines[0] ==
               "1: column \"Colour\": unknown column (the columns are scheduled_at, timezone, "
               "status, accounts, content, media_urls, alt_texts, idempotency_key, "
               "max_lateness, options; --ignore-unknown-columns skips others)");
    BOOST_TEST(problems.lines[1] == "1: column \"content\": appears twice (fields 3 and 4)");
    BOOST_TEST(problems.lines[2] ==
               "1: column \"accounts\": missing (required: scheduled_at, accounts, content)");
}

BOOST_AUTO_TEST_CASE(unknown_columns_can_be_ignored) {
    Collect problems;
    NativeHeader header(record(1, {"notes", "scheduled_at", "accounts", "content"}), true,
                        problems);
    BOOST_TEST(header.ok());
    BOOST_TEST(problems.lines.empty());
    auto r = record(2, {"ignore me", "2027-01-01T09:00", "a", "text"});
    Row row;
    header.map(r, row);
    BOOST_TEST(row[Column::content] == "text");
    BOOST_TEST(row[Column::accounts] == "a");
}

BOOST_AUTO_TEST_CASE(hootsuite_times_in_either_order) {
    BOOST_TEST(hootsuite_time("12/31/2026 09:30", DateOrder::mdy).value() == "2026-12-31T09:30");
    BOOST_TEST(hootsuite_time("31/12/2026 09:30", DateOrder::dmy).value() == "2026-12-31T09:30");
    BOOST_TEST(hootsuite_time("05/06/2027 9:05", DateOrder::dmy).value() == "2027-06-05T09:05");
    BOOST_TEST(hootsuite_time("05/06/2027 9:05", DateOrder::mdy).value() == "2027-05-06T09:05");
    BOOST_TEST(hootsuite_time(" 1/2/2027 23:59:30 ", DateOrder::mdy).value() ==
               "2027-01-02T23:59:30");
    BOOST_TEST(hootsuite_time("1.2.2027 12:00 AM", DateOrder::dmy).value() == "2027-02-01T00:00");
    BOOST_TEST(hootsuite_time("1-2-2027 1:15 pm", DateOrder::dmy).value() == "2027-02-01T13:15");
    BOOST_TEST(hootsuite_time("29/02/2028 10:00", DateOrder::dmy).value() == "2028-02-29T10:00");
}

BOOST_AUTO_TEST_CASE(hootsuite_times_that_are_not) {
    for (const char* bad : {"31/12/2026 09:30", "2026-12-31 09:30", "12/31/26 09:30", "12/31/2026",
                            "12/31/2026 24:00", "12/31/2026 9:60", "02/29/2027 10:00",
                            "12/31/2026 13:00 PM", "12/31/2026 09:30 tomorrow", ""}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(!hootsuite_time(bad, DateOrder::mdy));
        }
    }
}

BOOST_AUTO_TEST_CASE(hootsuite_rows_append_the_link) {
    Collect problems;
    Row row;
    auto r = record(3, {"12/31/2026 09:30", "New post ", "https://example.org/a"});
    BOOST_TEST(map_hootsuite(r, DateOrder::mdy, "news", row, problems));
    BOOST_TEST(row[Column::scheduled_at] == "2026-12-31T09:30");
    BOOST_TEST(row[Column::content] == "New post https://example.org/a");
    BOOST_TEST(row[Column::accounts] == "news");
    BOOST_TEST(row.label(Column::scheduled_at) == "date");
    BOOST_TEST(row.label(Column::content) == "message");
    auto two = record(4, {"12/31/2026 09:30", "No link", "", "", ""});  // padded by a spreadsheet
    BOOST_TEST(map_hootsuite(two, DateOrder::mdy, "news", row, problems));
    BOOST_TEST(row[Column::content] == "No link");
    BOOST_TEST(problems.lines.empty());
}

BOOST_AUTO_TEST_CASE(hootsuite_row_problems) {
    Collect problems;
    Row row;
    auto r1 = record(1, {"31/12/2026 09:30", "x", "ftp://example.org"});
    BOOST_TEST(!map_hootsuite(r1, DateOrder::mdy, "news", row, problems));
    auto r2 = record(2, {"only one field"});
    BOOST_TEST(!map_hootsuite(r2, DateOrder::dmy, "news", row, problems));
    BOOST_REQUIRE_EQUAL(problems.lines.size(), 3u);
    BOOST_TEST(problems.lines[0] ==
               "1: column \"date\": \"31/12/2026 09:30\" is not a date and time in "
               "month/day/year order (like 12/31/2026 09:30)");
    BOOST_TEST(problems.lines[1] ==
               "1: column \"link\": \"ftp://example.org\" is not an http(s) URL");
    BOOST_TEST(problems.lines[2] ==
               "2: row has 1 fields; Hootsuite rows have 2 or 3 (date-time, message, link)");
}

BOOST_AUTO_TEST_CASE(lists_in_cells) {
    using V = std::vector<std::string>;
    BOOST_TEST(split_list("a, b ,,c") == (V{"a", "b", "c"}));
    BOOST_TEST(split_list("https://x/a,b.png\r\n https://y/c.png \n\n") ==
               (V{"https://x/a,b.png", "https://y/c.png"}));
    BOOST_TEST(split_list("  ").empty());
    BOOST_TEST(split_lines("one, with comma\r\n\nthree") == (V{"one, with comma", "", "three"}));
    BOOST_TEST(split_lines("").empty());
}

BOOST_AUTO_TEST_SUITE_END()
