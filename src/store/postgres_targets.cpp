// PostgresStore: targets handled by hand — retry and resolve.
#include <cctype>

#include "store/postgres_internal.hpp"

namespace postsched::store {
using namespace pg;

std::optional<TargetView> PostgresStore::get_target(std::string_view id_or_prefix) {
    std::string key(id_or_prefix);
    for (char c : key)
        if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '-'))
            return std::nullopt;
    if (key.size() < 4)
        return std::nullopt;
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) -> std::optional<TargetView> {
        auto found = query_targets(tx, "t.id = $1 OR t.id LIKE $2", {text(key), text(key + "%")},
                                   " LIMIT 2");
        if (found.size() > 1 && found[0].id != key)
            throw Error(Exit::data,
                        "target id prefix \"" + key + "\" is ambiguous: type more of it");
        if (found.empty())
            return std::nullopt;
        return found[0];
    });
}

std::vector<TargetView> PostgresStore::list_targets(TargetStatus status,
                                                    std::string_view account_name,
                                                    std::optional<Instant> since) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        return query_targets(tx,
                             "t.status = $1 AND ($2::text IS NULL OR a.name = $2) AND "
                             "($3::timestamptz IS NULL OR t.updated_at >= $3)",
                             {text(std::string(to_string(status))),
                              opt_text(std::string(account_name)), opt_instant(since)});
    });
}

// A settled post goes back to `posting` while one of its targets is open again.
void PostgresStore::reopen_post(pqxx::work& tx, const std::string& target_id, Instant now) {
    exec(tx,
         "UPDATE scheduled_posts SET status = 'posting', updated_at = $1::timestamptz WHERE id = "
         "(SELECT post_id FROM post_targets WHERE id = $2) AND status IN ('posted','failed')",
         {instant(now), text(target_id)});
}

bool PostgresStore::retry_target(std::string_view target_id, bool force, Instant now) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        auto r = exec(tx,
                      "UPDATE post_targets SET status = 'pending', attempts = 0, next_attempt_at = "
                      "$1::timestamptz, error_message = NULL, last_error_kind = NULL, claim_token "
                      "= NULL, claimed_until = NULL, updated_at = $1::timestamptz WHERE id = $2 "
                      "AND (status IN ('failed','skipped') OR ($3::boolean AND status = "
                      "'unknown'))",
                      {instant(now), text(std::string(target_id)), boolean(force)});
        if (r.affected_rows() != 1)
            return false;
        reopen_post(tx, std::string(target_id), now);
        return true;
    });
}

bool PostgresStore::resolve_target(std::string_view target_id, const std::string& url,
                                   Instant now) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        auto r = exec(tx,
                      "UPDATE post_targets SET status = $1, platform_post_url = $2::text, "
                      "posted_at = CASE WHEN $2::text IS NULL THEN posted_at ELSE "
                      "$3::timestamptz END, error_message = CASE WHEN $2::text IS NULL THEN "
                      "'resolved by hand: not posted' ELSE NULL END, last_error_kind = NULL, "
                      "updated_at = $3::timestamptz WHERE id = $4 AND status = 'unknown' "
                      "RETURNING post_id",
                      {text(url.empty() ? "failed" : "posted"), opt_text(url), instant(now),
                       text(std::string(target_id))});
        if (r.empty())
            return false;
        std::string post_id = str(r[0][0]);
        reopen_post(tx, std::string(target_id), now);
        settle_post(tx, post_id, now);
        return true;
    });
}

}  // namespace postsched::store
