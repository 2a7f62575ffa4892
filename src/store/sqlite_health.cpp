// SqliteStore: queue statistics for `stats`/`check`, and `db prune`.
#include <SQLiteCpp/SQLiteCpp.h>

#include "core/time_format.hpp"
#include "store/sqlite_rows.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_tx.hpp"

namespace postsched::store {
using namespace rows;

QueueStats SqliteStore::queue_stats(Instant now, Instant since) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        // One read transaction: every number below describes the same state.
        SqliteTx read(*m_db, "BEGIN");
        QueueStats s;
        const std::string now_s = format_instant(now), since_s = format_instant(since);
        SQLite::Statement posts(*m_db, "SELECT status, count(*) FROM scheduled_posts GROUP BY 1");
        while (posts.executeStep())
            s.posts[text(posts, 0)] = posts.getColumn(1).getInt();
        SQLite::Statement targets(*m_db, "SELECT status, count(*) FROM post_targets GROUP BY 1");
        while (targets.executeStep())
            s.targets[text(targets, 0)] = targets.getColumn(1).getInt();
        SQLite::Statement ready(
            *m_db, std::string("SELECT count(*)") + k_due_from + " AND t.next_attempt_at <= ?1");
        ready.bind(1, now_s);
        ready.executeStep();
        s.due_ready = ready.getColumn(0).getInt();
        SQLite::Statement overdue(*m_db,
                                  "SELECT count(*) FROM post_targets t JOIN scheduled_posts p ON "
                                  "p.id = t.post_id WHERE t.status = 'pending' AND p.status IN "
                                  "('pending','posting') AND p.scheduled_at <= ?");
        overdue.bind(1, now_s);
        overdue.executeStep();
        s.due_waiting = std::max(0, overdue.getColumn(0).getInt() - s.due_ready);
        SQLite::Statement delays(*m_db,
                                 "SELECT t.posted_at, p.scheduled_at FROM post_targets t JOIN "
                                 "scheduled_posts p ON p.id = t.post_id WHERE t.status = "
                                 "'posted' AND t.posted_at >= ?");
        delays.bind(1, since_s);
        while (delays.executeStep()) {
            auto posted = instant(delays, 0), scheduled = instant(delays, 1);
            if (posted && scheduled)
                s.delays_ms.push_back(std::max<long long>(0, (*posted - *scheduled).count()));
        }
        s.posted_since = static_cast<int>(s.delays_ms.size());
        SQLite::Statement failed(*m_db,
                                 "SELECT count(*) FROM post_targets WHERE status = 'failed' AND "
                                 "updated_at >= ?");
        failed.bind(1, since_s);
        failed.executeStep();
        s.failed_since = failed.getColumn(0).getInt();
        return s;
    });
}

int SqliteStore::prune_runs(Instant before) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SQLite::Statement q(*m_db, "DELETE FROM runs WHERE started_at < ?");
        q.bind(1, format_instant(before));
        return q.exec();
    });
}

int SqliteStore::prune_posts(Instant before) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        // Targets and analytics go with their post (ON DELETE CASCADE).
        SqliteTx tx(*m_db);
        SQLite::Statement q(*m_db,
                            "DELETE FROM scheduled_posts WHERE status IN "
                            "('posted','failed','cancelled') AND updated_at < ?");
        q.bind(1, format_instant(before));
        int n = q.exec();
        tx.commit();
        return n;
    });
}

}  // namespace postsched::store
