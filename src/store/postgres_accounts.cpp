// PostgresStore: account secrets and tokens (keys rotate, connect, refresh).
#include "core/time_format.hpp"
#include "store/postgres_internal.hpp"

namespace postsched::store {
using namespace pg;

std::vector<AccountSecrets> PostgresStore::account_secrets() {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        std::vector<AccountSecrets> out;
        for (const auto& r : tx.exec("SELECT id, access_token_encrypted, "
                                     "refresh_token_encrypted, settings::text FROM "
                                     "social_accounts ORDER BY name"))
            out.push_back({str(r[0]), str(r[1]), str(r[2]), normalized_json(str(r[3]))});
        return out;
    });
}

bool PostgresStore::rewrite_account_secrets(
    const std::vector<std::pair<AccountSecrets, AccountSecrets>>& before_after) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        // Lock and compare every row first, then write: all or nothing.
        // jsonb compares by value, so the settings text may differ in spacing.
        for (const auto& [before, after] : before_after) {
            auto r = exec(tx,
                          "SELECT 1 FROM social_accounts WHERE id = $1 AND "
                          "COALESCE(access_token_encrypted, '') = $2 AND "
                          "COALESCE(refresh_token_encrypted, '') = $3 AND settings = $4::jsonb "
                          "FOR UPDATE",
                          {text(before.account_id), text(before.access_token_enc),
                           text(before.refresh_token_enc), json_object(before.settings)});
            if (r.empty())
                return false;
        }
        for (const auto& [before, after] : before_after)
            exec(tx,
                 "UPDATE social_accounts SET access_token_encrypted = $1, "
                 "refresh_token_encrypted = $2, settings = $3::jsonb WHERE id = $4",
                 {opt_text(after.access_token_enc), opt_text(after.refresh_token_enc),
                  json_object(after.settings), text(before.account_id)});
        return true;
    });
}

void PostgresStore::update_account_credentials(const Account& a) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        exec(tx,
             "UPDATE social_accounts SET account_id = $1, account_name = $2, account_username = "
             "$3, instance_url = $4, access_token_encrypted = $5, refresh_token_encrypted = $6, "
             "token_expiry = $7::timestamptz, settings = $8::jsonb, needs_reconnect = false, "
             "refreshing_until = NULL WHERE id = $9",
             {opt_text(a.platform_account_id), opt_text(a.display_name), opt_text(a.username),
              opt_text(a.instance_url), opt_text(a.access_token_enc), opt_text(a.refresh_token_enc),
              opt_instant(a.token_expiry), json_object(a.settings), text(a.id)});
    });
}

bool PostgresStore::take_refresh_lease(std::string_view account_id, Instant now,
                                       Instant lease_until) {
    std::lock_guard lock(m_mutex);
    return transact([&](pqxx::work& tx) {
        // The database clock, as for target leases: hosts' clocks drift.
        auto r = exec(tx,
                      "UPDATE social_accounts SET refreshing_until = clock_timestamp() + "
                      "$2::bigint * interval '1 millisecond' WHERE id = $1 AND "
                      "(refreshing_until IS NULL OR refreshing_until <= clock_timestamp()) "
                      "RETURNING id",
                      {text(std::string(account_id)), integer((lease_until - now).count())});
        return !r.empty();
    });
}

void PostgresStore::save_refreshed_tokens(std::string_view account_id, const AccountTokens& t) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        exec(tx,
             "UPDATE social_accounts SET access_token_encrypted = $1, refresh_token_encrypted = "
             "$2, token_expiry = $3::timestamptz, settings = COALESCE($4::jsonb, settings), "
             "needs_reconnect = false, refreshing_until = NULL WHERE id = $5",
             {opt_text(t.access_token_enc), opt_text(t.refresh_token_enc),
              opt_instant(t.token_expiry), opt_text(t.settings), text(std::string(account_id))});
    });
}

void PostgresStore::release_refresh_lease(std::string_view account_id) {
    std::lock_guard lock(m_mutex);
    transact([&](pqxx::work& tx) {
        exec(tx, "UPDATE social_accounts SET refreshing_until = NULL WHERE id = $1",
             {text(std::string(account_id))});
    });
}

}  // namespace postsched::store
