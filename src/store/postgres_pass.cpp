// PostgresStore: the pass — claims, leases, outcomes (design.md §4–5).
// Several hosts claim from one backlog: `FOR UPDATE OF t SKIP LOCKED` locks
// the due targets a runner takes (never accounts or posts), so runners share
// the work without waiting on each other or claiming a target twice. Leases
// run on the database clock (see postgres_internal.hpp).
#include <algorithm>
#include <map>

#include "store/postgres_internal.hpp"

namespace postsched::store {
using namespace pg;
// The due condition: pending, post live, account free to publish. $1 is now.
const char* const pg::k_due_from =
    " FROM post_targets t JOIN scheduled_posts p ON p.id = t.post_id JOIN social_accounts a ON "
    "a.id = t.account_id WHERE t.status = 'pending' AND p.status IN ('pending','posting') AND "
    "a.is_active AND NOT a.needs_reconnect AND NOT EXISTS (SELECT 1 FROM rate_limits r WHERE "
    "(r.scope = a.id OR r.scope = 'app:' || a.platform) AND (r.reset_at IS NULL OR r.reset_at > "
    "$1::timestamptz))";

namespace {

constexpr const char* k_late_message =
    "not sent: found later than its maximum lateness (the scheduler did not run in time); "
    "`postsched retry` sends it";

// The lease length: the caller's lease_until - now, applied to the database clock.
Param lease(Instant now, Instant lease_until) {
    return integer(std::max<long long>(0, (lease_until - now).count()));
}

constexpr const char* k_lease_end = "clock_timestamp() + $2::bigint * interval '1 millisecond'";

// The due query, as SqliteStore::due_ids: the (status, next_attempt_at) index
// drives it; held accounts (inactive, reconnect needed, rate-limited, paused)
// are filtered per row. $1 = now, $2 = limit.
std::string due_query() {
    return "SELECT t.id, t.post_id, " + ms("t.next_attempt_at") + ", p.max_lateness_ms" +
           pg::k_due_from +
           " AND t.next_attempt_at <= $1::timestamptz ORDER BY t.next_attempt_at, t.id LIMIT "
           "$2::bigint";
}

std::vector<std::string> unique(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
    return v;
}

}  // namespace

std::vector<Claimed> PostgresStore::load_claimed(pqxx::work& tx,
                                                 const std::vector<std::string>& ids) {
    std::vector<Claimed> out;
    if (ids.empty())
        return out;
    std::map<std::string, Claimed> by_id;
    for (const auto& r : exec(tx,
                              "SELECT " + target_columns("t") + ", " + post_columns("p") + ", " +
                                  account_columns("a") +
                                  " FROM post_targets t JOIN scheduled_posts p ON p.id = "
                                  "t.post_id JOIN social_accounts a ON a.id = t.account_id "
                                  "WHERE t.id = ANY($1::text[])",
                              {text_array(ids)})) {
        Claimed c;
        c.target = read_target(r, 0);
        c.post = read_post(r, k_target_width);
        c.account = read_account(r, k_target_width + k_post_width);
        by_id.emplace(c.target.id, std::move(c));
    }
    for (const auto& id : ids) {
        auto it = by_id.find(id);
        if (it != by_id.end())
            out.push_back(std::move(it->second));
    }
    return out;
}

int PostgresStore::release_expired_claims(Instant now) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        auto released = exec(tx,
                             "UPDATE post_targets SET status = 'pending', claim_token = NULL, "
                             "claimed_until = NULL, updated_at = $1::timestamptz WHERE status = "
                             "'claimed' AND claimed_until < clock_timestamp() RETURNING post_id",
                             {instant(now)});
        unstart_posts(tx, released);
        return static_cast<int>(released.size());
    });
}

