// SqliteStore: targets handled by hand — retry and resolve.
#include <SQLiteCpp/SQLiteCpp.h>

#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "store/sqlite_rows.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_tx.hpp"

namespace postsched::store {
using namespace rows;

std::optional<TargetView> SqliteStore::get_target(std::string_view id_or_prefix) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&]() -> std::optional<TargetView> {
        std::string key(id_or_prefix);
        for (char c : key)
            if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == '-'))
                return std::nullopt;
        if (key.size() < 4)
            return std::nullopt;
        auto found = query_targets("t.id = ? OR substr(t.id, 1, length(?)) = ?", {key, key, key});
        if (found.size() > 1 && found[0].id != key)
            throw Error(Exit::data,
                        "target id prefix \"" + key + "\" is ambiguous: type more of it");
        if (found.empty())
            return std::nullopt;
        return found[0];
    });
}

std::vector<TargetView> SqliteStore::list_targets(TargetStatus status,
                                                  std::string_view account_name,
                                                  std::optional<Instant> since) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        return query_targets(
            "t.status = ? AND (? IS NULL OR a.name = ?) AND (? IS NULL OR "
            "t.updated_at >= ?)",
            {std::string(to_string(status)), std::string(account_name), std::string(account_name),
             since ? format_instant(*since) : "", since ? format_instant(*since) : ""});
    });
}

// A settled post goes back to `posting` while one of its targets is open again.
void SqliteStore::reopen_post(const std::string& target_id, Instant now) {
    SQLite::Statement q(*m_db,
                        "UPDATE scheduled_posts SET status = 'posting', updated_at = ? WHERE id = "
                        "(SELECT post_id FROM post_targets WHERE id = ?) AND status IN "
                        "('posted','failed')");
    q.bind(1, format_instant(now));
    q.bind(2, target_id);
    q.exec();
}

bool SqliteStore::retry_target(std::string_view target_id, bool force, Instant now) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        SQLite::Statement q(*m_db,
                            "UPDATE post_targets SET status = 'pending', attempts = 0, "
                            "next_attempt_at = ?1, error_message = NULL, last_error_kind = NULL, "
                            "claim_token = NULL, claimed_until = NULL, updated_at = ?1 WHERE id = "
                            "?2 AND (status IN ('failed','skipped') OR (?3 AND status = "
                            "'unknown'))");
        q.bind(1, format_instant(now));
        q.bind(2, std::string(target_id));
        q.bind(3, force ? 1 : 0);
        if (q.exec() != 1)
            return false;
        reopen_post(std::string(target_id), now);
        tx.commit();
        return true;
    });
}

bool SqliteStore::resolve_target(std::string_view target_id, const std::string& url, Instant now) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        SQLite::Statement q(*m_db,
                            "UPDATE post_targets SET status = ?1, platform_post_url = ?2, "
                            "posted_at = CASE WHEN ?2 IS NULL THEN posted_at ELSE ?3 END, "
                            "error_message = CASE WHEN ?2 IS NULL THEN 'resolved by hand: not "
                            "posted' ELSE NULL END, last_error_kind = NULL, updated_at = ?3 WHERE "
                            "id = ?4 AND status = 'unknown' RETURNING post_id");
        q.bind(1, url.empty() ? "failed" : "posted");
        bind_opt(q, 2, url);
        q.bind(3, format_instant(now));
        q.bind(4, std::string(target_id));
        if (!q.executeStep())
            return false;
        std::string post_id = text(q, 0);
        q.reset();
        reopen_post(std::string(target_id), now);
        settle_post(post_id, now);
        tx.commit();
        return true;
    });
}

}  // namespace postsched::store
