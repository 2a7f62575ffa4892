// postsched import FILE|- : a CSV file of posts, all or nothing.
//
// Two passes over the file (standard input is spooled to a temporary file
// first): the check pass turns every row into a post and reports each
// problem, writing nothing; only a clean file gets the write pass, which
// rebuilds the posts and stores them in one transaction. Rows are handled one
// at a time and what must outlive a row (idempotency keys, skipped lines,
// JSON output held back until commit) goes to temporary files, so memory
// does not grow with the file.
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/import_check.hpp"
#include "cli/output.hpp"
#include "cli/post_input.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "core/zoned_time.hpp"
#include "importer/csv_reader.hpp"
#include "importer/temp_file.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

using importer::Column;
using importer::Row;

struct ImportOptions {
    std::string file, format = "native", account, date_order, tz;
    bool ignore_unknown = false, dry_run = false, json = false;
};

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// A progress line on standard error when it is a terminal, rewritten at most
// five times a second and only once the import has run for a second.
class Progress {
  public:
    Progress(std::string name, std::uint64_t total)
        : m_enabled(::isatty(2) == 1), m_name(std::move(name)), m_total(total) {}
    ~Progress() { clear(); }
    void update(const char* phase, std::size_t rows, std::uint64_t bytes) {
        if (!m_enabled || (rows & 255) != 0)
            return;
        auto now = std::chrono::steady_clock::now();
        if (now - m_start < std::chrono::seconds(1) ||
            now - m_last < std::chrono::milliseconds(200))
            return;
        m_last = now;
        std::string line = "postsched: " + std::string(phase) + " " + m_name + ": " +
                           std::to_string(rows) + " rows";
        if (m_total)
            line += " (" + std::to_string(bytes * 100 / m_total) + "%)";
        std::cerr << "\r" << line << "\033[K" << std::flush;
        m_shown = true;
    }
    void clear() {
        if (!m_shown)
            return;
        std::cerr << "\r\033[K" << std::flush;
        m_shown = false;
    }

  private:
    bool m_enabled;
    bool m_shown = false;
    std::string m_name;
    std::uint64_t m_total;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_last{};
};

// A JSON array written element by element to a temporary file, printed
// later (after the commit, so no id is shown for a post that was not stored).
class JsonSpool {
  public:
    JsonSpool() = default;
    JsonSpool(const JsonSpool&) = delete;
    JsonSpool& operator=(const JsonSpool&) = delete;
    ~JsonSpool() {
        if (m_file)
            std::fclose(m_file);
    }
    void add(const nlohmann::json& element) {
        if (!m_file && !(m_file = std::tmpfile()))  // unlinked already: nothing left behind
            throw Error(Exit::cant_create, "cannot create a temporary file for the JSON output");
        std::string text = (m_count++ ? ",\n" : "\n") + element.dump();
        if (std::fwrite(text.data(), 1, text.size(), m_file) != text.size())
            throw Error(Exit::io, "cannot write a temporary file for the JSON output");
    }
    void print(std::ostream& out) {
        out << "[";
        if (m_file) {
            std::rewind(m_file);
            char buf[1 << 16];
            std::size_t n;
            while ((n = std::fread(buf, 1, sizeof buf, m_file)) > 0)
                out.write(buf, static_cast<std::streamsize>(n));
            out << "\n";
        }
        out << "]";
    }

  private:
    std::FILE* m_file = nullptr;
    std::size_t m_count = 0;
};

class Problems final : public importer::ProblemSink {
  public:
    Problems(std::string file, bool json, Progress& progress)
        : m_file(std::move(file)), m_json(json), m_progress(progress) {}
    void report(const importer::Problem& p) override {
        ++m_count;
        if (m_json) {
            m_spool.add({{"line", p.line},
                         {"column", p.column.empty() ? nlohmann::json() : nlohmann::json(p.column)},
                         {"message", p.message}});
            return;
        }
        m_progress.clear();
        std::cerr << m_file << ":" << p.line << ": "
                  << (p.column.empty() ? "" : "column \"" + p.column + "\": ") << p.message << "\n";
    }
    std::size_t count() const { return m_count; }
    JsonSpool& spool() { return m_spool; }

