// SqliteStore: posts and their targets.
#include <SQLiteCpp/SQLiteCpp.h>

#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "store/sqlite_rows.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_tx.hpp"

namespace postsched::store {
using namespace rows;
namespace {

constexpr const char* k_insert_target =
    "INSERT INTO post_targets (id, post_id, account_id, status, next_attempt_at, adapter_state, "
    "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)";
constexpr const char* k_key_owner = "SELECT id FROM scheduled_posts WHERE idempotency_key = ?";

// Resets a cached statement when the scope ends, so it holds no read
// snapshot open and no stale bindings.
struct ResetAfter {
    SQLite::Statement& q;
    ~ResetAfter() {
        q.tryReset();
        try {
            q.clearBindings();  // sqlite3_clear_bindings cannot fail; SQLiteCpp may still throw
        } catch (...) {
        }
    }
};

}  // namespace

SQLite::Statement& SqliteStore::cached(const char* sql) {
    auto& slot = m_statements[sql];
    if (!slot)
        slot = std::make_unique<SQLite::Statement>(*m_db, sql);
    return *slot;
}

void SqliteStore::insert_target(const Target& t, Instant now) {
    // Bound without copies (a bulk import runs this per row): the values
    // outlive the statement's use of them.
    const std::string status(to_string(t.status)), due = format_instant(t.next_attempt_at),
                                                   at = format_instant(now);
    SQLite::Statement& q = cached(k_insert_target);
    ResetAfter reset{q};
    q.bindNoCopy(1, t.id);
    q.bindNoCopy(2, t.post_id);
    q.bindNoCopy(3, t.account_id);
    q.bindNoCopy(4, status);
    q.bindNoCopy(5, due);
    q.bindNoCopy(6, t.adapter_state);
    q.bindNoCopy(7, at);
    q.bindNoCopy(8, at);
    q.exec();
}

namespace {

bool is_id_prefix(std::string_view s) {
    if (s.size() < 4)
        return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-'))
            return false;
    return true;
}

}  // namespace

void SqliteStore::insert_post(const Post& p, const std::vector<Target>& targets) {
    if (p.idempotency_key) {
        SQLite::Statement& dup = cached(k_key_owner);
        ResetAfter reset{dup};
        dup.bind(1, *p.idempotency_key);
        if (dup.executeStep())
            throw Error(Exit::data, "idempotency key \"" + *p.idempotency_key +
                                        "\" is already used by post " + text(dup, 0));
    }
    static const std::string k_insert_post = std::string("INSERT INTO scheduled_posts (") +
                                             k_post_columns +
                                             ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    // Bound without copies, as in insert_target.
    const std::string content = p.parts.empty() ? std::string() : p.parts[0], parts = parts_json(p),
                      urls = media_urls_json(p), alts = media_alt_json(p),
                      scheduled = format_instant(p.scheduled_at), status(to_string(p.status)),
                      created = format_instant(p.created_at),
                      updated = format_instant(p.updated_at);
    SQLite::Statement& q = cached(k_insert_post.c_str());
    ResetAfter reset{q};
    q.bindNoCopy(1, p.id);
    q.bindNoCopy(2, content);
    q.bindNoCopy(3, parts);
    q.bindNoCopy(4, urls);
    q.bindNoCopy(5, alts);
    q.bindNoCopy(6, p.options);
    q.bindNoCopy(7, scheduled);
    q.bindNoCopy(8, p.timezone);
    q.bindNoCopy(9, status);
    if (p.max_lateness)
        q.bind(10, static_cast<int64_t>(p.max_lateness->count()));
    else
        q.bind(10);
    if (p.idempotency_key)
        q.bindNoCopy(11, *p.idempotency_key);
    else
        q.bind(11);
    q.bindNoCopy(12, created);
    q.bindNoCopy(13, updated);
    bind_opt(q, 14, p.approved_at);
    q.exec();
    for (const auto& t : targets)
        insert_target(t, p.created_at);
}

void SqliteStore::add_post(const Post& p, const std::vector<Target>& targets) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        insert_post(p, targets);
        tx.commit();
    });
}

