#pragma once
// SQLite implementation of Store: one connection in WAL mode guarded by a
// mutex (statements are short; HTTP never happens under it), write
// transactions BEGIN IMMEDIATE so concurrent runners serialise cleanly.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "store/store.hpp"

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

namespace postsched::store {

class SqliteStore final : public Store {
  public:
    // Opens (creating when missing) the database file at `path`.
    SqliteStore(const std::string& path, Millis busy_timeout);
    ~SqliteStore() override;

    int latest_version() const override;
    std::vector<AppliedMigration> applied_migrations() override;
    int migrate() override;
    void require_current_schema() override;

    void add_account(const Account& account) override;
    std::optional<Account> find_account(std::string_view name) override;
    std::vector<Account> list_accounts() override;
    void set_account_flags(std::string_view account_id, std::optional<bool> active,
                           std::optional<bool> needs_reconnect) override;
    int count_unsent_targets(std::string_view account_id) override;
    void remove_account(std::string_view account_id, Instant now) override;
    std::vector<AccountSecrets> account_secrets() override;
    bool rewrite_account_secrets(
        const std::vector<std::pair<AccountSecrets, AccountSecrets>>& before_after) override;
    void update_account_credentials(const Account& account) override;
    bool take_refresh_lease(std::string_view account_id, Instant now, Instant lease_until) override;
    void save_refreshed_tokens(std::string_view account_id, const AccountTokens& tokens) override;
    void release_refresh_lease(std::string_view account_id) override;

    void add_post(const Post& post, const std::vector<Target>& targets) override;
    std::optional<PostView> get_post(std::string_view id_or_prefix) override;
    std::optional<PostView> find_post_by_key(std::string_view idempotency_key) override;
    std::vector<PostView> list_posts(const PostFilter& filter) override;
    void each_post(const PostFilter& filter,
                   const std::function<void(const PostView&)>& visit) override;
    std::unique_ptr<BulkInsert> bulk_insert(Instant now) override;
    std::unique_ptr<ReadSnapshot> read_snapshot() override;
    bool update_unsent_post(const Post& post, const std::vector<Target>* targets,
                            Instant now) override;
    bool approve_post(std::string_view post_id, Instant now) override;
    int cancel_post(std::string_view post_id, Instant now) override;

    std::optional<TargetView> get_target(std::string_view id_or_prefix) override;
    std::vector<TargetView> list_targets(TargetStatus status, std::string_view account_name,
                                         std::optional<Instant> since) override;
    bool retry_target(std::string_view target_id, bool force, Instant now) override;
    bool resolve_target(std::string_view target_id, const std::string& url, Instant now) override;

    int release_expired_claims(Instant now) override;
    std::vector<Claimed> take_expired_sending(Instant now, Instant lease_until,
                                              const std::string& token, int limit) override;
    ClaimResult claim_due(Instant now, int limit, Instant lease_until, const std::string& token,
                          Millis default_lateness) override;
    std::vector<Claimed> peek_due(Instant now, int limit) override;
    std::vector<Claimed> claim_post(std::string_view post_id, Instant now, Instant lease_until,
                                    const std::string& token) override;
    bool mark_sending(std::string_view target_id, const std::string& token, Instant now,
                      Instant lease_until) override;
    void save_adapter_state(std::string_view target_id, const std::string& token,
                            const std::string& state_json) override;
    bool record_outcome(std::string_view target_id, const std::string& token,
                        const TargetUpdate& update, Instant now) override;
    int release_claims(const std::string& token) override;

    void set_rate_limit(const RateLimit& limit, Instant now) override;
    std::vector<RateLimit> active_rate_limits(Instant now) override;

    void begin_run(const RunRecord& run) override;
    void finish_run(const RunRecord& run) override;
    std::optional<RunRecord> last_run() override;

    QueueStats queue_stats(Instant now, Instant since) override;
    int prune_runs(Instant before) override;
    int prune_posts(Instant before) override;

  private:
    class Bulk;
    friend class Bulk;
    class Read;
    friend class Read;
    int current_version();
    std::vector<TargetView> targets_of(const std::string& post_id);
    std::vector<TargetView> query_targets(const std::string& where,
                                          const std::vector<std::string>& params);
    void reopen_post(const std::string& target_id, Instant now);
    std::vector<Claimed> load_claimed(const std::vector<std::string>& target_ids);
    std::vector<std::string> due_ids(const std::string& now, int limit,
                                     const std::string& post_id = {});
    void claim_ids(const std::vector<std::string>& ids, const std::string& token,
                   const std::string& now_s, Instant lease_until);
    void settle_post(const std::string& post_id, Instant now);
    void unstart_posts();
    PostView load_post_view(SQLite::Statement& row);
    void insert_post(const Post& post, const std::vector<Target>& targets);
    void insert_target(const Target& target, Instant now);
    // A statement prepared once per connection (hot paths: a bulk import runs
    // them per row, and preparing costs more than running them), reset and
    // unbound. Call under m_mutex; `sql` must be a string literal.
    SQLite::Statement& cached(const char* sql);

    std::string m_path;
    std::unique_ptr<SQLite::Database> m_db;
    std::map<const char*, std::unique_ptr<SQLite::Statement>>
        m_statements;  // finalised before m_db closes
    std::mutex m_mutex;
};

}  // namespace postsched::store
