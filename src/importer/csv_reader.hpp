#pragma once
// RFC 4180 CSV records from a stream, one at a time (libcsv does the
// parsing), each tagged with the physical line it starts on so messages can
// point into the file even when quoted fields hold newlines.
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace postsched::importer {

struct CsvRecord {
    std::size_t line = 0;  // 1-based physical line where the record starts
    std::vector<std::string> fields;
};

// A problem with the CSV itself. `what()` is "NAME:LINE: message".
class CsvError : public std::runtime_error {
  public:
    CsvError(const std::string& name, std::size_t line, std::string message, bool recoverable);
    std::size_t line() const { return m_line; }
    const std::string& message() const { return m_message; }
    // True for a row of the wrong width: reading can go on with the next
    // record. False for malformed CSV: the reader is finished.
    bool recoverable() const { return m_recoverable; }

  private:
    std::size_t m_line;
    std::string m_message;
    bool m_recoverable;
};

struct CsvOptions {
    // Every record must have as many fields as the first (the header).
    bool uniform_width = true;
};

// Reads `in` in blocks: memory holds one block and the record being read,
// whatever the size of the file. Strict RFC 4180: a quote may only open a
// field, and a quoted field must be closed before the end of input. Spaces
// are kept; a UTF-8 byte order mark is skipped; blank lines are skipped;
// records end at CRLF, LF or CR, and lines are counted the same way.
class CsvReader {
  public:
    // `in` must outlive the reader; `name` prefixes messages.
    CsvReader(std::istream& in, std::string name, CsvOptions options = {});
    ~CsvReader();
    CsvReader(const CsvReader&) = delete;
    CsvReader& operator=(const CsvReader&) = delete;

    // The next record into `out`; false at the end of the input. Throws
    // CsvError (see CsvError::recoverable).
    bool next(CsvRecord& out);
    // Bytes consumed so far (for progress).
    std::uint64_t bytes_read() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace postsched::importer
