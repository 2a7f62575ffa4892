// PostgresStore: queue statistics for `stats`/`check`, and `db prune`.
#include "store/postgres_internal.hpp"

namespace postsched::store {
using namespace pg;

QueueStats PostgresStore::queue_stats(Instant now, Instant since) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        QueueStats s;
        for (const auto& r : exec(tx, "SELECT status, count(*) FROM scheduled_posts GROUP BY 1"))
            s.posts[str(r[0])] = r[1].as<int>();
        for (const auto& r : exec(tx, "SELECT status, count(*) FROM post_targets GROUP BY 1"))
            s.targets[str(r[0])] = r[1].as<int>();
        s.due_ready = exec(tx,
                           std::string("SELECT count(*)") + k_due_from +
                               " AND t.next_attempt_at <= $1::timestamptz",
                           {instant(now)})[0][0]
                          .as<int>();
        int overdue = exec(tx,
                           "SELECT count(*) FROM post_targets t JOIN scheduled_posts p ON p.id = "
                           "t.post_id WHERE t.status = 'pending' AND p.status IN "
                           "('pending','posting') AND p.scheduled_at <= $1::timestamptz",
                           {instant(now)})[0][0]
                          .as<int>();
        s.due_waiting = std::max(0, overdue - s.due_ready);
        for (const auto& r :
             exec(tx,
                  "SELECT " + ms("t.posted_at") + " - " + ms("p.scheduled_at") +
                      " FROM post_targets t JOIN scheduled_posts p ON p.id = t.post_id WHERE "
                      "t.status = 'posted' AND t.posted_at >= $1::timestamptz",
                  {instant(since)}))
            if (!r[0].is_null())
                s.delays_ms.push_back(std::max<long long>(0, r[0].as<long long>()));
        s.posted_since = static_cast<int>(s.delays_ms.size());
        s.failed_since = exec(tx,
                              "SELECT count(*) FROM post_targets WHERE status = 'failed' AND "
                              "updated_at >= $1::timestamptz",
                              {instant(since)})[0][0]
                             .as<int>();
        return s;
    });
}

int PostgresStore::prune_runs(Instant before) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        return static_cast<int>(
            exec(tx, "DELETE FROM runs WHERE started_at < $1::timestamptz", {instant(before)})
                .affected_rows());
    });
}

int PostgresStore::prune_posts(Instant before) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        // Targets and analytics go with their post (ON DELETE CASCADE).
        return static_cast<int>(exec(tx,
                                     "DELETE FROM scheduled_posts WHERE status IN "
                                     "('posted','failed','cancelled') AND updated_at < "
                                     "$1::timestamptz",
                                     {instant(before)})
                                    .affected_rows());
    });
}

}  // namespace postsched::store
