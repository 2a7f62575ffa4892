// postsched export: posts as native CSV on standard output, streamed, in the
// columns `import` reads, so pending and draft posts can be moved to another
// store (with the same account names) and come back the same.
#include <date/tz.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "cli/context.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "importer/columns.hpp"
#include "importer/csv_writer.hpp"
#include "store/store.hpp"

namespace postsched::cli {
namespace {

using importer::Column;

struct ExportOptions {
    std::string status, account, since, until;
};

// "2027-03-01T09:30:00+01:00" in the post's own zone (".250" before the
// offset when there are milliseconds), so the file reads like the schedule.
std::string local_iso(Instant t, const std::string& zone) {
    const date::time_zone* tz = nullptr;
    try {
        tz = date::locate_zone(zone);
    } catch (const std::exception&) {
        return format_instant(t);
    }
    auto info = tz->get_info(std::chrono::time_point_cast<std::chrono::seconds>(t));
    auto local = date::local_time<Millis>{t.time_since_epoch() + info.offset};
    // %S shows the milliseconds of a Millis time, none of a seconds time.
    std::string s =
        t.time_since_epoch().count() % 1000 != 0
            ? date::format("%Y-%m-%dT%H:%M:%S", local)
            : date::format("%Y-%m-%dT%H:%M:%S", std::chrono::floor<std::chrono::seconds>(local));
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
    char off[32];
    std::snprintf(off, sizeof off, "%c%02lld:%02lld", minutes < 0 ? '-' : '+',
                  std::llabs(minutes) / 60, std::llabs(minutes) % 60);
    return s + off;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i)
        s += (i ? sep : "") + items[i];
    return s;
}

std::vector<std::string> export_row(const store::PostView& v) {
    const Post& p = v.post;
    std::vector<std::string> row(importer::k_column_count);
    auto cell = [&](Column c) -> std::string& { return row[static_cast<std::size_t>(c)]; };
    cell(Column::scheduled_at) = local_iso(p.scheduled_at, p.timezone);
    cell(Column::timezone) = p.timezone;
    cell(Column::status) = std::string(to_string(p.status));
    std::vector<std::string> accounts;
    for (const auto& t : v.targets)
        accounts.push_back(t.account_name);
    std::sort(accounts.begin(), accounts.end());  // target order is random; files should not be
    cell(Column::accounts) = join(accounts, ",");
    cell(Column::content) = join(p.parts, "\n---\n");
    std::vector<std::string> sources, alts;
    bool any_alt = false;
    for (const auto& m : p.media) {
        sources.push_back(m.source);
        std::string alt = m.alt;
        for (char& c : alt)
            if (c == '\n' || c == '\r')
                c = ' ';  // one alt text per line
        any_alt = any_alt || !alt.empty();
        alts.push_back(alt);
    }
    cell(Column::media_urls) = join(sources, "\n");
    // One item holding a comma: a line break makes the importer split at
    // line breaks rather than commas.
    if (sources.size() == 1 && sources[0].find(',') != std::string::npos)
        cell(Column::media_urls) += "\n";
    if (any_alt)
        cell(Column::alt_texts) = join(alts, "\n");
    if (p.idempotency_key)
        cell(Column::idempotency_key) = *p.idempotency_key;
    if (p.max_lateness)
        cell(Column::max_lateness) = format_duration(*p.max_lateness);
    if (p.options != "{}")
        cell(Column::options) = p.options;
    return row;
}

std::optional<Instant> instant_option(const std::string& flag, const std::string& value) {
    if (value.empty())
        return std::nullopt;
    auto t = parse_offset_instant(value);
    if (!t)
        throw Error(Exit::usage,
                    flag + " \"" + value + "\" is not an ISO-8601 instant with offset");
    return t;
}

int run_export(Context& ctx, const ExportOptions& o) {
    store::PostFilter f;
    if (!o.status.empty()) {
        f.status = post_status_from(o.status);
        if (!f.status)
            throw Error(Exit::usage, "--status \"" + o.status +
                                         "\": use draft, pending, posting, posted, failed or "
                                         "cancelled");
    }
    f.account_name = o.account;
    f.since = instant_option("--since", o.since);
    f.until = instant_option("--until", o.until);

    std::string out;
    std::vector<std::string> header;
    for (std::size_t i = 0; i < importer::k_column_count; ++i)
        header.emplace_back(importer::column_name(static_cast<Column>(i)));
    importer::append_csv_record(out, header);
    auto flush = [&] {
        if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size())
            throw Error(Exit::io, "cannot write to standard output");
        out.clear();
    };
    ctx.store().each_post(f, [&](const store::PostView& v) {
        importer::append_csv_record(out, export_row(v));
        if (out.size() >= 64 * 1024)
            flush();
    });
    flush();
    if (std::fflush(stdout) != 0)
        throw Error(Exit::io, "cannot write to standard output");
    return 0;
}

}  // namespace

void register_export(CLI::App& app, Context& ctx) {
    static ExportOptions o;
    auto* c = app.add_subcommand("export", "write posts as CSV (the columns import reads)");
    c->add_option("--status", o.status,
                  "only posts in this state: draft, pending, posting, posted, failed, cancelled");
    c->add_option("--account", o.account, "only posts with a target on this account");
    c->add_option("--since", o.since, "scheduled at or after this instant (ISO 8601 with offset)");
    c->add_option("--until", o.until, "scheduled before this instant (ISO 8601 with offset)");
    c->callback([&ctx] { ctx.action = [&ctx] { return run_export(ctx, o); }; });
}

}  // namespace postsched::cli
