#include "cli/import_check.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

#include "cli/post_input.hpp"
#include "core/errors.hpp"
#include "core/ids.hpp"
#include "core/text_count.hpp"
#include "core/time_format.hpp"
#include "core/zoned_time.hpp"
#include "store/store.hpp"

namespace postsched::cli {
using importer::Column;
using importer::Row;

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string joined_text(const std::vector<std::string>& parts) {
    std::string s;
    for (std::size_t i = 0; i < parts.size(); ++i)
        s += (i ? "\n---\n" : "") + parts[i];
    return s;
}

}  // namespace

// One row's parse: in the check pass problems are reported and parsing goes
// on; in the write pass (no sink) any problem is a bug or a changed file.
struct ImportChecker::Parse {
    importer::ProblemSink* sink = nullptr;
    std::array<bool, importer::k_column_count> bad{};
    bool ok = true;

    bool full() const { return sink != nullptr; }
    void fail(const Row& row, Column c, std::string message) {
        ok = false;
        bad[static_cast<std::size_t>(c)] = true;
        if (!sink)
            throw Error(Exit::software, "line " + std::to_string(row.line) + ", column \"" +
                                            row.label(c) + "\": " + message +
                                            " (the row passed the check before)");
        sink->report({row.line, row.label(c), std::move(message)});
    }
    bool is_bad(Column c) const { return bad[static_cast<std::size_t>(c)]; }
};

ImportChecker::ImportChecker(Context& ctx, ImportSettings settings, importer::KeyLedger& keys)
    : m_ctx(ctx), m_settings(std::move(settings)), m_keys(keys), m_ids(m_settings.now) {}

bool ImportChecker::check(const Row& row, importer::ProblemSink& problems, PlannedPost& out) {
    Parse p;
    p.sink = &problems;
    parse(row, p, out);
    if (!p.is_bad(Column::content) && !p.is_bad(Column::accounts) && !p.is_bad(Column::options) &&
        !out.accounts.empty()) {
        try {
            validate_content(m_ctx, out.post, out.accounts);
        } catch (const Error& e) {
            p.fail(row, Column::content, e.what());
        }
    }
    if (!p.is_bad(Column::media_urls) && !p.is_bad(Column::accounts) && !out.accounts.empty()) {
        try {
            validate_media(m_ctx, out.post, out.accounts);
        } catch (const Error& e) {
            p.fail(row, Column::media_urls, e.what());
        }
    }
    check_key(row, p, out);
    return p.ok;
}

void ImportChecker::build(const Row& row, PlannedPost& out) {
    Parse p;
    parse(row, p, out);
    out.post.id = m_ids.next();
    for (const auto& a : out.accounts) {
        Target t;
        t.id = m_ids.next();
        t.post_id = out.post.id;
        t.account_id = a.id;
        t.next_attempt_at = out.post.scheduled_at;
        out.targets.push_back(std::move(t));
    }
}

bool ImportChecker::parse(const Row& row, Parse& p, PlannedPost& out) {
    out.post = Post{};
    out.accounts.clear();
    out.targets.clear();
    for (std::size_t i = 0; i < importer::k_column_count; ++i)
        if (!is_valid_utf8(row.cells[i]))
            p.fail(row, static_cast<Column>(i), "is not valid UTF-8");
    parse_time(row, p, out);
    if (!p.is_bad(Column::content)) {
        try {
            out.post.parts = parse_thread_text(row[Column::content]);
        } catch (const Error& e) {
            p.fail(row, Column::content, e.what());
        }
    }
    parse_accounts(row, p, out);
    parse_media(row, p, out);
    parse_extras(row, p, out);
    Post& post = out.post;
    post.created_at = post.updated_at = m_settings.now;
    if (post.status == PostStatus::pending)
        post.approved_at = m_settings.now;
    return p.ok;
}

bool ImportChecker::parse_time(const Row& row, Parse& p, PlannedPost& out) {
    if (p.is_bad(Column::timezone) || p.is_bad(Column::scheduled_at))
        return false;
    std::string zone(importer::trim(row[Column::timezone]));
    if (zone.empty()) {
        zone = m_settings.default_zone;
    } else {
        try {
            require_zone(zone);
        } catch (const Error& e) {
            p.fail(row, Column::timezone, e.what());
            return false;
        }
    }
    std::string at(importer::trim(row[Column::scheduled_at]));
    if (at.empty()) {
        p.fail(row, Column::scheduled_at,
               "is empty: give a date and time such as 2027-03-01T09:30, optionally with an "
               "offset such as +01:00");
        return false;
    }
    try {
        ScheduleTime t = parse_schedule_time(at, zone);
        if (p.full() && !t.note.empty())
            std::cerr << "postsched: note: " << m_settings.file_name << ":" << row.line << ": "
                      << t.note << "\n";
        if (t.instant < m_settings.now) {
            p.fail(row, Column::scheduled_at,
                   in_quotes(at) + " is in the past (" + format_instant(t.instant) + " < now " +
                       format_instant(m_settings.now) + ")");
            return false;
        }
        out.post.scheduled_at = t.instant;
        out.post.timezone = zone;
        return true;
    } catch (const Error& e) {
        p.fail(row, Column::scheduled_at, e.what());
        return false;
    }
}

