#pragma once
// PostgresStore internals, shared by the postgres_*.cpp files only: libpqxx
// stays out of every header that other parts of the program include.
//
// One connection guarded by a mutex (the pass calls the store from several
// worker threads; a pqxx connection is not thread-safe). Every method is one
// short READ COMMITTED transaction; deadlocks and serialisation failures are
// retried (the transaction rolled back as a whole). A lost connection is
// Exit::unavailable for that call and every later one: the pass stops, its
// claims come back after their lease, the next pass connects afresh.
//
// Clocks: due-ness (`next_attempt_at <= now`), lateness, rate-limit resets and
// every updated_at use the instant the caller passes (the pass's Clock, so
// POSTSCHED_NOW works as on SQLite). Leases are measured on the DATABASE
// clock: a claim sets claimed_until = clock_timestamp() + (lease_until - now)
// and a lease has expired when claimed_until < clock_timestamp(). Hosts'
// clocks drift; the database's clock is the one all runners share, so a host
// whose clock runs ahead cannot take over another host's live claims.
#include <pqxx/connection>
#include <pqxx/except>
#include <pqxx/result>
#include <pqxx/transaction>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "core/errors.hpp"
#include "store/store.hpp"

namespace postsched::store {
namespace pg {

// A statement parameter: text, or NULL.
using Param = std::optional<std::string>;
using Params = std::vector<Param>;

Param text(std::string value);
Param opt_text(const std::string& value);  // empty → NULL
Param instant(Instant value);
Param opt_instant(const std::optional<Instant>& value);
Param integer(long long value);
Param boolean(bool value);
Param json_object(const std::string& value);  // empty → "{}"
// A text[] literal for `= ANY($n::text[])`.
Param text_array(const std::vector<std::string>& values);

pqxx::result exec(pqxx::transaction_base& tx, const std::string& sql, const Params& params = {});

// SQL reading a timestamptz column as epoch milliseconds.
std::string ms(const std::string& column);
// The due condition of the claim queries (" FROM … WHERE …"); $1 is now.
extern const char* const k_due_from;
// Column lists in the order the readers below expect, qualified by `alias`.
std::string account_columns(const std::string& alias);
std::string post_columns(const std::string& alias);
std::string target_columns(const std::string& alias);
inline constexpr int k_account_width = 15;
inline constexpr int k_post_width = 14;
inline constexpr int k_target_width = 15;

std::string str(const pqxx::field& f);  // NULL → ""
std::optional<Instant> opt_ms(const pqxx::field& f);
// JSON text as postsched writes it (compact, keys sorted): jsonb re-spaces it.
std::string normalized_json(const std::string& text);

Account read_account(const pqxx::row& r, int first = 0);
Post read_post(const pqxx::row& r, int first = 0);
Target read_target(const pqxx::row& r, int first = 0);

// What a URL becomes for libpq and for messages.
struct ConnInfo {
    std::string conninfo;  // keyword=value string handed to libpq
    std::string where;     // "host:port/dbname", for messages
    std::string display;   // the URL with any password masked
    std::string password;  // kept only to scrub it out of messages
};
// Throws Error(Exit::config) for a URL libpq cannot parse.
ConnInfo parse_url(const std::string& url, Millis busy_timeout);
// The first line of a libpq/pqxx message, without boilerplate or secrets.
std::string clean_reason(const std::string& what, const std::string& secret);

}  // namespace pg

class PostgresStore final : public Store {
  public:
    // Connects at once: Error(Exit::unavailable) when the server cannot be reached.
    PostgresStore(const std::string& url, Millis busy_timeout);
    ~PostgresStore() override;

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

    // Runs `body(tx)` in one transaction and commits it. The caller holds
    // m_mutex. Deadlocks and serialisation failures roll back and run again.
    template <typename F>
    auto transact(F&& body) -> std::invoke_result_t<F&, pqxx::work&>;
    pqxx::connection& connection();
    // Turns a pqxx/libpq failure into an Error (dropping a lost connection).
    [[noreturn]] void fail(const std::exception& e);
    std::string newer_schema_message(int current) const;

    int current_version(pqxx::work& tx);
    void insert_post(pqxx::work& tx, const Post& post, const std::vector<Target>& targets);
    std::vector<TargetView> query_targets(pqxx::work& tx, const std::string& where,
                                          const pg::Params& params, const std::string& tail = "");
    std::vector<PostView> with_targets(pqxx::work& tx, const pqxx::result& posts);
    void settle_post(pqxx::work& tx, const std::string& post_id, Instant now);
    void reopen_post(pqxx::work& tx, const std::string& target_id, Instant now);
    std::vector<Claimed> load_claimed(pqxx::work& tx, const std::vector<std::string>& ids);
    void lock_posts(pqxx::work& tx, std::vector<std::string> post_ids);
    void claim_ids(pqxx::work& tx, const std::vector<std::string>& ids,
                   const std::vector<std::string>& post_ids, const std::string& token, Instant now,
                   Instant lease_until);
    void unstart_posts(pqxx::work& tx, const pqxx::result& released_post_ids);

    pg::ConnInfo m_info;
    std::unique_ptr<pqxx::connection> m_conn;
    std::string m_lost;  // set once the connection was lost: why
    std::mutex m_mutex;
};

template <typename F>
auto PostgresStore::transact(F&& body) -> std::invoke_result_t<F&, pqxx::work&> {
    for (int attempt = 1;; ++attempt) {
        try {
            pqxx::work tx(connection());
            if constexpr (std::is_void_v<std::invoke_result_t<F&, pqxx::work&>>) {
                body(tx);
                tx.commit();
                return;
            } else {
                auto result = body(tx);
                tx.commit();
                return result;
            }
        } catch (const Error&) {
            throw;
        } catch (const pqxx::transaction_rollback& e) {
            // Deadlock or serialisation failure: nothing was changed, run again.
            if (attempt >= 5 || dynamic_cast<const pqxx::statement_completion_unknown*>(&e))
                fail(e);
        } catch (const std::exception& e) {
            fail(e);
        }
    }
}

}  // namespace postsched::store
