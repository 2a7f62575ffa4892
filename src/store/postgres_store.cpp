// PostgresStore: schema migrations, accounts, rate limits and runs.
#include "core/time_format.hpp"
#include "store/embedded_schema.hpp"
#include "store/postgres_internal.hpp"

namespace postsched::store {
using namespace pg;
namespace {

// The advisory lock migrations hold, so two hosts migrating at once apply
// each migration once ("postsched" in ASCII, plus 1).
constexpr const char* k_migration_lock = "7021781400116649985";

}  // namespace

int PostgresStore::latest_version() const {
    const auto& list = postgres_migrations();
    return list.empty() ? 0 : list.back().version;
}

int PostgresStore::current_version(pqxx::work& tx) {
    if (tx.exec("SELECT to_regclass('schema_migrations') IS NULL")[0][0].as<bool>())
        return 0;
    return tx.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")[0][0].as<int>();
}

std::string PostgresStore::newer_schema_message(int current) const {
    return "store \"" + m_info.display + "\" has schema version " + std::to_string(current) +
           ", written by a newer postsched (this one knows " + std::to_string(latest_version()) +
           "): upgrade postsched";
}

std::vector<AppliedMigration> PostgresStore::applied_migrations() {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        std::vector<AppliedMigration> out;
        if (current_version(tx) == 0)
            return out;
        for (const auto& r : tx.exec("SELECT version, name, " + ms("applied_at") +
                                     " FROM schema_migrations ORDER BY version"))
            out.push_back({r[0].as<int>(), str(r[1]), format_instant(*opt_ms(r[2]))});
        return out;
    });
}

int PostgresStore::migrate() {
    std::lock_guard lock(m_mutex);
    int applied = 0;
    for (const auto& m : postgres_migrations()) {
        bool done = transact([&](pqxx::work& tx) {
            // Held until this transaction ends: hosts migrating at once queue here.
            tx.exec(std::string("SELECT pg_advisory_xact_lock(") + k_migration_lock + ")");
            tx.exec(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                "name text NOT NULL, applied_at timestamptz NOT NULL)");
            int current = current_version(tx);
            if (current > latest_version())
                throw Error(Exit::config, newer_schema_message(current));
            if (m.version <= current)
                return false;
            tx.exec(std::string(m.sql));
            exec(tx, "INSERT INTO schema_migrations VALUES ($1, $2, clock_timestamp())",
                 {integer(m.version), text(std::string(m.name))});
            return true;
        });
        if (done)
            ++applied;
    }
    return applied;
}

void PostgresStore::require_current_schema() {
    int current;
    {
        std::lock_guard lock(m_mutex);
        current = transact([&](pqxx::work& tx) { return current_version(tx); });
    }
    if (current == 0) {
        migrate();  // a new, empty store is created on first use
        return;
    }
    if (current > latest_version())
        throw Error(Exit::config, newer_schema_message(current));
    if (current < latest_version())
        throw Error(Exit::config, "store \"" + m_info.display + "\" is at schema version " +
                                      std::to_string(current) + " of " +
                                      std::to_string(latest_version()) +
                                      ": run `postsched db migrate`");
}

// ---- accounts ----

void PostgresStore::add_account(const Account& a) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        auto r =
            exec(tx,
                 "INSERT INTO social_accounts (id, platform, name, account_id, account_name, "
                 "account_username, instance_url, access_token_encrypted, "
                 "refresh_token_encrypted, token_expiry, settings, is_active, "
                 "needs_reconnect, last_used, created_at) VALUES ($1, $2, $3, $4, $5, $6, "
                 "$7, $8, $9, $10::timestamptz, $11::jsonb, $12::boolean, $13::boolean, "
                 "$14::timestamptz, $15::timestamptz) ON CONFLICT (name) DO NOTHING "
                 "RETURNING id",
                 {text(a.id), text(a.platform), text(a.name), opt_text(a.platform_account_id),
                  opt_text(a.display_name), opt_text(a.username), opt_text(a.instance_url),
                  opt_text(a.access_token_enc), opt_text(a.refresh_token_enc),
                  opt_instant(a.token_expiry), json_object(a.settings), boolean(a.is_active),
                  boolean(a.needs_reconnect), opt_instant(a.last_used), instant(a.created_at)});
        if (r.empty())
            throw Error(Exit::data, "an account named \"" + a.name + "\" already exists");
    });
}

std::optional<Account> PostgresStore::find_account(std::string_view name) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) -> std::optional<Account> {
        auto r =
            exec(tx, "SELECT " + account_columns("a") + " FROM social_accounts a WHERE name = $1",
                 {text(std::string(name))});
        if (r.empty())
            return std::nullopt;
        return read_account(r[0]);
    });
}

