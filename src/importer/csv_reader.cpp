#include "importer/csv_reader.hpp"

#include <csv.h>

#include <cstring>
#include <istream>

namespace postsched::importer {
namespace {

constexpr std::size_t k_block = 64 * 1024;

// RFC 4180: spaces are part of a field (libcsv trims them by default).
int no_space(unsigned char) {
    return 0;
}

bool is_blank(const char* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

}  // namespace

CsvError::CsvError(const std::string& name, std::size_t line, std::string message, bool recoverable)
    : std::runtime_error(name + ":" + std::to_string(line) + ": " + message),
      m_line(line),
      m_message(std::move(message)),
      m_recoverable(recoverable) {}

struct CsvReader::Impl {
    Impl(std::istream& input, std::string file_name, CsvOptions opts)
        : in(input), name(std::move(file_name)), options(opts), buf(k_block) {
        if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
            throw std::bad_alloc();
        csv_set_space_func(&parser, no_space);
    }
    ~Impl() { csv_free(&parser); }

    static void on_field(void* s, std::size_t n, void* data) {
        auto* m = static_cast<Impl*>(data);
        const char* p = s ? static_cast<const char*>(s) : "";
        if (m->count < m->fields.size())
            m->fields[m->count].assign(p, n);
        else
            m->fields.emplace_back(p, n);
        ++m->count;
    }
    static void on_record(int, void* data) { static_cast<Impl*>(data)->complete = true; }

    // Moves what is left to the front and reads the next block; false at the
    // end of the input.
    bool fill() {
        if (eof)
            return false;
        std::memmove(buf.data(), buf.data() + pos, len - pos);
        len -= pos;
        pos = 0;
        in.read(buf.data() + len, static_cast<std::streamsize>(buf.size() - len));
        auto got = static_cast<std::size_t>(in.gcount());
        if (first_block) {
            first_block = false;
            if (got >= 3 && std::memcmp(buf.data() + len, "\xEF\xBB\xBF", 3) == 0) {
                std::memmove(buf.data() + len, buf.data() + len + 3, got - 3);
                got -= 3;
                consumed += 3;
            }
        }
        len += got;
        if (got == 0 || !in)
            eof = true;
        return got > 0;
    }

    // The end of the next piece to feed: through the next line end, or what
    // the buffer holds. A CR at the end of the buffer waits for the next
    // block, which tells whether an LF follows.
    std::size_t piece_end(bool& terminated) const {
        terminated = false;
        for (std::size_t i = pos; i < len; ++i) {
            char c = buf[i];
            if (c == '\n') {
                terminated = true;
                return i + 1;
            }
            if (c != '\r')
                continue;
            if (i + 1 < len) {
                terminated = true;
                return buf[i + 1] == '\n' ? i + 2 : i + 1;
            }
            if (eof) {
                terminated = true;
                return i + 1;
            }
            return i;
        }
        return len;
    }

    void feed(std::size_t end, bool terminated) {
        const char* p = buf.data() + pos;
        std::size_t n = end - pos;
        if (!open && !is_blank(p, n)) {
            open = true;
            start = line;
        }
        if (csv_parse(&parser, p, n, on_field, on_record, this) != n) {
            done = true;
            throw CsvError(name, line,
                           "malformed CSV: a quote inside an unquoted field, or text after a "
                           "closing quote (quote the whole field and double each quote in it)",
                           false);
        }
        consumed += n;
        pos = end;
        if (terminated)
            ++line;
    }

    void finish() {
        done = true;
        if (csv_fini(&parser, on_field, on_record, this) != 0)
            throw CsvError(name, start,
                           "malformed CSV: a quoted field in the row starting here is never "
                           "closed",
                           false);
    }

    bool take(CsvRecord& out) {
        complete = false;
        open = false;
        out.line = start;
        fields.resize(count);
        out.fields.swap(fields);
        std::size_t got = count;
        count = 0;
        if (!options.uniform_width)
            return true;
        if (width_line == 0) {
            width = got;
            width_line = out.line;
        } else if (got != width) {
            throw CsvError(name, out.line,
                           "row has " + std::to_string(got) + " field" + (got == 1 ? "" : "s") +
                               ", but the first row (line " + std::to_string(width_line) +
                               ") has " + std::to_string(width),
                           true);
        }
        return true;
    }

    std::istream& in;
    std::string name;
    CsvOptions options;
    csv_parser parser{};
    std::vector<char> buf;
    std::size_t pos = 0, len = 0;
    bool eof = false, done = false, first_block = true;
    std::uint64_t consumed = 0;
    std::size_t line = 1;  // the line of the next byte fed
    bool open = false;     // bytes of a record fed, its end not yet seen
    std::size_t start = 0;
    std::vector<std::string> fields;
    std::size_t count = 0;
    bool complete = false;
    std::size_t width = 0, width_line = 0;
};

CsvReader::CsvReader(std::istream& in, std::string name, CsvOptions options)
    : m(std::make_unique<Impl>(in, std::move(name), options)) {}

CsvReader::~CsvReader() = default;

std::uint64_t CsvReader::bytes_read() const {
    return m->consumed;
}

bool CsvReader::next(CsvRecord& out) {
    while (!m->done) {
        if (m->pos == m->len && !m->fill()) {
            m->finish();
            return m->complete && m->take(out);
        }
        bool terminated = false;
        std::size_t end = m->piece_end(terminated);
        if (end == m->pos) {
            m->fill();  // a CR at the end of the block: see what follows
            continue;
        }
        m->feed(end, terminated);
        if (m->complete)
            return m->take(out);
    }
    return false;
}

}  // namespace postsched::importer