  private:
    std::string m_file;
    bool m_json;
    Progress& m_progress;
    JsonSpool m_spool;
    std::size_t m_count = 0;
};

// The input, opened once and read once per pass.
struct Input {
    std::string name;  // in messages: the path, or <stdin>
    std::unique_ptr<importer::TempFile> spooled;
    std::ifstream stream;
    std::uint64_t size = 0;
};

Input open_input(const std::string& file) {
    Input in;
    std::string path = file;
    if (file == "-") {
        in.name = "<stdin>";
        in.spooled = std::make_unique<importer::TempFile>("postsched-import");
        importer::spool(std::cin, *in.spooled);
        path = in.spooled->path();
    } else {
        in.name = file;
        if (std::filesystem::is_directory(file))
            throw Error(Exit::no_input, "cannot read \"" + file + "\": it is a directory");
    }
    in.stream.open(path, std::ios::binary);
    if (!in.stream)
        throw Error(Exit::no_input, "cannot read \"" + file + "\"");
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (!ec)
        in.size = size;
    if (in.spooled)  // the open stream keeps it readable; nothing is left if we are killed
        std::filesystem::remove(path, ec);
    return in;
}

struct PassResult {
    std::size_t rows = 0;
    bool header_ok = true;
};

// Reads every data row of the input (from the top), calling `each(row)` for
// those that map; CSV-level problems go to `problems`.
template <typename Each>
PassResult read_rows(Input& input, const ImportOptions& o, importer::ProblemSink& problems,
                     Progress& progress, const char* phase, Each&& each) {
    bool native = o.format == "native";
    auto order = o.date_order == "dmy" ? importer::DateOrder::dmy : importer::DateOrder::mdy;
    input.stream.clear();
    input.stream.seekg(0);
    importer::CsvReader reader(input.stream, input.name, {native});
    importer::CsvRecord record;
    std::optional<importer::NativeHeader> header;
    Row row;
    PassResult result;
    for (;;) {
        try {
            if (!reader.next(record))
                break;
        } catch (const importer::CsvError& e) {
            problems.report({e.line(), "", e.message()});
            if (!e.recoverable())
                break;
            ++result.rows;
            continue;
        }
        if (native && !header) {
            header.emplace(record, o.ignore_unknown, problems);
            if (!header->ok()) {
                result.header_ok = false;
                return result;
            }
            continue;
        }
        ++result.rows;
        if (native) {
            header->map(record, row);
            each(row);
        } else if (importer::map_hootsuite(record, order, o.account, row, problems)) {
            each(row);
        }
        progress.update(phase, result.rows, reader.bytes_read());
    }
    if (native && !header)
        throw Error(Exit::data, input.name +
                                    ": the file is empty: a native import starts with "
                                    "a header row (scheduled_at,accounts,content,...)");
    return result;
}

void require_hootsuite_account(Context& ctx, const std::string& name) {
    auto a = ctx.store().find_account(name);
    if (!a)
        throw Error(Exit::data,
                    "--account: no account named \"" + name + "\" (see `postsched account list`)");
    if (!a->is_active)
        throw Error(Exit::data, "--account: account \"" + name + "\" is not active");
    if (!adapters::find_adapter(a->platform))
        throw Error(Exit::data, "--account: account \"" + name + "\" is on platform \"" +
                                    a->platform + "\", which this postsched cannot publish to");
}

void check_options(const ImportOptions& o) {
    bool hootsuite = o.format == "hootsuite";
    if (hootsuite && o.account.empty())
        throw Error(Exit::usage, "--format hootsuite needs --account NAME (the rows name none)");
    if (hootsuite && o.date_order.empty())
        throw Error(Exit::usage,
                    "--format hootsuite needs --date-order dmy or mdy (is 05/06 May 6 or June 5?)");
    if (!hootsuite && (!o.account.empty() || !o.date_order.empty()))
        throw Error(Exit::usage, "--account and --date-order go with --format hootsuite");
}