const Account* ImportChecker::account(const std::string& name, bool may_ask_store) {
    auto it = m_accounts.find(name);
    if (it == m_accounts.end()) {
        if (!may_ask_store)
            return nullptr;
        it = m_accounts.emplace(name, m_ctx.store().find_account(name)).first;
    }
    return it->second ? &*it->second : nullptr;
}

bool ImportChecker::parse_accounts(const Row& row, Parse& p, PlannedPost& out) {
    if (p.is_bad(Column::accounts))
        return false;
    auto names = importer::split_list(row[Column::accounts]);
    if (names.empty()) {
        p.fail(row, Column::accounts, "is empty: give one or more account names, comma-separated");
        return false;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto& name = names[i];
        if (std::find(names.begin(), names.begin() + static_cast<long>(i), name) !=
            names.begin() + static_cast<long>(i))
            continue;
        const Account* a = account(name, p.full());
        if (!a)
            p.fail(row, Column::accounts,
                   "no account named " + in_quotes(name) + " (see `postsched account list`)");
        else if (!a->is_active)
            p.fail(row, Column::accounts, "account " + in_quotes(name) + " is not active");
        else if (!adapters::find_adapter(a->platform))
            p.fail(row, Column::accounts,
                   "account " + in_quotes(name) + " is on platform " + in_quotes(a->platform) +
                       ", which this postsched cannot publish to");
        else
            out.accounts.push_back(*a);
    }
    return !p.is_bad(Column::accounts);
}

bool ImportChecker::parse_media(const Row& row, Parse& p, PlannedPost& out) {
    if (p.is_bad(Column::media_urls) || p.is_bad(Column::alt_texts))
        return false;
    MediaInput in;
    in.sources = importer::split_list(row[Column::media_urls]);
    in.alts = importer::split_lines(row[Column::alt_texts]);
    if (in.alts.size() > in.sources.size()) {
        p.fail(row, Column::alt_texts,
               std::to_string(in.alts.size()) + " alt texts (one per line) for " +
                   std::to_string(in.sources.size()) + " media item" +
                   (in.sources.size() == 1 ? "" : "s"));
        return false;
    }
    out.post.media = read_media(in);
    return true;
}

bool ImportChecker::parse_extras(const Row& row, Parse& p, PlannedPost& out) {
    Post& post = out.post;
    std::string status = lower(importer::trim(row[Column::status]));
    if (status == "draft")
        post.status = PostStatus::draft;
    else if (status.empty() || status == "pending")
        post.status = PostStatus::pending;
    else if (!p.is_bad(Column::status))
        p.fail(row, Column::status, in_quotes(row[Column::status]) + " is not pending or draft");

    auto lateness = importer::trim(row[Column::max_lateness]);
    if (!lateness.empty() && !p.is_bad(Column::max_lateness)) {
        post.max_lateness = parse_duration(lateness);
        if (!post.max_lateness)
            p.fail(row, Column::max_lateness,
                   in_quotes(lateness) + " is not a duration (like 90s, 15m, 2h or 1d)");
    }

    auto options = importer::trim(row[Column::options]);
    if (!options.empty() && !p.is_bad(Column::options)) {
        auto json = nlohmann::json::parse(options, nullptr, false);
        if (json.is_object())
            post.options = json.dump();
        else
            p.fail(row, Column::options,
                   "is not a JSON object (like {\"mastodon\": {\"visibility\": \"unlisted\"}})");
    }

    if (!row[Column::idempotency_key].empty())
        post.idempotency_key = row[Column::idempotency_key];
    return p.ok;
}

void ImportChecker::check_key(const Row& row, Parse& p, const PlannedPost& out) {
    const auto& key = out.post.idempotency_key;
    if (!key || p.is_bad(Column::idempotency_key) || p.is_bad(Column::content))
        return;
    const auto& parts = out.post.parts;
    if (auto first = m_keys.first_use(*key, row.line, joined_text(parts))) {
        if (first->same_text)
            m_keys.skip(row.line);
        else
            p.fail(row, Column::idempotency_key,
                   in_quotes(*key) + " is also used on line " + std::to_string(first->line) +
                       " with a different text");
        return;
    }
    auto existing = m_ctx.store().find_post_by_key(*key);
    if (!existing)
        return;
    if (existing->post.parts == parts)
        m_keys.skip(row.line);
    else
        p.fail(row, Column::idempotency_key,
               in_quotes(*key) + " is already used by post " + existing->post.id +
                   " with a different text");
}

}  // namespace postsched::cli
