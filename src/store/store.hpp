#pragma once
// The Store interface: all state lives behind it (design.md §3–5). SqliteStore
// implements it now; PostgresStore follows with the same contract tests.
// Every method is one short transaction and never holds it across I/O that
// is not the database's. Methods are safe to call from several threads.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/model.hpp"

namespace postsched::store {

struct AppliedMigration {
    int version;
    std::string name;
    std::string applied_at;
};

struct TargetView : Target {
    std::string account_name;
    std::string platform;
};

struct PostView {
    Post post;
    std::vector<TargetView> targets;
};

struct PostFilter {
    std::optional<PostStatus> status;
    std::optional<TargetStatus> target_status;
    std::string account_name;
    std::optional<Instant> since;  // scheduled_at >= since
    std::optional<Instant> until;  // scheduled_at < until
    std::size_t limit = 0;         // 0: no limit
};

// Everything a worker needs to publish one target.
struct Claimed {
    Target target;
    Post post;
    Account account;
};

// How the pass settles one target after its adapter answered.
struct TargetUpdate {
    TargetStatus status = TargetStatus::pending;
    std::string platform_post_id;
    std::string url;
    std::string error_message;
    std::string error_kind;
    std::optional<Instant> next_attempt_at;  // for status pending
    bool count_attempt = false;              // a failed request counts toward max attempts
    std::optional<Instant> posted_at;
};

struct RateLimit {
    std::string scope;  // account id, or "app:<platform>"
    std::string bucket;
    std::string kind;  // rate_limited | paused
    std::optional<Instant> reset_at;
    std::string reason;
};

// The sealed values of one account, as read and as to be written (keys rotate).
struct AccountSecrets {
    std::string account_id;
    std::string access_token_enc;
    std::string refresh_token_enc;
    std::string settings = "{}";  // may hold sealed values under keys ending in "_enc"
};

// New tokens for an account (refresh), sealed by the caller.
struct AccountTokens {
    std::string access_token_enc;
    std::string refresh_token_enc;
    std::optional<Instant> token_expiry;
    std::string settings;  // empty: unchanged
};

struct RunRecord {
    std::string id;
    std::string host;
    long pid = 0;
    Instant started_at{};
    std::optional<Instant> finished_at;
    int claimed = 0, posted = 0, failed = 0, deferred = 0, released = 0, unknown = 0;
};

// What `stats` and `check` read in one go (queue depth, delays).
struct QueueStats {
    std::map<std::string, int> posts;    // count by post status
    std::map<std::string, int> targets;  // count by target status
    int due_ready = 0;     // pending, due now, nothing holding it: the next pass takes these
    int due_waiting = 0;   // pending, the post's time has passed, but held (backoff,
                           // rate limit, pause, account disabled or needing reconnect)
    int posted_since = 0;  // targets posted since `since`
    int failed_since = 0;  // targets failed since `since`
    std::vector<long long> delays_ms;  // posted since `since`: posted_at - scheduled_at
};

struct ClaimResult {
    std::vector<Claimed> claimed;
    int skipped_late = 0;  // due targets later than their max lateness, now `skipped`
};

// Many posts written in one transaction (CSV import): all or nothing. The
// destructor rolls back unless commit() was called. Not thread-safe.
class BulkInsert {
  public:
    virtual ~BulkInsert() = default;
    // Throws Error(Exit::data) naming the key when an idempotency key is taken.
    virtual void add(const Post& post, const std::vector<Target>& targets) = 0;
    virtual void commit() = 0;
};

// A read transaction held open; see Store::read_snapshot.
class ReadSnapshot {
  public:
    virtual ~ReadSnapshot() = default;
};

class Store {
  public:
    virtual ~Store() = default;

    // ---- schema ----
    // The highest migration this binary knows.
    virtual int latest_version() const = 0;
    virtual std::vector<AppliedMigration> applied_migrations() = 0;
    // Applies pending migrations, each in its own transaction; returns how
    // many. Throws Error(Exit::software) when the store is newer than us.
    virtual int migrate() = 0;
    // Throws Error(Exit::config) unless the store is at latest_version().
    virtual void require_current_schema() = 0;

