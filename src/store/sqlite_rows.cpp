#include "store/sqlite_rows.hpp"

#include <nlohmann/json.hpp>

#include "core/time_format.hpp"

namespace postsched::store::rows {

std::string prefixed(const char* columns, const char* alias) {
    std::string out, col;
    auto flush = [&] {
        auto b = col.find_first_not_of(' ');
        if (b == std::string::npos)
            return;
        out += (out.empty() ? "" : ", ") + std::string(alias) + "." + col.substr(b);
        col.clear();
    };
    for (const char* c = columns; *c; ++c) {
        if (*c == ',')
            flush();
        else
            col += *c;
    }
    flush();
    return out;
}

std::string text(SQLite::Statement& q, int col) {
    auto c = q.getColumn(col);
    return c.isNull() ? std::string() : c.getString();
}

std::optional<Instant> instant(SQLite::Statement& q, int col) {
    auto c = q.getColumn(col);
    if (c.isNull())
        return std::nullopt;
    return parse_utc_instant(c.getString());
}

void bind_opt(SQLite::Statement& q, int index, const std::string& value) {
    if (value.empty())
        q.bind(index);
    else
        q.bind(index, value);
}

void bind_opt(SQLite::Statement& q, int index, const std::optional<Instant>& value) {
    if (value)
        q.bind(index, format_instant(*value));
    else
        q.bind(index);
}

Account read_account(SQLite::Statement& q, int f) {
    Account a;
    a.id = text(q, f + 0);
    a.platform = text(q, f + 1);
    a.name = text(q, f + 2);
    a.platform_account_id = text(q, f + 3);
    a.display_name = text(q, f + 4);
    a.username = text(q, f + 5);
    a.instance_url = text(q, f + 6);
    a.access_token_enc = text(q, f + 7);
    a.refresh_token_enc = text(q, f + 8);
    a.token_expiry = instant(q, f + 9);
    a.settings = text(q, f + 10);
    a.is_active = q.getColumn(f + 11).getInt() != 0;
    a.needs_reconnect = q.getColumn(f + 12).getInt() != 0;
    a.last_used = instant(q, f + 13);
    a.created_at = instant(q, f + 14).value_or(Instant{});
    return a;
}

Post read_post(SQLite::Statement& q, int f) {
    Post p;
    p.id = text(q, f + 0);
    p.parts.push_back(text(q, f + 1));
    for (const auto& part : nlohmann::json::parse(text(q, f + 2)))
        p.parts.push_back(part.get<std::string>());
    auto urls = nlohmann::json::parse(text(q, f + 3));
    auto alts = nlohmann::json::parse(text(q, f + 4));
    for (std::size_t i = 0; i < urls.size(); ++i)
        p.media.push_back({urls[i].get<std::string>(),
                           i < alts.size() ? alts[i].get<std::string>() : std::string()});
    p.options = text(q, f + 5);
    p.scheduled_at = instant(q, f + 6).value_or(Instant{});
    p.timezone = text(q, f + 7);
    p.status = post_status_from(text(q, f + 8)).value_or(PostStatus::failed);
    if (!q.getColumn(f + 9).isNull())
        p.max_lateness = Millis{q.getColumn(f + 9).getInt64()};
    if (!q.getColumn(f + 10).isNull())
        p.idempotency_key = text(q, f + 10);
    p.created_at = instant(q, f + 11).value_or(Instant{});
    p.updated_at = instant(q, f + 12).value_or(Instant{});
    p.approved_at = instant(q, f + 13);
    return p;
}

Target read_target(SQLite::Statement& q, int f) {
    Target t;
    t.id = text(q, f + 0);
    t.post_id = text(q, f + 1);
    t.account_id = text(q, f + 2);
    t.status = target_status_from(text(q, f + 3)).value_or(TargetStatus::unknown);
    t.platform_post_id = text(q, f + 4);
    t.platform_post_url = text(q, f + 5);
    t.error_message = text(q, f + 6);
    t.posted_at = instant(q, f + 7);
    t.attempts = q.getColumn(f + 8).getInt();
    t.next_attempt_at = instant(q, f + 9).value_or(Instant{});
    t.claimed_until = instant(q, f + 10);
    t.claim_token = text(q, f + 11);
    t.last_error_kind = text(q, f + 12);
    t.adapter_state = text(q, f + 13);
    t.sending_at = instant(q, f + 14);
    return t;
}

std::string parts_json(const Post& post) {
    nlohmann::json a = nlohmann::json::array();
    for (std::size_t i = 1; i < post.parts.size(); ++i)
        a.push_back(post.parts[i]);
    return a.dump();
}

std::string media_urls_json(const Post& post) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& m : post.media)
        a.push_back(m.source);
    return a.dump();
}

std::string media_alt_json(const Post& post) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& m : post.media)
        a.push_back(m.alt);
    return a.dump();
}

}  // namespace postsched::store::rows