nlohmann::json planned_json(std::size_t line, const PlannedPost& p) {
    nlohmann::json accounts = nlohmann::json::array(), media = nlohmann::json::array();
    for (const auto& a : p.accounts)
        accounts.push_back(a.name);
    for (const auto& m : p.post.media)
        media.push_back({{"source", m.source}, {"alt", m.alt}});
    return {{"line", line},
            {"scheduled_at", format_instant(p.post.scheduled_at)},
            {"timezone", p.post.timezone},
            {"status", std::string(to_string(p.post.status))},
            {"accounts", accounts},
            {"parts", p.post.parts},
            {"media", media},
            {"idempotency_key",
             p.post.idempotency_key ? nlohmann::json(*p.post.idempotency_key) : nlohmann::json()}};
}

std::string plan_line(const std::string& file, std::size_t line, const PlannedPost& p) {
    std::string accounts;
    for (const auto& a : p.accounts)
        accounts += (accounts.empty() ? "" : ",") + a.name;
    std::string s = file + ":" + std::to_string(line) + ": " +
                    std::string(to_string(p.post.status)) + " " +
                    format_in_zone(p.post.scheduled_at, p.post.timezone) + " [" + p.post.timezone +
                    "] to " + accounts + ": " + preview(p.post.parts[0], 50);
    if (p.post.parts.size() > 1)
        s += " (" + plural(p.post.parts.size(), "part") + ")";
    if (!p.post.media.empty())
        s += " (" + plural(p.post.media.size(), "media item") + ")";
    return s;
}

// One import: the check pass, then the write pass (or the plan).
class Import {
  public:
    Import(Context& ctx, const ImportOptions& o)
        : m_ctx(ctx),
          m_o(o),
          m_input(open_input(o.file)),
          m_settings{m_input.name, default_zone(ctx, o.tz), ctx.clock().now()},
          m_progress(m_input.name, m_input.size),
          m_problems(m_input.name, o.json, m_progress),
          m_checker(ctx, m_settings, m_keys) {}

    int run() {
        if (m_o.format == "hootsuite")
            require_hootsuite_account(m_ctx, m_o.account);
        check_pass();
        write_pass();
        print_result();
        return 0;
    }

  private:
    // Every row, every check; nothing written. Throws after listing problems.
    void check_pass() {
        auto snapshot = m_ctx.store().read_snapshot();  // one read transaction, not one a row
        auto checked =
            read_rows(m_input, m_o, m_problems, m_progress, "checking",
                      [&](const Row& row) { m_checker.check(row, m_problems, m_planned); });
        m_progress.clear();
        if (!m_problems.count() && checked.header_ok)
            return;
        if (m_o.json) {
            std::cout << "{" << head() << ", \"imported\": 0, \"errors\": ";
            m_problems.spool().print(std::cout);
            std::cout << "}\n";
        }
        throw Error(Exit::data, m_input.name + ": " + plural(m_problems.count(), "problem") +
                                    " in " + plural(checked.rows, "row") + "; nothing imported");
    }

    // The checked rows again: stored in one transaction, or (--dry-run) shown.
    void write_pass() {
        if (!m_o.dry_run)
            m_bulk = m_ctx.store().bulk_insert(m_settings.now);
        m_keys.rewind();
        read_rows(m_input, m_o, m_problems, m_progress, m_o.dry_run ? "planning" : "importing",
                  [&](const Row& row) { write_row(row); });
        if (m_problems.count())
            throw Error(Exit::data,
                        m_input.name + " changed while it was imported; nothing imported");
        if (m_bulk)
            m_bulk->commit();
        m_progress.clear();
    }

