#include "store/store_copy.hpp"

#include <filesystem>

#include "core/errors.hpp"
#include "store/copy_tables.hpp"
#include "store/store.hpp"
#include "store/store_url.hpp"

namespace postsched::store {
namespace copy {

const std::vector<Table>& tables() {
    using K = Kind;
    static const std::vector<Table> k_tables = {
        {"social_accounts",
         "id",
         {{"id", K::text},
          {"user_id", K::text},
          {"platform", K::text},
          {"name", K::text},
          {"account_id", K::text},
          {"account_name", K::text},
          {"account_username", K::text},
          {"access_token_encrypted", K::text},
          {"refresh_token_encrypted", K::text},
          {"token_expiry", K::instant},
          {"instance_url", K::text},
          {"settings", K::json},
          {"is_active", K::boolean},
          {"needs_reconnect", K::boolean},
          {"refreshing_until", K::instant},
          {"last_used", K::instant},
          {"created_at", K::instant}}},
        {"scheduled_posts",
         "id",
         {{"id", K::text},
          {"user_id", K::text},
          {"content", K::text},
          {"parts", K::json},
          {"media_urls", K::json},
          {"media_alt", K::json},
          {"options", K::json},
          {"scheduled_at", K::instant},
          {"timezone", K::text},
          {"status", K::text},
          {"article_id", K::text},
          {"max_lateness_ms", K::integer},
          {"idempotency_key", K::text},
          {"created_at", K::instant},
          {"updated_at", K::instant},
          {"approved_at", K::instant}}},
        {"post_targets",
         "id",
         {{"id", K::text},
          {"post_id", K::text},
          {"account_id", K::text},
          {"status", K::text},
          {"platform_post_id", K::text},
          {"platform_post_url", K::text},
          {"error_message", K::text},
          {"posted_at", K::instant},
          {"attempts", K::integer},
          {"next_attempt_at", K::instant},
          {"claimed_until", K::instant},
          {"claim_token", K::text},
          {"sending_at", K::instant},
          {"last_error_kind", K::text},
          {"adapter_state", K::json},
          {"created_at", K::instant},
          {"updated_at", K::instant}}},
        {"post_analytics",
         "id",
         {{"id", K::text},
          {"post_target_id", K::text},
          {"likes", K::integer},
          {"comments", K::integer},
          {"shares", K::integer},
          {"impressions", K::integer},
          {"clicks", K::integer},
          {"recorded_at", K::instant}}},
        {"rate_limits",
         "scope, bucket",
         {{"scope", K::text},
          {"bucket", K::text},
          {"kind", K::text},
          {"remaining", K::integer},
          {"reset_at", K::instant},
          {"reason", K::text},
          {"updated_at", K::instant}}},
        {"runs",
         "id",
         {{"id", K::text},
          {"host", K::text},
          {"pid", K::integer},
          {"started_at", K::instant},
          {"finished_at", K::instant},
          {"claimed", K::integer},
          {"posted", K::integer},
          {"failed", K::integer},
          {"deferred", K::integer},
          {"released", K::integer},
          {"unknown", K::integer}}},
    };
    return k_tables;
}

}  // namespace copy

namespace {

constexpr std::string_view k_sqlite = "sqlite://";

std::unique_ptr<copy::TableAccess> open_tables(const std::string& url, Millis busy_timeout) {
    if (url.rfind(k_sqlite, 0) == 0)
        return copy::sqlite_tables(url.substr(k_sqlite.size()), busy_timeout);
    return copy::postgres_tables(url, busy_timeout);
}

// The source must exist and be at exactly this binary's schema version: the
// copy moves the columns this version knows.
void check_source(const std::string& url, Millis busy_timeout) {
    if (url.rfind(k_sqlite, 0) == 0 && url.size() > k_sqlite.size() &&
        !std::filesystem::exists(url.substr(k_sqlite.size())))
        throw Error(Exit::no_input,
                    "source store \"" + url.substr(k_sqlite.size()) + "\" does not exist");
    auto source = open_store(url, busy_timeout);
    if (source->applied_migrations().empty())
        throw Error(Exit::data, "source store \"" + redact_url(url) + "\" holds no postsched data");
    source->require_current_schema();
}

}  // namespace

std::vector<CopiedTable> copy_store(const CopyOptions& o) {
    if (o.from_url == o.to_url)
        throw Error(Exit::usage,
                    "--from and --to name the same store \"" + redact_url(o.to_url) + "\"");
    check_source(o.from_url, o.busy_timeout);
    open_store(o.to_url, o.busy_timeout)->migrate();

    auto from = open_tables(o.from_url, o.busy_timeout);
    auto to = open_tables(o.to_url, o.busy_timeout);
    from->begin_read();
    to->begin_write();
    std::string held;
    for (const auto& t : copy::tables())
        if (long long n = to->count(t); n > 0)
            held += (held.empty() ? "" : ", ") + std::to_string(n) + " " + t.name + " rows";
    if (!held.empty() && !o.force)
        throw Error(Exit::cant_create, "destination store \"" + redact_url(o.to_url) +
                                           "\" is not empty (" + held +
                                           "): use --force to replace its contents");
    const auto& list = copy::tables();
    for (auto t = list.rbegin(); t != list.rend(); ++t)
        to->clear(*t);
    std::vector<CopiedTable> report;
    for (const auto& t : list) {
        long long rows = 0;
        from->read(t, [&](const copy::Row& row) {
            to->insert(t, row);
            ++rows;
        });
        report.push_back({t.name, rows});
    }
    to->commit();
    return report;
}

}  // namespace postsched::store