    // ---- accounts ----
    // Throws Error(Exit::data) when the name is taken.
    virtual void add_account(const Account& account) = 0;
    virtual std::optional<Account> find_account(std::string_view name) = 0;
    virtual std::vector<Account> list_accounts() = 0;
    // Sets is_active and/or needs_reconnect (nullopt: unchanged).
    virtual void set_account_flags(std::string_view account_id, std::optional<bool> active,
                                   std::optional<bool> needs_reconnect) = 0;
    // Targets of the account that are pending, claimed or sending.
    virtual int count_unsent_targets(std::string_view account_id) = 0;
    // Deletes the account with its targets (sent or not) and rate limits, then
    // settles its unsettled posts on their remaining targets (none left:
    // cancelled). Callers refuse first when unsent targets exist (no --force).
    virtual void remove_account(std::string_view account_id, Instant now) = 0;

    // ---- secrets and tokens (keys rotate, account connect, refresh) ----
    // The sealed values of every account.
    virtual std::vector<AccountSecrets> account_secrets() = 0;
    // Writes every `after` in ONE transaction, each only where the row still
    // holds its `before` (same account id): returns false, writing nothing,
    // when any row changed meanwhile (a refresh ran) or is gone.
    virtual bool rewrite_account_secrets(
        const std::vector<std::pair<AccountSecrets, AccountSecrets>>& before_after) = 0;
    // Replaces profile, tokens, expiry and settings of the account with
    // `account.id` (a reconnect); clears needs_reconnect and the refresh lease.
    virtual void update_account_credentials(const Account& account) = 0;
    // Takes the account's refresh lease until `lease_until` when none is held
    // at `now`. True when taken; false when another runner holds it. SQLite
    // measures it on the caller's instants, PostgreSQL on the database clock
    // (lease_until - now from its clock_timestamp()).
    virtual bool take_refresh_lease(std::string_view account_id, Instant now,
                                    Instant lease_until) = 0;
    // Stores refreshed tokens, clears needs_reconnect and the lease.
    virtual void save_refreshed_tokens(std::string_view account_id,
                                       const AccountTokens& tokens) = 0;
    virtual void release_refresh_lease(std::string_view account_id) = 0;

    // ---- posts ----
    // Inserts a post and its targets in one transaction. Throws Error(Exit::data)
    // naming the key when the idempotency key is taken.
    virtual void add_post(const Post& post, const std::vector<Target>& targets) = 0;
    // By full id or a unique prefix; throws Error(Exit::data) when ambiguous.
    virtual std::optional<PostView> get_post(std::string_view id_or_prefix) = 0;
    virtual std::optional<PostView> find_post_by_key(std::string_view idempotency_key) = 0;
    virtual std::vector<PostView> list_posts(const PostFilter& filter) = 0;
    // Like list_posts, one post at a time, so memory does not grow with the
    // store (export). `visit` must not call back into the store.
    virtual void each_post(const PostFilter& filter,
                           const std::function<void(const PostView&)>& visit) = 0;
    // Starts a bulk write; holds the store's write lock until commit/rollback.
    virtual std::unique_ptr<BulkInsert> bulk_insert(Instant now) = 0;
    // Keeps one read transaction open until the result is destroyed, so that
    // many reads in a row (an import's check pass) see one state and pay for
    // one transaction, not one each. Only reads may happen meanwhile. The
    // default holds nothing.
    virtual std::unique_ptr<ReadSnapshot> read_snapshot() {
        return std::make_unique<ReadSnapshot>();
    }
    // Replaces content/time/media/options and (when given) the target accounts
    // of a post none of whose targets has been claimed or sent. Returns false
    // (changing nothing) when that no longer holds.
    virtual bool update_unsent_post(const Post& post, const std::vector<Target>* targets,
                                    Instant now) = 0;
    // Sets the post's status draft→pending (approve). False when not a draft.
    virtual bool approve_post(std::string_view post_id, Instant now) = 0;
    // Cancels every target not yet claimed or sent and settles the post.
    // Returns the number of targets cancelled.
    virtual int cancel_post(std::string_view post_id, Instant now) = 0;

