// SqliteStore: the pass — claims, leases, outcomes (design.md §4–5).
#include <SQLiteCpp/SQLiteCpp.h>

#include "core/time_format.hpp"
#include "store/sqlite_rows.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_tx.hpp"

namespace postsched::store {
using namespace rows;

std::vector<Claimed> SqliteStore::load_claimed(const std::vector<std::string>& ids) {
    std::vector<Claimed> out;
    SQLite::Statement q(*m_db, "SELECT " + prefixed(k_target_columns, "t") + ", " +
                                   prefixed(k_post_columns, "p") + ", " +
                                   prefixed(k_account_columns, "a") +
                                   " FROM post_targets t JOIN scheduled_posts p ON p.id = "
                                   "t.post_id JOIN social_accounts a ON a.id = t.account_id "
                                   "WHERE t.id = ?");
    for (const auto& id : ids) {
        q.reset();
        q.bind(1, id);
        if (!q.executeStep())
            continue;
        Claimed c;
        c.target = read_target(q, 0);
        c.post = read_post(q, 15);
        c.account = read_account(q, 29);
        out.push_back(std::move(c));
    }
    return out;
}

int SqliteStore::release_expired_claims(Instant now) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        SQLite::Statement q(*m_db,
                            "UPDATE post_targets SET status = 'pending', claim_token = NULL, "
                            "claimed_until = NULL, updated_at = ?1 WHERE status = 'claimed' AND "
                            "claimed_until < ?1");
        q.bind(1, format_instant(now));
        int n = q.exec();
        if (n > 0)
            unstart_posts();
        tx.commit();
        return n;
    });
}

std::vector<Claimed> SqliteStore::take_expired_sending(Instant now, Instant lease_until,
                                                       const std::string& token, int limit) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        std::vector<std::string> ids;
        SQLite::Statement sel(*m_db,
                              "SELECT id FROM post_targets WHERE status = 'sending' AND "
                              "claimed_until < ? ORDER BY claimed_until LIMIT ?");
        sel.bind(1, format_instant(now));
        sel.bind(2, limit);
        while (sel.executeStep())
            ids.push_back(text(sel, 0));
        SQLite::Statement up(*m_db,
                             "UPDATE post_targets SET claim_token = ?, claimed_until = ?, "
                             "updated_at = ? WHERE id = ?");
        for (const auto& id : ids) {
            up.reset();
            up.bind(1, token);
            up.bind(2, format_instant(lease_until));
            up.bind(3, format_instant(now));
            up.bind(4, id);
            up.exec();
        }
        auto out = load_claimed(ids);
        tx.commit();
        return out;
    });
}

void SqliteStore::claim_ids(const std::vector<std::string>& ids, const std::string& token,
                            const std::string& now_s, Instant lease_until) {
    SQLite::Statement claim(*m_db,
                            "UPDATE post_targets SET status = 'claimed', claim_token = ?, "
                            "claimed_until = ?, updated_at = ? WHERE id = ? AND status = "
                            "'pending'");
    SQLite::Statement posting(*m_db,
                              "UPDATE scheduled_posts SET status = 'posting', updated_at = ? "
                              "WHERE id = (SELECT post_id FROM post_targets WHERE id = ?) "
                              "AND status = 'pending'");
    for (const auto& id : ids) {
        claim.reset();
        claim.bind(1, token);
        claim.bind(2, format_instant(lease_until));
        claim.bind(3, now_s);
        claim.bind(4, id);
        claim.exec();
        posting.reset();
        posting.bind(1, now_s);
        posting.bind(2, id);
        posting.exec();
    }
}

ClaimResult SqliteStore::claim_due(Instant now, int limit, Instant lease_until,
                                   const std::string& token, Millis default_lateness) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        ClaimResult result;
        std::string now_s = format_instant(now);
        std::vector<std::string> ids;
        std::vector<std::pair<std::string, std::string>> late;  // target, post
        SQLite::Statement lat(*m_db,
                              "SELECT t.post_id, t.next_attempt_at, COALESCE(p.max_lateness_ms, "
                              "?) FROM post_targets t JOIN scheduled_posts p ON p.id = t.post_id "
                              "WHERE t.id = ?");
        for (auto& id : due_ids(now_s, limit)) {
            lat.reset();
            lat.bind(1, static_cast<int64_t>(default_lateness.count()));
            lat.bind(2, id);
            lat.executeStep();
            auto due = parse_utc_instant(text(lat, 1)).value_or(now);
            if (now - due > Millis{lat.getColumn(2).getInt64()})
                late.emplace_back(id, text(lat, 0));
            else
                ids.push_back(std::move(id));
        }
        claim_ids(ids, token, now_s, lease_until);
        SQLite::Statement skip(*m_db,
                               "UPDATE post_targets SET status = 'skipped', error_message = ?, "
                               "last_error_kind = 'late', updated_at = ? WHERE id = ?");
        for (const auto& [id, post_id] : late) {
            skip.reset();
            skip.bind(1,
                      "not sent: found later than its maximum lateness (the scheduler did "
                      "not run in time); `postsched retry` sends it");
            skip.bind(2, now_s);
            skip.bind(3, id);
            skip.exec();
            settle_post(post_id, now);
        }
        result.skipped_late = static_cast<int>(late.size());
        result.claimed = load_claimed(ids);
        tx.commit();
        return result;
    });
}