std::vector<Account> PostgresStore::list_accounts() {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        std::vector<Account> out;
        for (const auto& r :
             tx.exec("SELECT " + account_columns("a") + " FROM social_accounts a ORDER BY name"))
            out.push_back(read_account(r));
        return out;
    });
}

void PostgresStore::set_account_flags(std::string_view account_id, std::optional<bool> active,
                                      std::optional<bool> needs_reconnect) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        exec(
            tx,
            "UPDATE social_accounts SET is_active = COALESCE($1::boolean, is_active), "
            "needs_reconnect = COALESCE($2::boolean, needs_reconnect) WHERE id = $3",
            {active ? boolean(*active) : Param(),
             needs_reconnect ? boolean(*needs_reconnect) : Param(), text(std::string(account_id))});
    });
}

int PostgresStore::count_unsent_targets(std::string_view account_id) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        return exec(tx,
                    "SELECT COUNT(*) FROM post_targets WHERE account_id = $1 AND status IN "
                    "('pending','claimed','sending')",
                    {text(std::string(account_id))})[0][0]
            .as<int>();
    });
}

void PostgresStore::remove_account(std::string_view account_id, Instant now) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        Param id = text(std::string(account_id));
        std::vector<std::string> posts;
        for (const auto& r : exec(tx,
                                  "DELETE FROM post_targets WHERE account_id = $1 RETURNING "
                                  "post_id",
                                  {id}))
            posts.push_back(str(r[0]));
        // The account's targets go with it; posts left without targets are
        // cancelled, the others settle on their remaining targets.
        exec(tx, "DELETE FROM rate_limits WHERE scope = $1", {id});
        exec(tx, "DELETE FROM social_accounts WHERE id = $1", {id});
        std::sort(posts.begin(), posts.end());
        posts.erase(std::unique(posts.begin(), posts.end()), posts.end());
        for (const auto& p : posts)
            settle_post(tx, p, now);
    });
}

// ---- rate limits and runs ----

void PostgresStore::set_rate_limit(const RateLimit& r, Instant now) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        exec(tx,
             "INSERT INTO rate_limits (scope, bucket, kind, reset_at, reason, updated_at) VALUES "
             "($1, $2, $3, $4::timestamptz, $5, $6::timestamptz) ON CONFLICT (scope, bucket) DO "
             "UPDATE SET kind = excluded.kind, reset_at = excluded.reset_at, reason = "
             "excluded.reason, updated_at = excluded.updated_at",
             {text(r.scope), text(r.bucket), text(r.kind), opt_instant(r.reset_at), text(r.reason),
              instant(now)});
    });
}

std::vector<RateLimit> PostgresStore::active_rate_limits(Instant now) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        std::vector<RateLimit> out;
        for (const auto& r : exec(tx,
                                  "SELECT scope, bucket, kind, " + ms("reset_at") +
                                      ", reason FROM rate_limits WHERE reset_at IS NULL OR "
                                      "reset_at > $1::timestamptz ORDER BY scope, bucket",
                                  {instant(now)}))
            out.push_back({str(r[0]), str(r[1]), str(r[2]), opt_ms(r[3]), str(r[4])});
        return out;
    });
}

void PostgresStore::begin_run(const RunRecord& r) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        exec(tx,
             "INSERT INTO runs (id, host, pid, started_at) VALUES ($1, $2, $3, $4::timestamptz)",
             {text(r.id), text(r.host), integer(r.pid), instant(r.started_at)});
    });
}

void PostgresStore::finish_run(const RunRecord& r) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        exec(tx,
             "UPDATE runs SET finished_at = $1::timestamptz, claimed = $2, posted = $3, failed = "
             "$4, deferred = $5, released = $6, unknown = $7 WHERE id = $8",
             {opt_instant(r.finished_at), integer(r.claimed), integer(r.posted), integer(r.failed),
              integer(r.deferred), integer(r.released), integer(r.unknown), text(r.id)});
    });
}

std::optional<RunRecord> PostgresStore::last_run() {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) -> std::optional<RunRecord> {
        auto res = tx.exec("SELECT id, host, pid, " + ms("started_at") + ", " + ms("finished_at") +
                           ", claimed, posted, failed, deferred, released, unknown FROM runs "
                           "ORDER BY started_at DESC LIMIT 1");
        if (res.empty())
            return std::nullopt;
        const auto& q = res[0];
        RunRecord r;
        r.id = str(q[0]);
        r.host = str(q[1]);
        r.pid = q[2].as<long>();
        r.started_at = opt_ms(q[3]).value_or(Instant{});
        r.finished_at = opt_ms(q[4]);
        r.claimed = q[5].as<int>();
        r.posted = q[6].as<int>();
        r.failed = q[7].as<int>();
        r.deferred = q[8].as<int>();
        r.released = q[9].as<int>();
        r.unknown = q[10].as<int>();
        return r;
    });
}

}  // namespace postsched::store