// A `posting` post none of whose targets got past pending (its claims were
// released unsent) is `pending` again, so it can still be edited. Only the
// posts whose claims were just released, each locked before it is checked.
void PostgresStore::unstart_posts(pqxx::work& tx, const pqxx::result& released) {
    std::vector<std::string> posts;
    for (const auto& r : released)
        posts.push_back(str(r[0]));
    posts = unique(posts);
    if (posts.empty())
        return;
    lock_posts(tx, posts);
    exec(tx,
         "UPDATE scheduled_posts p SET status = 'pending' WHERE p.id = ANY($1::text[]) AND "
         "p.status = 'posting' AND NOT EXISTS (SELECT 1 FROM post_targets t WHERE t.post_id = "
         "p.id AND t.status NOT IN ('pending','cancelled'))",
         {text_array(posts)});
}

std::vector<Claimed> PostgresStore::take_expired_sending(Instant now, Instant lease_until,
                                                         const std::string& token, int limit) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        std::vector<std::string> ids;
        if (limit <= 0)
            return std::vector<Claimed>{};
        for (const auto& r : exec(tx,
                                  "SELECT id FROM post_targets WHERE status = 'sending' AND "
                                  "claimed_until < clock_timestamp() ORDER BY claimed_until "
                                  "LIMIT $1::bigint FOR UPDATE SKIP LOCKED",
                                  {integer(limit)}))
            ids.push_back(str(r[0]));
        if (ids.empty())
            return std::vector<Claimed>{};
        exec(tx,
             std::string("UPDATE post_targets SET claim_token = $1, claimed_until = ") +
                 k_lease_end + ", updated_at = $3::timestamptz WHERE id = ANY($4::text[])",
             {text(token), lease(now, lease_until), instant(now), text_array(ids)});
        return load_claimed(tx, ids);
    });
}

void PostgresStore::claim_ids(pqxx::work& tx, const std::vector<std::string>& ids,
                              const std::vector<std::string>& posts, const std::string& token,
                              Instant now, Instant lease_until) {
    if (ids.empty())
        return;
    exec(tx,
         std::string("UPDATE post_targets SET status = 'claimed', claim_token = $1, "
                     "claimed_until = ") +
             k_lease_end +
             ", updated_at = $3::timestamptz WHERE id = ANY($4::text[]) AND status = "
             "'pending'",
         {text(token), lease(now, lease_until), instant(now), text_array(ids)});
    exec(tx,
         "UPDATE scheduled_posts SET status = 'posting', updated_at = $1::timestamptz "
         "WHERE id = ANY($2::text[]) AND status = 'pending'",
         {instant(now), text_array(unique(posts))});
}

std::vector<Claimed> PostgresStore::claim_post(std::string_view post_id, Instant now,
                                               Instant lease_until, const std::string& token) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        std::vector<std::string> ids, posts;
        for (const auto& r : exec(tx,
                                  std::string("SELECT t.id, t.post_id") + pg::k_due_from +
                                      " AND t.post_id = $2 ORDER BY t.next_attempt_at, t.id FOR "
                                      "UPDATE OF t SKIP LOCKED",
                                  {instant(now), text(std::string(post_id))})) {
            ids.push_back(str(r[0]));
            posts.push_back(str(r[1]));
        }
        lock_posts(tx, unique(posts));
        claim_ids(tx, ids, posts, token, now, lease_until);
        return load_claimed(tx, ids);
    });
}

ClaimResult PostgresStore::claim_due(Instant now, int limit, Instant lease_until,
                                     const std::string& token, Millis default_lateness) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        ClaimResult result;
        if (limit <= 0)
            return result;
        std::vector<std::string> ids, posts, late, late_posts;
        for (const auto& r : exec(tx, due_query() + " FOR UPDATE OF t SKIP LOCKED",
                                  {instant(now), integer(limit)})) {
            Instant due{Millis{r[2].as<long long>()}};
            Millis max_late = r[3].is_null() ? default_lateness : Millis{r[3].as<long long>()};
            bool is_late = now - due > max_late;
            (is_late ? late : ids).push_back(str(r[0]));
            (is_late ? late_posts : posts).push_back(str(r[1]));
        }
        std::vector<std::string> all_posts = posts;
        all_posts.insert(all_posts.end(), late_posts.begin(), late_posts.end());
        lock_posts(tx, unique(all_posts));
        claim_ids(tx, ids, posts, token, now, lease_until);
        if (!late.empty()) {
            exec(tx,
                 "UPDATE post_targets SET status = 'skipped', error_message = $1, "
                 "last_error_kind = 'late', updated_at = $2::timestamptz WHERE id = "
                 "ANY($3::text[])",
                 {text(k_late_message), instant(now), text_array(late)});
            for (const auto& p : unique(late_posts))
                settle_post(tx, p, now);
        }
        result.skipped_late = static_cast<int>(late.size());
        result.claimed = load_claimed(tx, ids);
        return result;
    });
}