// The due condition: pending, due, post live, account free to publish.
// Held accounts (inactive, reconnect needed, rate-limited, paused) are
// filtered per row, so an idle pass over a large future backlog stays
// O(log n) on the (status, next_attempt_at) index. ?1 is now.
const char* const rows::k_due_from =
    " FROM post_targets t JOIN scheduled_posts p ON p.id = t.post_id JOIN "
    "social_accounts a ON a.id = t.account_id WHERE t.status = 'pending' AND "
    "p.status IN ('pending','posting') AND a.is_active = 1 AND a.needs_reconnect = 0 AND NOT "
    "EXISTS (SELECT 1 FROM rate_limits r WHERE (r.scope = a.id OR r.scope = 'app:' || "
    "a.platform) AND (r.reset_at IS NULL OR r.reset_at > ?1))";

// The due query; with a post id, that post's pending targets whatever their
// due time (post publish).
std::vector<std::string> SqliteStore::due_ids(const std::string& now, int limit,
                                              const std::string& post_id) {
    SQLite::Statement sel(
        *m_db, std::string("SELECT t.id") + rows::k_due_from +
                   (post_id.empty() ? " AND t.next_attempt_at <= ?1" : " AND t.post_id = ?3") +
                   " ORDER BY t.next_attempt_at, t.id LIMIT ?2");
    sel.bind(1, now);
    sel.bind(2, limit);
    if (!post_id.empty())
        sel.bind(3, post_id);
    std::vector<std::string> ids;
    while (sel.executeStep())
        ids.push_back(text(sel, 0));
    return ids;
}

std::vector<Claimed> SqliteStore::claim_post(std::string_view post_id, Instant now,
                                             Instant lease_until, const std::string& token) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        std::string now_s = format_instant(now);
        auto ids = due_ids(now_s, 1000, std::string(post_id));
        claim_ids(ids, token, now_s, lease_until);
        auto out = load_claimed(ids);
        tx.commit();
        return out;
    });
}

std::vector<Claimed> SqliteStore::peek_due(Instant now, int limit) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] { return load_claimed(due_ids(format_instant(now), limit)); });
}

// A target already `sending` (being settled) keeps its first sending_at:
// adapters judge from it whether the platform still knows their key.
bool SqliteStore::mark_sending(std::string_view target_id, const std::string& token, Instant now,
                               Instant lease_until) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "UPDATE post_targets SET status = 'sending', sending_at = CASE WHEN "
                            "status = 'sending' AND sending_at IS NOT NULL THEN sending_at ELSE "
                            "?1 END, claimed_until = ?2, updated_at = ?1 WHERE id = ?4 AND "
                            "claim_token = ?5 AND status IN ('claimed','sending')");
        q.bind(1, format_instant(now));
        q.bind(2, format_instant(lease_until));
        q.bind(4, std::string(target_id));
        q.bind(5, token);
        return q.exec() == 1;
    });
}

void SqliteStore::save_adapter_state(std::string_view target_id, const std::string& token,
                                     const std::string& state_json) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "UPDATE post_targets SET adapter_state = ? WHERE id = ? AND "
                            "claim_token = ?");
        q.bind(1, state_json);
        q.bind(2, std::string(target_id));
        q.bind(3, token);
        q.exec();
    });
}

bool SqliteStore::record_outcome(std::string_view target_id, const std::string& token,
                                 const TargetUpdate& u, Instant now) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        SQLite::Statement q(
            *m_db,
            "UPDATE post_targets SET status = ?, platform_post_id = COALESCE(?, "
            "platform_post_id), platform_post_url = COALESCE(?, platform_post_url), "
            "error_message = ?, last_error_kind = ?, next_attempt_at = COALESCE(?, "
            "next_attempt_at), attempts = attempts + ?, posted_at = COALESCE(?, posted_at), "
            "claim_token = NULL, claimed_until = NULL, updated_at = ? WHERE id = ? AND "
            "claim_token = ? RETURNING post_id");
        q.bind(1, std::string(to_string(u.status)));
        bind_opt(q, 2, u.platform_post_id);
        bind_opt(q, 3, u.url);
        bind_opt(q, 4, u.error_message);
        bind_opt(q, 5, u.error_kind);
        bind_opt(q, 6, u.next_attempt_at);
        q.bind(7, u.count_attempt ? 1 : 0);
        bind_opt(q, 8, u.posted_at);
        q.bind(9, format_instant(now));
        q.bind(10, std::string(target_id));
        q.bind(11, token);
        if (!q.executeStep())
            return false;
        std::string post_id = text(q, 0);
        q.reset();
        SQLite::Statement used(*m_db,
                               "UPDATE social_accounts SET last_used = ? WHERE id = (SELECT "
                               "account_id FROM post_targets WHERE id = ?)");
        used.bind(1, format_instant(now));
        used.bind(2, std::string(target_id));
        if (u.status == TargetStatus::posted)
            used.exec();
        settle_post(post_id, now);
        tx.commit();
        return true;
    });
}

int SqliteStore::release_claims(const std::string& token) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        SQLite::Statement q(*m_db,
                            "UPDATE post_targets SET status = 'pending', claim_token = NULL, "
                            "claimed_until = NULL WHERE claim_token = ? AND status = 'claimed'");
        q.bind(1, token);
        int n = q.exec();
        if (n > 0)
            unstart_posts();
        tx.commit();
        return n;
    });
}

// A `posting` post none of whose targets got past pending (its claims were
// released unsent) is `pending` again, so it can still be edited.
void SqliteStore::unstart_posts() {
    m_db->exec(
        "UPDATE scheduled_posts SET status = 'pending' WHERE status = 'posting' AND NOT EXISTS "
        "(SELECT 1 FROM post_targets t WHERE t.post_id = scheduled_posts.id AND t.status NOT IN "
        "('pending','cancelled'))");
}

}  // namespace postsched::store