// Holds the store mutex and one BEGIN IMMEDIATE transaction for its lifetime.
class SqliteStore::Bulk final : public BulkInsert {
  public:
    explicit Bulk(SqliteStore& s) : m_s(s), m_lock(s.m_mutex), m_tx(make_tx(s)) {
        // The CHECKs are `status IN (...)` lists, which SQLite evaluates with a
        // temporary table built afresh for every row: a fifth of a bulk
        // insert's time. The statuses written here come from the PostStatus
        // and TargetStatus enums, so the checks are skipped while this lasts.
        guarded(m_s.m_path, [&] { m_s.m_db->exec("PRAGMA ignore_check_constraints=ON"); });
    }
    ~Bulk() override {
        try {
            m_s.m_db->exec("PRAGMA ignore_check_constraints=OFF");
        } catch (...) {
        }
    }
    void add(const Post& post, const std::vector<Target>& targets) override {
        guarded(m_s.m_path, [&] { m_s.insert_post(post, targets); });
    }
    void commit() override {
        guarded(m_s.m_path, [&] { m_tx->commit(); });
    }

  private:
    static std::unique_ptr<SqliteTx> make_tx(SqliteStore& s) {
        return guarded(s.m_path, [&] { return std::make_unique<SqliteTx>(*s.m_db); });
    }
    SqliteStore& m_s;
    std::unique_lock<std::mutex> m_lock;
    std::unique_ptr<SqliteTx> m_tx;
};

std::unique_ptr<BulkInsert> SqliteStore::bulk_insert(Instant) {
    return std::make_unique<Bulk>(*this);
}

// A deferred transaction: the first read takes the snapshot, which then
// stays, so later reads skip SQLite's per-transaction locking and checks.
class SqliteStore::Read final : public ReadSnapshot {
  public:
    explicit Read(SqliteStore& s) : m_s(s) {
        std::lock_guard lock(m_s.m_mutex);
        guarded(m_s.m_path, [&] { m_s.m_db->exec("BEGIN DEFERRED"); });
    }
    ~Read() override {
        std::lock_guard lock(m_s.m_mutex);
        try {
            m_s.m_db->exec("COMMIT");
        } catch (...) {
        }
    }

  private:
    SqliteStore& m_s;
};

std::unique_ptr<ReadSnapshot> SqliteStore::read_snapshot() {
    return std::make_unique<Read>(*this);
}

namespace {

// Targets with their account's name and platform, WHERE `where`, by id.
std::string target_views_sql(const std::string& where) {
    return "SELECT " + prefixed(k_target_columns, "t") +
           ", a.name, a.platform FROM post_targets t JOIN social_accounts a ON a.id = "
           "t.account_id WHERE " +
           where + " ORDER BY t.id";
}

// Rows of target columns followed by the account's name and platform.
void read_target_views(SQLite::Statement& q, std::vector<TargetView>& out) {
    while (q.executeStep()) {
        TargetView v;
        static_cast<Target&>(v) = read_target(q);
        v.account_name = text(q, 15);
        v.platform = text(q, 16);
        out.push_back(std::move(v));
    }
}

}  // namespace

std::vector<TargetView> SqliteStore::query_targets(const std::string& where,
                                                   const std::vector<std::string>& params) {
    std::vector<TargetView> out;
    SQLite::Statement q(*m_db, target_views_sql(where));
    for (size_t i = 0; i < params.size(); ++i)
        bind_opt(q, static_cast<int>(i + 1), params[i]);
    read_target_views(q, out);
    return out;
}