    void write_row(const Row& row) {
        if (m_keys.skipped(row.line)) {
            ++m_skipped;
            if (m_o.json)
                m_skipped_lines.add(row.line);
            else if (m_o.dry_run)
                std::cout << m_input.name << ":" << row.line
                          << ": skipped: its idempotency key was used already, with the same "
                             "text\n";
            return;
        }
        m_checker.build(row, m_planned);
        ++m_created;
        if (m_o.dry_run) {
            if (m_o.json)
                m_posts.add(planned_json(row.line, m_planned));
            else
                std::cout << plan_line(m_input.name, row.line, m_planned) << "\n";
            return;
        }
        try {
            m_bulk->add(m_planned.post, m_planned.targets);
        } catch (const Error& e) {
            throw Error(e.code(), m_input.name + ":" + std::to_string(row.line) + ": " + e.what() +
                                      "; nothing imported");
        }
        if (m_o.json)
            m_posts.add({{"line", row.line}, {"id", m_planned.post.id}});
    }

    void print_result() {
        if (m_o.json) {
            std::cout << "{" << head() << ", \"" << (m_o.dry_run ? "would_import" : "imported")
                      << "\": " << m_created << ", \"skipped\": " << m_skipped << ", \"posts\": ";
            m_posts.print(std::cout);
            std::cout << ", \"skipped_lines\": ";
            m_skipped_lines.print(std::cout);
            std::cout << "}\n";
            return;
        }
        std::string skip_note =
            m_skipped ? " (" + plural(m_skipped, "row") +
                            " skipped: idempotency key used already, with the same text)"
                      : "";
        if (m_o.dry_run)
            std::cout << "would import " << plural(m_created, "post") << " from " << m_input.name
                      << skip_note << "; nothing written (--dry-run)\n";
        else
            std::cout << "imported " << plural(m_created, "post") << " from " << m_input.name
                      << skip_note << "\n";
    }

    std::string head() const {
        return "\"file\": " + nlohmann::json(m_input.name).dump() +
               ", \"dry_run\": " + (m_o.dry_run ? "true" : "false");
    }

    Context& m_ctx;
    const ImportOptions& m_o;
    Input m_input;
    ImportSettings m_settings;
    Progress m_progress;
    Problems m_problems;
    importer::KeyLedger m_keys;
    ImportChecker m_checker;
    PlannedPost m_planned;
    std::unique_ptr<store::BulkInsert> m_bulk;
    JsonSpool m_posts, m_skipped_lines;
    std::size_t m_created = 0, m_skipped = 0;
};

int run_import(Context& ctx, const ImportOptions& o) {
    check_options(o);
    return Import(ctx, o).run();
}

}  // namespace

void register_import(CLI::App& app, Context& ctx) {
    static ImportOptions o;
    auto* c = app.add_subcommand(
        "import",
        "schedule the posts of a CSV file: every row is checked, then all are stored "
        "in one transaction, or none");
    c->add_option("file", o.file, "the CSV file, or - for standard input")->required();
    c->add_option("--format", o.format, "native (columns by header name, the default) or hootsuite")
        ->check(CLI::IsMember({"native", "hootsuite"}));
    c->add_option("--account", o.account, "hootsuite: the account the rows are for");
    c->add_option("--date-order", o.date_order,
                  "hootsuite: dates are dmy (31/12/2026) or mdy "
                  "(12/31/2026)")
        ->check(CLI::IsMember({"dmy", "mdy"}));
    c->add_option("--tz", o.tz,
                  "IANA zone for local times of rows without a timezone (default: "
                  "scheduler.timezone, else the system zone)");
    c->add_flag("--ignore-unknown-columns", o.ignore_unknown,
                "skip columns postsched does not know instead of refusing the file");
    c->add_flag("--dry-run", o.dry_run,
                "check every row and print what would be scheduled; "
                "store nothing");
    c->add_flag("--json", o.json, "print the created post ids (or the problems) as JSON");
    c->callback([&ctx] { ctx.action = [&ctx] { return run_import(ctx, o); }; });
}

}  // namespace postsched::cli
