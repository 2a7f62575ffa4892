// PostgresStore: statement parameters, column lists and row readers.
#include <pqxx/prepared_statement>

#include <nlohmann/json.hpp>

#include "core/time_format.hpp"
#include "store/postgres_internal.hpp"

namespace postsched::store::pg {

Param text(std::string value) {
    return Param(std::move(value));
}

Param opt_text(const std::string& value) {
    if (value.empty())
        return std::nullopt;
    return value;
}

Param instant(Instant value) {
    return format_instant(value);
}

Param opt_instant(const std::optional<Instant>& value) {
    if (!value)
        return std::nullopt;
    return format_instant(*value);
}

Param integer(long long value) {
    return std::to_string(value);
}

Param boolean(bool value) {
    return value ? "true" : "false";
}

Param json_object(const std::string& value) {
    return value.empty() ? "{}" : value;
}

Param text_array(const std::vector<std::string>& values) {
    std::string out = "{";
    for (const auto& v : values) {
        if (out.size() > 1)
            out += ',';
        out += '"';
        for (char c : v) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

pqxx::result exec(pqxx::transaction_base& tx, const std::string& sql, const Params& params) {
    if (params.empty())
        return tx.exec(sql);
    return tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params));
}

std::string ms(const std::string& column) {
    return "(floor(extract(epoch FROM " + column + ") * 1000))::bigint";
}

namespace {

// Joins `columns` (each "name", "@name" for an instant or "#name" for JSON),
// qualified by `alias`, into a select list.
std::string select_list(const std::string& alias, std::initializer_list<const char*> columns) {
    std::string out;
    for (const char* c : columns) {
        if (!out.empty())
            out += ", ";
        if (c[0] == '@')
            out += ms(alias + "." + (c + 1));
        else if (c[0] == '#')
            out += alias + "." + (c + 1) + "::text";
        else
            out += alias + "." + c;
    }
    return out;
}

}  // namespace

std::string account_columns(const std::string& a) {
    return select_list(
        a, {"id", "platform", "name", "account_id", "account_name", "account_username",
            "instance_url", "access_token_encrypted", "refresh_token_encrypted", "@token_expiry",
            "#settings", "is_active", "needs_reconnect", "@last_used", "@created_at"});
}

std::string post_columns(const std::string& a) {
    return select_list(a, {"id", "content", "#parts", "#media_urls", "#media_alt", "#options",
                           "@scheduled_at", "timezone", "status", "max_lateness_ms",
                           "idempotency_key", "@created_at", "@updated_at", "@approved_at"});
}

std::string target_columns(const std::string& a) {
    return select_list(
        a, {"id", "post_id", "account_id", "status", "platform_post_id", "platform_post_url",
            "error_message", "@posted_at", "attempts", "@next_attempt_at", "@claimed_until",
            "claim_token", "last_error_kind", "#adapter_state", "@sending_at"});
}

std::string str(const pqxx::field& f) {
    return f.is_null() ? std::string() : f.c_str();
}

std::optional<Instant> opt_ms(const pqxx::field& f) {
    if (f.is_null())
        return std::nullopt;
    return Instant{Millis{f.as<long long>()}};
}

std::string normalized_json(const std::string& text) {
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    return parsed.is_discarded() ? text : parsed.dump();
}

Account read_account(const pqxx::row& r, int f) {
    Account a;
    a.id = str(r[f + 0]);
    a.platform = str(r[f + 1]);
    a.name = str(r[f + 2]);
    a.platform_account_id = str(r[f + 3]);
    a.display_name = str(r[f + 4]);
    a.username = str(r[f + 5]);
    a.instance_url = str(r[f + 6]);
    a.access_token_enc = str(r[f + 7]);
    a.refresh_token_enc = str(r[f + 8]);
    a.token_expiry = opt_ms(r[f + 9]);
    a.settings = normalized_json(str(r[f + 10]));
    a.is_active = r[f + 11].as<bool>();
    a.needs_reconnect = r[f + 12].as<bool>();
    a.last_used = opt_ms(r[f + 13]);
    a.created_at = opt_ms(r[f + 14]).value_or(Instant{});
    return a;
}

Post read_post(const pqxx::row& r, int f) {
    Post p;
    p.id = str(r[f + 0]);
    p.parts.push_back(str(r[f + 1]));
    for (const auto& part : nlohmann::json::parse(str(r[f + 2])))
        p.parts.push_back(part.get<std::string>());
    auto urls = nlohmann::json::parse(str(r[f + 3]));
    auto alts = nlohmann::json::parse(str(r[f + 4]));
    for (std::size_t i = 0; i < urls.size(); ++i)
        p.media.push_back({urls[i].get<std::string>(),
                           i < alts.size() ? alts[i].get<std::string>() : std::string()});
    p.options = normalized_json(str(r[f + 5]));
    p.scheduled_at = opt_ms(r[f + 6]).value_or(Instant{});
    p.timezone = str(r[f + 7]);
    p.status = post_status_from(str(r[f + 8])).value_or(PostStatus::failed);
    if (!r[f + 9].is_null())
        p.max_lateness = Millis{r[f + 9].as<long long>()};
    if (!r[f + 10].is_null())
        p.idempotency_key = str(r[f + 10]);
    p.created_at = opt_ms(r[f + 11]).value_or(Instant{});
    p.updated_at = opt_ms(r[f + 12]).value_or(Instant{});
    p.approved_at = opt_ms(r[f + 13]);
    return p;
}

Target read_target(const pqxx::row& r, int f) {
    Target t;
    t.id = str(r[f + 0]);
    t.post_id = str(r[f + 1]);
    t.account_id = str(r[f + 2]);
    t.status = target_status_from(str(r[f + 3])).value_or(TargetStatus::unknown);
    t.platform_post_id = str(r[f + 4]);
    t.platform_post_url = str(r[f + 5]);
    t.error_message = str(r[f + 6]);
    t.posted_at = opt_ms(r[f + 7]);
    t.attempts = r[f + 8].as<int>();
    t.next_attempt_at = opt_ms(r[f + 9]).value_or(Instant{});
    t.claimed_until = opt_ms(r[f + 10]);
    t.claim_token = str(r[f + 11]);
    t.last_error_kind = str(r[f + 12]);
    t.adapter_state = normalized_json(str(r[f + 13]));
    t.sending_at = opt_ms(r[f + 14]);
    return t;
}

}  // namespace postsched::store::pg
