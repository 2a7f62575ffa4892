// RFC 4180 output, and that the reader gives back exactly what was written.
#include <boost/test/unit_test.hpp>

#include <random>
#include <sstream>

#include "importer/csv_reader.hpp"
#include "importer/csv_writer.hpp"

using namespace postsched::importer;

BOOST_AUTO_TEST_SUITE(csv_writer_test)

BOOST_AUTO_TEST_CASE(quotes_only_what_needs_quoting) {
    std::string out;
    append_csv_record(out, {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", " pad", ""});
    BOOST_TEST(out == "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",\" pad\",\r\n");
}

BOOST_AUTO_TEST_CASE(a_lone_empty_field_is_quoted) {
    std::string out;
    append_csv_record(out, {""});
    BOOST_TEST(out == "\"\"\r\n");
}

BOOST_AUTO_TEST_CASE(what_is_written_reads_back_the_same) {
    std::mt19937 rng(42);
    const std::string alphabet = "ab ,\"\r\n-é🙂";
    std::vector<std::vector<std::string>> rows;
    std::string text;
    for (int r = 0; r < 500; ++r) {
        std::vector<std::string> row;
        for (int f = 0; f < 4; ++f) {
            std::string field;
            int len = static_cast<int>(rng() % 12);
            for (int i = 0; i < len; ++i)
                field += alphabet[rng() % alphabet.size()];
            row.push_back(field);
        }
        rows.push_back(row);
        append_csv_record(text, row);
    }
    std::istringstream in(text);
    CsvReader reader(in, "random.csv");
    CsvRecord rec;
    std::size_t i = 0;
    while (reader.next(rec)) {
        BOOST_REQUIRE_LT(i, rows.size());
        BOOST_TEST(rec.fields == rows[i], "row " << i);
        ++i;
    }
    BOOST_TEST(i == rows.size());
}

BOOST_AUTO_TEST_SUITE_END()
