#include "store/sqlite_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <filesystem>

#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "store/embedded_schema.hpp"
#include "store/sqlite_rows.hpp"
#include "store/sqlite_tx.hpp"

namespace postsched::store {
using namespace rows;

SqliteStore::SqliteStore(const std::string& path, Millis busy_timeout) : m_path(path) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent, ec);
    try {
        m_db = std::make_unique<SQLite::Database>(
            path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
        m_db->setBusyTimeout(static_cast<int>(busy_timeout.count()));
        m_db->exec("PRAGMA journal_mode=WAL");
        m_db->exec("PRAGMA synchronous=NORMAL");
        m_db->exec("PRAGMA foreign_keys=ON");
    } catch (const SQLite::Exception& e) {
        int code = e.getErrorCode() & 0xff;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            throw Error(Exit::temp_fail,
                        "store \"" + path + "\" is locked by another writer; try again");
        throw Error(Exit::unavailable,
                    "cannot open store \"" + path + "\": " + std::string(e.what()));
    }
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::latest_version() const {
    const auto& list = sqlite_migrations();
    return list.empty() ? 0 : list.back().version;
}

int SqliteStore::current_version() {
    SQLite::Statement exists(*m_db,
                             "SELECT 1 FROM sqlite_master WHERE type='table' AND "
                             "name='schema_migrations'");
    if (!exists.executeStep())
        return 0;
    SQLite::Statement q(*m_db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    q.executeStep();
    return q.getColumn(0).getInt();
}

std::vector<AppliedMigration> SqliteStore::applied_migrations() {
    std::lock_guard lock(m_mutex);
    std::vector<AppliedMigration> out;
    return guarded(m_path, [&] {
        if (current_version() == 0)
            return out;
        SQLite::Statement q(*m_db,
                            "SELECT version, name, applied_at FROM schema_migrations ORDER BY "
                            "version");
        while (q.executeStep())
            out.push_back({q.getColumn(0).getInt(), text(q, 1), text(q, 2)});
        return out;
    });
}

int SqliteStore::migrate() {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        int applied = 0;
        for (const auto& m : sqlite_migrations()) {
            SqliteTx tx(*m_db);
            m_db->exec(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
            int current = current_version();
            if (current > latest_version())
                throw Error(Exit::config, "store \"" + m_path + "\" has schema version " +
                                              std::to_string(current) +
                                              ", written by a newer postsched (this one knows " +
                                              std::to_string(latest_version()) +
                                              "): upgrade postsched");
            if (m.version <= current)
                continue;
            m_db->exec(std::string(m.sql));
            SQLite::Statement rec(*m_db, "INSERT INTO schema_migrations VALUES (?, ?, ?)");
            rec.bind(1, m.version);
            rec.bind(2, std::string(m.name));
            rec.bind(3, format_instant(std::chrono::time_point_cast<Millis>(
                            std::chrono::system_clock::now())));
            rec.exec();
            tx.commit();
            ++applied;
        }
        return applied;
    });
}

void SqliteStore::require_current_schema() {
    int current;
    {
        std::lock_guard lock(m_mutex);
        current = guarded(m_path, [&] { return current_version(); });
    }
    if (current == 0) {
        migrate();  // a new, empty store is created on first use
        return;
    }
    if (current > latest_version())
        throw Error(Exit::config, "store \"" + m_path + "\" has schema version " +
                                      std::to_string(current) +
                                      ", written by a newer postsched (this one knows " +
                                      std::to_string(latest_version()) + "): upgrade postsched");
    if (current < latest_version())
        throw Error(Exit::config,
                    "store \"" + m_path + "\" is at schema version " + std::to_string(current) +
                        " of " + std::to_string(latest_version()) + ": run `postsched db migrate`");
}

// ---- accounts ----

void SqliteStore::add_account(const Account& a) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        SQLite::Statement dup(*m_db, "SELECT 1 FROM social_accounts WHERE name = ?");
        dup.bind(1, a.name);
        if (dup.executeStep())
            throw Error(Exit::data, "an account named \"" + a.name + "\" already exists");
        SQLite::Statement q(*m_db, std::string("INSERT INTO social_accounts (") +
                                       k_account_columns +
                                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        q.bind(1, a.id);
        q.bind(2, a.platform);
        q.bind(3, a.name);
        bind_opt(q, 4, a.platform_account_id);
        bind_opt(q, 5, a.display_name);
        bind_opt(q, 6, a.username);
        bind_opt(q, 7, a.instance_url);
        bind_opt(q, 8, a.access_token_enc);
        bind_opt(q, 9, a.refresh_token_enc);
        bind_opt(q, 10, a.token_expiry);
        q.bind(11, a.settings);
        q.bind(12, a.is_active ? 1 : 0);
        q.bind(13, a.needs_reconnect ? 1 : 0);
        bind_opt(q, 14, a.last_used);
        q.bind(15, format_instant(a.created_at));
        q.exec();
        tx.commit();
    });
}

std::optional<Account> SqliteStore::find_account(std::string_view name) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&]() -> std::optional<Account> {
        SQLite::Statement q(*m_db, std::string("SELECT ") + k_account_columns +
                                       " FROM social_accounts WHERE name = ?");
        q.bind(1, std::string(name));
        if (!q.executeStep())
            return std::nullopt;
        return read_account(q);
    });
}