// Prepared once per connection: an import that meets its idempotency keys
// already stored loads each post's targets, 200,000 times for a file.
std::vector<TargetView> SqliteStore::targets_of(const std::string& post_id) {
    static const std::string k_targets_of = target_views_sql("t.post_id = ?");
    SQLite::Statement& q = cached(k_targets_of.c_str());
    ResetAfter reset{q};
    q.bind(1, post_id);
    std::vector<TargetView> out;
    read_target_views(q, out);
    return out;
}

PostView SqliteStore::load_post_view(SQLite::Statement& row) {
    PostView v;
    v.post = read_post(row);
    v.targets = targets_of(v.post.id);
    return v;
}

std::optional<PostView> SqliteStore::get_post(std::string_view id_or_prefix) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&]() -> std::optional<PostView> {
        if (!is_id_prefix(id_or_prefix))
            return std::nullopt;
        SQLite::Statement q(*m_db, std::string("SELECT ") + k_post_columns +
                                       " FROM scheduled_posts WHERE id = ? OR (length(?) < 36 "
                                       "AND substr(id, 1, length(?)) = ?) LIMIT 2");
        std::string key(id_or_prefix);
        for (int i = 1; i <= 4; ++i)
            q.bind(i, key);
        if (!q.executeStep())
            return std::nullopt;
        PostView v = load_post_view(q);
        if (q.executeStep())
            throw Error(Exit::data, "post id prefix \"" + key + "\" is ambiguous: type more of it");
        return v;
    });
}

std::optional<PostView> SqliteStore::find_post_by_key(std::string_view key) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&]() -> std::optional<PostView> {
        static const std::string k_by_key = std::string("SELECT ") + k_post_columns +
                                            " FROM scheduled_posts WHERE idempotency_key = ?";
        SQLite::Statement& q = cached(k_by_key.c_str());
        ResetAfter reset{q};
        q.bind(1, std::string(key));
        if (!q.executeStep())
            return std::nullopt;
        return load_post_view(q);
    });
}

void SqliteStore::each_post(const PostFilter& f,
                            const std::function<void(const PostView&)>& visit) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        std::string sql =
            "SELECT " + prefixed(k_post_columns, "p") +
            " FROM scheduled_posts p WHERE (?1 IS NULL OR p.status = ?1) AND (?2 IS "
            "NULL OR p.scheduled_at >= ?2) AND (?3 IS NULL OR p.scheduled_at < ?3) AND "
            "(?4 IS NULL AND ?5 IS NULL OR EXISTS (SELECT 1 FROM post_targets t "
            "JOIN social_accounts a ON a.id = t.account_id WHERE t.post_id = p.id "
            "AND (?4 IS NULL OR a.name = ?4) AND (?5 IS NULL OR t.status = ?5))) "
            "ORDER BY p.scheduled_at, p.id";
        if (f.limit)
            sql += " LIMIT " + std::to_string(f.limit);
        SQLite::Statement q(*m_db, sql);
        if (f.status)
            q.bind(1, std::string(to_string(*f.status)));
        bind_opt(q, 2, f.since);
        bind_opt(q, 3, f.until);
        bind_opt(q, 4, f.account_name);
        if (f.target_status)
            q.bind(5, std::string(to_string(*f.target_status)));
        while (q.executeStep())
            visit(load_post_view(q));
    });
}

std::vector<PostView> SqliteStore::list_posts(const PostFilter& f) {
    std::vector<PostView> out;
    each_post(f, [&](const PostView& v) { out.push_back(v); });
    return out;
}