std::vector<Claimed> PostgresStore::peek_due(Instant now, int limit) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        std::vector<std::string> ids;
        if (limit > 0)
            for (const auto& r : exec(tx, due_query(), {instant(now), integer(limit)}))
                ids.push_back(str(r[0]));
        return load_claimed(tx, ids);
    });
}

// Keeps the first sending_at of a target being settled (see SqliteStore).
bool PostgresStore::mark_sending(std::string_view target_id, const std::string& token, Instant now,
                                 Instant lease_until) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        return exec(tx,
                    std::string("UPDATE post_targets SET status = 'sending', sending_at = CASE "
                                "WHEN status = 'sending' AND sending_at IS NOT NULL THEN "
                                "sending_at ELSE $1::timestamptz END, claimed_until = ") +
                        k_lease_end +
                        ", updated_at = $1::timestamptz WHERE id = $3 AND claim_token = $4 AND "
                        "status IN ('claimed','sending')",
                    {instant(now), lease(now, lease_until), text(std::string(target_id)),
                     text(token)})
                   .affected_rows() == 1;
    });
}

void PostgresStore::save_adapter_state(std::string_view target_id, const std::string& token,
                                       const std::string& state_json) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        exec(tx,
             "UPDATE post_targets SET adapter_state = $1::jsonb WHERE id = $2 AND claim_token = "
             "$3",
             {json_object(state_json), text(std::string(target_id)), text(token)});
    });
}

bool PostgresStore::record_outcome(std::string_view target_id, const std::string& token,
                                   const TargetUpdate& u, Instant now) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        auto r = exec(
            tx,
            "UPDATE post_targets SET status = $1, platform_post_id = COALESCE($2::text, "
            "platform_post_id), platform_post_url = COALESCE($3::text, platform_post_url), "
            "error_message = $4, last_error_kind = $5, next_attempt_at = "
            "COALESCE($6::timestamptz, next_attempt_at), attempts = attempts + $7::integer, "
            "posted_at = COALESCE($8::timestamptz, posted_at), claim_token = NULL, claimed_until "
            "= NULL, updated_at = $9::timestamptz WHERE id = $10 AND claim_token = $11 RETURNING "
            "post_id, account_id",
            {text(std::string(to_string(u.status))), opt_text(u.platform_post_id), opt_text(u.url),
             opt_text(u.error_message), opt_text(u.error_kind), opt_instant(u.next_attempt_at),
             integer(u.count_attempt ? 1 : 0), opt_instant(u.posted_at), instant(now),
             text(std::string(target_id)), text(token)});
        if (r.empty())
            return false;
        std::string post_id = str(r[0][0]);
        if (u.status == TargetStatus::posted)
            exec(tx, "UPDATE social_accounts SET last_used = $1::timestamptz WHERE id = $2",
                 {instant(now), text(str(r[0][1]))});
        settle_post(tx, post_id, now);
        return true;
    });
}

int PostgresStore::release_claims(const std::string& token) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        auto released = exec(tx,
                             "UPDATE post_targets SET status = 'pending', claim_token = NULL, "
                             "claimed_until = NULL WHERE claim_token = $1 AND status = 'claimed' "
                             "RETURNING post_id",
                             {text(token)});
        unstart_posts(tx, released);
        return static_cast<int>(released.size());
    });
}

}  // namespace postsched::store