std::vector<Account> SqliteStore::list_accounts() {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        std::vector<Account> out;
        SQLite::Statement q(*m_db, std::string("SELECT ") + k_account_columns +
                                       " FROM social_accounts ORDER BY name");
        while (q.executeStep())
            out.push_back(read_account(q));
        return out;
    });
}

void SqliteStore::set_account_flags(std::string_view account_id, std::optional<bool> active,
                                    std::optional<bool> needs_reconnect) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "UPDATE social_accounts SET is_active = COALESCE(?, is_active), "
                            "needs_reconnect = COALESCE(?, needs_reconnect) WHERE id = ?");
        if (active)
            q.bind(1, *active ? 1 : 0);
        else
            q.bind(1);
        if (needs_reconnect)
            q.bind(2, *needs_reconnect ? 1 : 0);
        else
            q.bind(2);
        q.bind(3, std::string(account_id));
        q.exec();
    });
}

int SqliteStore::count_unsent_targets(std::string_view account_id) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "SELECT COUNT(*) FROM post_targets WHERE account_id = ? AND status IN "
                            "('pending','claimed','sending')");
        q.bind(1, std::string(account_id));
        q.executeStep();
        return q.getColumn(0).getInt();
    });
}

void SqliteStore::remove_account(std::string_view account_id, Instant now) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        std::vector<std::string> posts;
        SQLite::Statement ps(*m_db,
                             "SELECT DISTINCT post_id FROM post_targets WHERE account_id = ?");
        ps.bind(1, std::string(account_id));
        while (ps.executeStep())
            posts.push_back(text(ps, 0));
        // The account's targets go with it; posts left without targets are
        // cancelled, the others settle on their remaining targets.
        SQLite::Statement del_t(*m_db, "DELETE FROM post_targets WHERE account_id = ?");
        del_t.bind(1, std::string(account_id));
        del_t.exec();
        SQLite::Statement del_rl(*m_db, "DELETE FROM rate_limits WHERE scope = ?");
        del_rl.bind(1, std::string(account_id));
        del_rl.exec();
        SQLite::Statement del(*m_db, "DELETE FROM social_accounts WHERE id = ?");
        del.bind(1, std::string(account_id));
        del.exec();
        for (const auto& p : posts)
            settle_post(p, now);
        tx.commit();
    });
}

// ---- rate limits and runs ----

void SqliteStore::set_rate_limit(const RateLimit& r, Instant now) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "INSERT INTO rate_limits (scope, bucket, kind, reset_at, reason, "
                            "updated_at) VALUES (?,?,?,?,?,?) ON CONFLICT (scope, bucket) DO "
                            "UPDATE SET kind = excluded.kind, reset_at = excluded.reset_at, "
                            "reason = excluded.reason, updated_at = excluded.updated_at");
        q.bind(1, r.scope);
        q.bind(2, r.bucket);
        q.bind(3, r.kind);
        bind_opt(q, 4, r.reset_at);
        q.bind(5, r.reason);
        q.bind(6, format_instant(now));
        q.exec();
    });
}

std::vector<RateLimit> SqliteStore::active_rate_limits(Instant now) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        std::vector<RateLimit> out;
        SQLite::Statement q(*m_db,
                            "SELECT scope, bucket, kind, reset_at, reason FROM rate_limits WHERE "
                            "reset_at IS NULL OR reset_at > ? ORDER BY scope, bucket");
        q.bind(1, format_instant(now));
        while (q.executeStep())
            out.push_back({text(q, 0), text(q, 1), text(q, 2), instant(q, 3), text(q, 4)});
        return out;
    });
}

void SqliteStore::begin_run(const RunRecord& r) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SQLite::Statement q(*m_db, "INSERT INTO runs (id, host, pid, started_at) VALUES (?,?,?,?)");
        q.bind(1, r.id);
        q.bind(2, r.host);
        q.bind(3, static_cast<int64_t>(r.pid));
        q.bind(4, format_instant(r.started_at));
        q.exec();
    });
}

void SqliteStore::finish_run(const RunRecord& r) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "UPDATE runs SET finished_at = ?, claimed = ?, posted = ?, failed = ?, "
                            "deferred = ?, released = ?, unknown = ? WHERE id = ?");
        bind_opt(q, 1, r.finished_at);
        q.bind(2, r.claimed);
        q.bind(3, r.posted);
        q.bind(4, r.failed);
        q.bind(5, r.deferred);
        q.bind(6, r.released);
        q.bind(7, r.unknown);
        q.bind(8, r.id);
        q.exec();
    });
}

std::optional<RunRecord> SqliteStore::last_run() {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&]() -> std::optional<RunRecord> {
        SQLite::Statement q(*m_db,
                            "SELECT id, host, pid, started_at, finished_at, claimed, posted, "
                            "failed, deferred, released, unknown FROM runs ORDER BY started_at "
                            "DESC LIMIT 1");
        if (!q.executeStep())
            return std::nullopt;
        RunRecord r;
        r.id = text(q, 0);
        r.host = text(q, 1);
        r.pid = q.getColumn(2).getInt64();
        r.started_at = instant(q, 3).value_or(Instant{});
        r.finished_at = instant(q, 4);
        r.claimed = q.getColumn(5).getInt();
        r.posted = q.getColumn(6).getInt();
        r.failed = q.getColumn(7).getInt();
        r.deferred = q.getColumn(8).getInt();
        r.released = q.getColumn(9).getInt();
        r.unknown = q.getColumn(10).getInt();
        return r;
    });
}

}  // namespace postsched::store