bool SqliteStore::update_unsent_post(const Post& p, const std::vector<Target>* targets,
                                     Instant now) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        SQLite::Statement busy(*m_db,
                               "SELECT 1 FROM scheduled_posts WHERE id = ? AND (status NOT IN "
                               "('draft','pending') OR EXISTS (SELECT 1 FROM post_targets WHERE "
                               "post_id = ? AND status NOT IN ('pending','cancelled')))");
        busy.bind(1, p.id);
        busy.bind(2, p.id);
        if (busy.executeStep())
            return false;
        SQLite::Statement q(*m_db,
                            "UPDATE scheduled_posts SET content = ?, parts = ?, media_urls = ?, "
                            "media_alt = ?, options = ?, scheduled_at = ?, timezone = ?, "
                            "max_lateness_ms = ?, updated_at = ? WHERE id = ?");
        q.bind(1, p.parts.empty() ? std::string() : p.parts[0]);
        q.bind(2, parts_json(p));
        q.bind(3, media_urls_json(p));
        q.bind(4, media_alt_json(p));
        q.bind(5, p.options);
        q.bind(6, format_instant(p.scheduled_at));
        q.bind(7, p.timezone);
        if (p.max_lateness)
            q.bind(8, static_cast<int64_t>(p.max_lateness->count()));
        else
            q.bind(8);
        q.bind(9, format_instant(now));
        q.bind(10, p.id);
        if (q.exec() != 1)
            return false;
        if (targets) {
            SQLite::Statement del(*m_db, "DELETE FROM post_targets WHERE post_id = ?");
            del.bind(1, p.id);
            del.exec();
            for (const auto& t : *targets)
                insert_target(t, now);
        } else {
            SQLite::Statement due(*m_db,
                                  "UPDATE post_targets SET next_attempt_at = ?, updated_at = ? "
                                  "WHERE post_id = ? AND status = 'pending'");
            due.bind(1, format_instant(p.scheduled_at));
            due.bind(2, format_instant(now));
            due.bind(3, p.id);
            due.exec();
        }
        tx.commit();
        return true;
    });
}

bool SqliteStore::approve_post(std::string_view post_id, Instant now) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "UPDATE scheduled_posts SET status = 'pending', approved_at = ?, "
                            "updated_at = ? WHERE id = ? AND status = 'draft'");
        q.bind(1, format_instant(now));
        q.bind(2, format_instant(now));
        q.bind(3, std::string(post_id));
        return q.exec() == 1;
    });
}

int SqliteStore::cancel_post(std::string_view post_id, Instant now) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        SQLite::Statement q(*m_db,
                            "UPDATE post_targets SET status = 'cancelled', updated_at = ?, "
                            "claim_token = NULL, claimed_until = NULL WHERE post_id = ? AND "
                            "status = 'pending'");
        q.bind(1, format_instant(now));
        q.bind(2, std::string(post_id));
        int n = q.exec();
        SQLite::Statement draft(*m_db,
                                "UPDATE scheduled_posts SET status = 'cancelled', updated_at = ? "
                                "WHERE id = ? AND status = 'draft'");
        draft.bind(1, format_instant(now));
        draft.bind(2, std::string(post_id));
        draft.exec();
        settle_post(std::string(post_id), now);
        tx.commit();
        return n;
    });
}

void SqliteStore::settle_post(const std::string& post_id, Instant now) {
    SQLite::Statement q(*m_db,
                        "SELECT SUM(status IN ('pending','claimed','sending')), "
                        "SUM(status = 'posted'), SUM(status = 'cancelled'), COUNT(*) FROM "
                        "post_targets WHERE post_id = ?");
    q.bind(1, post_id);
    q.executeStep();
    int open = q.getColumn(0).getInt(), posted = q.getColumn(1).getInt();
    int cancelled = q.getColumn(2).getInt(), total = q.getColumn(3).getInt();
    if (open > 0)
        return;
    std::string status = posted > 0                           ? "posted"
                         : (total == 0 || cancelled == total) ? "cancelled"
                                                              : "failed";
    SQLite::Statement u(*m_db,
                        "UPDATE scheduled_posts SET status = ?, updated_at = ? WHERE id = ? AND "
                        "status IN ('pending','posting','draft')");
    u.bind(1, status);
    u.bind(2, format_instant(now));
    u.bind(3, post_id);
    u.exec();
}

}  // namespace postsched::store