    // ---- targets, by hand ----
    // By full id or a unique prefix; throws Error(Exit::data) when ambiguous.
    virtual std::optional<TargetView> get_target(std::string_view id_or_prefix) = 0;
    // Targets in `status`, optionally of one account and updated since an instant.
    virtual std::vector<TargetView> list_targets(TargetStatus status, std::string_view account_name,
                                                 std::optional<Instant> since) = 0;
    // failed|skipped (and unknown when `force`) → pending, due now, attempts
    // reset; the post becomes `posting` again. False when not in such a state.
    virtual bool retry_target(std::string_view target_id, bool force, Instant now) = 0;
    // unknown → posted (with `url`) or failed (url empty), then the post settles.
    virtual bool resolve_target(std::string_view target_id, const std::string& url,
                                Instant now) = 0;

    // ---- the pass ----
    // Expired `claimed` leases go back to `pending` (nothing was sent).
    virtual int release_expired_claims(Instant now) = 0;
    // Takes over expired `sending` targets for settlement under `token`.
    virtual std::vector<Claimed> take_expired_sending(Instant now, Instant lease_until,
                                                      const std::string& token, int limit) = 0;
    // Atomically claims up to `limit` due targets; due targets later than
    // their post's max lateness (default `default_lateness`) become `skipped`.
    virtual ClaimResult claim_due(Instant now, int limit, Instant lease_until,
                                  const std::string& token, Millis default_lateness) = 0;
    // What claim_due would take now, changing nothing (run --dry-run).
    virtual std::vector<Claimed> peek_due(Instant now, int limit) = 0;
    // Claims the pending targets of one post whatever their due time (post
    // publish); targets of held accounts (disabled, reconnect, rate-limited,
    // paused) stay pending.
    virtual std::vector<Claimed> claim_post(std::string_view post_id, Instant now,
                                            Instant lease_until, const std::string& token) = 0;
    // claimed → sending just before the request; false when the claim was lost.
    virtual bool mark_sending(std::string_view target_id, const std::string& token, Instant now,
                              Instant lease_until) = 0;
    virtual void save_adapter_state(std::string_view target_id, const std::string& token,
                                    const std::string& state_json) = 0;
    // Records the outcome and settles the post, in one transaction; false
    // when the claim was lost (another runner owns the target now).
    virtual bool record_outcome(std::string_view target_id, const std::string& token,
                                const TargetUpdate& update, Instant now) = 0;
    // Claimed (not yet sending) targets of `token` go back to pending.
    virtual int release_claims(const std::string& token) = 0;

    virtual void set_rate_limit(const RateLimit& limit, Instant now) = 0;
    virtual std::vector<RateLimit> active_rate_limits(Instant now) = 0;

    virtual void begin_run(const RunRecord& run) = 0;
    virtual void finish_run(const RunRecord& run) = 0;
    virtual std::optional<RunRecord> last_run() = 0;

    // ---- health and housekeeping ----
    virtual QueueStats queue_stats(Instant now, Instant since) = 0;
    // Deletes pass records that started before `before`; returns how many.
    virtual int prune_runs(Instant before) = 0;
    // Deletes settled posts (posted, failed, cancelled) last changed before
    // `before`, with their targets and analytics; returns how many posts.
    virtual int prune_posts(Instant before) = 0;
};

// Opens the store named by a URL (sqlite:///path, postgresql://…). Throws
// Error(Exit::config) for an unknown scheme, Exit::unavailable when it
// cannot be reached.
std::unique_ptr<Store> open_store(const std::string& url, Millis busy_timeout = Millis{10000});

}  // namespace postsched::store
