// The CSV reader against a corpus of RFC 4180 cases (tests/data/csv: each
// NAME.csv with NAME.json holding the records and errors expected), plus
// block boundaries and the exact error messages.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "importer/csv_reader.hpp"

using postsched::importer::CsvError;
using postsched::importer::CsvOptions;
using postsched::importer::CsvReader;
using postsched::importer::CsvRecord;

namespace {

namespace fs = std::filesystem;
const fs::path k_corpus = fs::path(POSTSCHED_TEST_DATA) / "csv";

// Reads everything, as events like those in the corpus' JSON files.
nlohmann::json read_events(std::istream& in, CsvOptions options = {}) {
    CsvReader reader(in, "t.csv", options);
    CsvRecord r;
    auto events = nlohmann::json::array();
    for (;;) {
        try {
            if (!reader.next(r))
                break;
            events.push_back({{"line", r.line}, {"fields", r.fields}});
        } catch (const CsvError& e) {
            events.push_back(
                {{"line", e.line()}, {"error", e.recoverable() ? "recoverable" : "fatal"}});
            if (!e.recoverable()) {
                BOOST_TEST(!reader.next(r));  // a fatal error ends the reading
                break;
            }
        }
    }
    return events;
}

nlohmann::json read_string(const std::string& text, CsvOptions options = {}) {
    std::istringstream in(text);
    return read_events(in, options);
}

// The message of the first error reading `text`.
std::string first_error(const std::string& text) {
    std::istringstream in(text);
    CsvReader reader(in, "posts.csv");
    CsvRecord r;
    try {
        while (reader.next(r)) {
        }
    } catch (const CsvError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(csv_reader_test)

BOOST_AUTO_TEST_CASE(corpus_cases_read_as_expected) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(k_corpus))
        if (entry.path().extension() == ".csv")
            names.insert(entry.path().stem().string());
    BOOST_REQUIRE_GE(names.size(), 20u);
    for (const auto& name : names) {
        std::ifstream expected_file(k_corpus / (name + ".json"));
        BOOST_REQUIRE_MESSAGE(expected_file, "no " << name << ".json");
        auto expected = nlohmann::json::parse(expected_file);
        std::ifstream in(k_corpus / (name + ".csv"), std::ios::binary);
        auto got = read_events(in);
        BOOST_TEST_CONTEXT(name << ": " << expected["note"].get<std::string>()) {
            BOOST_TEST(got.dump() == expected["expect"].dump());
        }
    }
}

BOOST_AUTO_TEST_CASE(ragged_rows_name_their_line_and_the_first_row) {
    BOOST_TEST(first_error("a,b,c\n1,2,3\n\n4,5\n") ==
               "posts.csv:4: row has 2 fields, but the first row (line 1) has 3");
    BOOST_TEST(first_error("a,b\n\"multi\nline\",2,3\n") ==
               "posts.csv:2: row has 3 fields, but the first row (line 1) has 2");
    BOOST_TEST(first_error("a,b\nx\n") ==
               "posts.csv:2: row has 1 field, but the first row (line 1) has 2");
}

BOOST_AUTO_TEST_CASE(malformed_quotes_name_their_line) {
    BOOST_TEST(first_error("a,b\n1,2\"x\n") ==
               "posts.csv:2: malformed CSV: a quote inside an unquoted field, or text after a "
               "closing quote (quote the whole field and double each quote in it)");
    BOOST_TEST(first_error("a,b\n1,\"two\nthree\nfour\n") ==
               "posts.csv:2: malformed CSV: a quoted field in the row starting here is never "
               "closed");
    // The line of the bad quote itself, inside a record spanning lines.
    BOOST_TEST(first_error("a,b\n\"x\ny\"z,1\n").rfind("posts.csv:3: malformed CSV", 0) == 0);
}

BOOST_AUTO_TEST_CASE(rows_of_any_width_when_asked) {
    auto got = read_string("a,b,c\n1\n2,3\n", CsvOptions{false});
    BOOST_TEST(got.dump() == R"([{"fields":["a","b","c"],"line":1},{"fields":["1"],"line":2},)"
                             R"({"fields":["2","3"],"line":3}])");
}

BOOST_AUTO_TEST_CASE(line_ends_split_across_read_blocks) {
    // The reader reads 64 KiB blocks: put a CRLF, a lone CR and a quoted
    // line break across the first boundaries and check lines and fields.
    for (std::size_t shift = 0; shift < 4; ++shift) {
        std::string filler(65536 - 3 - shift, 'x');
        std::string text = "a," + filler + "\r\nb,\"c\r\nd\"\re,f\n";
        auto got = read_string(text);
        BOOST_TEST_CONTEXT("shift " << shift) {
            BOOST_REQUIRE_EQUAL(got.size(), 3u);
            BOOST_TEST(got[0]["fields"][1].get<std::string>() == filler);
            BOOST_TEST(got[1]["line"] == 2);
            BOOST_TEST(got[1]["fields"][1].get<std::string>() == "c\r\nd");
            BOOST_TEST(got[2]["line"] == 4);
            BOOST_TEST(got[2]["fields"][0].get<std::string>() == "e");
        }
    }
}

BOOST_AUTO_TEST_CASE(a_field_larger_than_a_block) {
    std::string big(300000, 'z');
    big[1000] = '\n';
    big[200000] = '"';
    std::string quoted = big;
    std::string escaped;
    for (char c : quoted)
        escaped += c == '"' ? std::string("\"\"") : std::string(1, c);
    auto got = read_string("h1,h2\n\"" + escaped + "\",tail\nnext,row\n");
    BOOST_REQUIRE_EQUAL(got.size(), 3u);
    BOOST_TEST(got[1]["fields"][0].get<std::string>() == big);
    BOOST_TEST(got[1]["fields"][1].get<std::string>() == "tail");
    BOOST_TEST(got[2]["line"] == 4);  // the quoted field held one line break
}

BOOST_AUTO_TEST_CASE(many_records_keep_their_line_numbers) {
    std::string text = "n,v\n";
    for (int i = 2; i <= 5000; ++i)
        text += i % 7 == 0 ? "\"" + std::to_string(i) + "\n\",x\n\n" : std::to_string(i) + ",y\n";
    std::istringstream in(text);
    CsvReader reader(in, "big.csv");
    CsvRecord r;
    std::size_t expect_line = 1, count = 0;
    bool in_order = true;
    while (reader.next(r)) {
        in_order = in_order && r.line == expect_line;
        bool multi = r.fields[0].find('\n') != std::string::npos;
        expect_line += multi ? 3 : 1;  // the record's two lines and the blank one
        ++count;
    }
    BOOST_TEST(in_order);
    BOOST_TEST(count == 5000u);
    BOOST_TEST(reader.bytes_read() == text.size());
}

BOOST_AUTO_TEST_SUITE_END()
