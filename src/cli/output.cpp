#include "cli/output.hpp"

#include <nlohmann/json.hpp>

#include <ostream>

#include "core/time_format.hpp"

namespace postsched::cli {
namespace {

// Display width approximated by code points (good enough for tables).
std::size_t width_of(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80)
            ++n;
    return n;
}

nlohmann::json target_json(const store::TargetView& t) {
    nlohmann::json j{{"id", t.id},
                     {"account", t.account_name},
                     {"platform", t.platform},
                     {"status", to_string(t.status)},
                     {"attempts", t.attempts}};
    auto opt = [&](const char* k, const std::string& v) {
        j[k] = v.empty() ? nullptr : nlohmann::json(v);
    };
    opt("platform_post_id", t.platform_post_id);
    opt("url", t.platform_post_url);
    opt("error", t.error_message);
    opt("error_kind", t.last_error_kind);
    opt("posted_at", optional_instant(t.posted_at));
    opt("next_attempt_at",
        t.status == TargetStatus::pending ? format_instant(t.next_attempt_at) : std::string());
    return j;
}

nlohmann::json post_object(const store::PostView& v) {
    const Post& p = v.post;
    nlohmann::json media = nlohmann::json::array();
    for (const auto& m : p.media)
        media.push_back({{"source", m.source}, {"alt", m.alt}});
    nlohmann::json targets = nlohmann::json::array();
    for (const auto& t : v.targets)
        targets.push_back(target_json(t));
    return {
        {"id", p.id},
        {"status", to_string(p.status)},
        {"scheduled_at", format_instant(p.scheduled_at)},
        {"timezone", p.timezone},
        {"parts", p.parts},
        {"media", media},
        {"options", nlohmann::json::parse(p.options)},
        {"idempotency_key", p.idempotency_key ? nlohmann::json(*p.idempotency_key) : nullptr},
        {"max_lateness_seconds",
         p.max_lateness ? nlohmann::json(p.max_lateness->count() / 1000) : nullptr},
        {"created_at", format_instant(p.created_at)},
        {"updated_at", format_instant(p.updated_at)},
        {"approved_at", p.approved_at ? nlohmann::json(format_instant(*p.approved_at)) : nullptr},
        {"targets", targets}};
}

nlohmann::json account_object(const Account& a) {
    auto opt = [](const std::string& v) {
        return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v);
    };
    return {{"id", a.id},
            {"name", a.name},
            {"platform", a.platform},
            {"platform_account_id", opt(a.platform_account_id)},
            {"username", opt(a.username)},
            {"display_name", opt(a.display_name)},
            {"instance_url", opt(a.instance_url)},
            {"active", a.is_active},
            {"needs_reconnect", a.needs_reconnect},
            {"token_expiry", opt(optional_instant(a.token_expiry))},
            {"has_refresh_token", !a.refresh_token_enc.empty()},
            {"last_used", opt(optional_instant(a.last_used))},
            {"created_at", format_instant(a.created_at)}};
}

}  // namespace

void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(header.size(), 0);
    auto measure = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], width_of(row[i]));
    };
    measure(header);
    for (const auto& r : rows)
        measure(r);
    auto print = [&](const std::vector<std::string>& row) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size())
                line += std::string(widths[i] - width_of(row[i]) + 2, ' ');
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out << line << '\n';
    };
    print(header);
    for (const auto& r : rows)
        print(r);
}

std::string preview(const std::string& text, std::size_t width) {
    std::string out;
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) != 0x80) {
            if (n == width) {
                out += "…";
                break;
            }
            ++n;
        }
        if (c == '\n')
            out += "⏎";
        else if (c != '\r')
            out += text[i];
    }
    return out;
}

std::string optional_instant(const std::optional<Instant>& t) {
    return t ? format_instant(*t) : std::string();
}

std::string post_json(const store::PostView& view, bool pretty) {
    return post_object(view).dump(pretty ? 2 : -1);
}

std::string posts_json(const std::vector<store::PostView>& views) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& v : views)
        a.push_back(post_object(v));
    return a.dump(2);
}

std::string account_json(const Account& account) {
    return account_object(account).dump(2);
}

std::string accounts_json(const std::vector<Account>& accounts) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& acc : accounts)
        a.push_back(account_object(acc));
    return a.dump(2);
}

}  // namespace postsched::cli
