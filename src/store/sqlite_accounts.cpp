// SqliteStore: account secrets and tokens (keys rotate, connect, refresh).
#include <SQLiteCpp/SQLiteCpp.h>

#include "core/time_format.hpp"
#include "store/sqlite_rows.hpp"
#include "store/sqlite_store.hpp"
#include "store/sqlite_tx.hpp"

namespace postsched::store {
using namespace rows;

std::vector<AccountSecrets> SqliteStore::account_secrets() {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        std::vector<AccountSecrets> out;
        SQLite::Statement q(*m_db,
                            "SELECT id, access_token_encrypted, refresh_token_encrypted, settings "
                            "FROM social_accounts ORDER BY name");
        while (q.executeStep())
            out.push_back({text(q, 0), text(q, 1), text(q, 2), text(q, 3)});
        return out;
    });
}

bool SqliteStore::rewrite_account_secrets(
    const std::vector<std::pair<AccountSecrets, AccountSecrets>>& before_after) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SqliteTx tx(*m_db);
        for (const auto& [before, after] : before_after) {
            SQLite::Statement q(*m_db,
                                "UPDATE social_accounts SET access_token_encrypted = ?, "
                                "refresh_token_encrypted = ?, settings = ? WHERE id = ? AND "
                                "COALESCE(access_token_encrypted, '') = ? AND "
                                "COALESCE(refresh_token_encrypted, '') = ? AND settings = ?");
            bind_opt(q, 1, after.access_token_enc);
            bind_opt(q, 2, after.refresh_token_enc);
            q.bind(3, after.settings);
            q.bind(4, before.account_id);
            q.bind(5, before.access_token_enc);
            q.bind(6, before.refresh_token_enc);
            q.bind(7, before.settings);
            if (q.exec() != 1)
                return false;  // rolled back by the destructor
        }
        tx.commit();
        return true;
    });
}

void SqliteStore::update_account_credentials(const Account& a) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "UPDATE social_accounts SET account_id = ?, account_name = ?, "
                            "account_username = ?, instance_url = ?, access_token_encrypted = ?, "
                            "refresh_token_encrypted = ?, token_expiry = ?, settings = ?, "
                            "needs_reconnect = 0, refreshing_until = NULL WHERE id = ?");
        bind_opt(q, 1, a.platform_account_id);
        bind_opt(q, 2, a.display_name);
        bind_opt(q, 3, a.username);
        bind_opt(q, 4, a.instance_url);
        bind_opt(q, 5, a.access_token_enc);
        bind_opt(q, 6, a.refresh_token_enc);
        bind_opt(q, 7, a.token_expiry);
        q.bind(8, a.settings);
        q.bind(9, a.id);
        q.exec();
    });
}

bool SqliteStore::take_refresh_lease(std::string_view account_id, Instant now,
                                     Instant lease_until) {
    std::lock_guard lock(m_mutex);
    return guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "UPDATE social_accounts SET refreshing_until = ? WHERE id = ? AND "
                            "(refreshing_until IS NULL OR refreshing_until <= ?)");
        q.bind(1, format_instant(lease_until));
        q.bind(2, std::string(account_id));
        q.bind(3, format_instant(now));
        return q.exec() == 1;
    });
}

void SqliteStore::save_refreshed_tokens(std::string_view account_id, const AccountTokens& t) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "UPDATE social_accounts SET access_token_encrypted = ?, "
                            "refresh_token_encrypted = ?, token_expiry = ?, settings = "
                            "COALESCE(?, settings), needs_reconnect = 0, refreshing_until = NULL "
                            "WHERE id = ?");
        bind_opt(q, 1, t.access_token_enc);
        bind_opt(q, 2, t.refresh_token_enc);
        bind_opt(q, 3, t.token_expiry);
        bind_opt(q, 4, t.settings);
        q.bind(5, std::string(account_id));
        q.exec();
    });
}

void SqliteStore::release_refresh_lease(std::string_view account_id) {
    std::lock_guard lock(m_mutex);
    guarded(m_path, [&] {
        SQLite::Statement q(*m_db,
                            "UPDATE social_accounts SET refreshing_until = NULL WHERE id = ?");
        q.bind(1, std::string(account_id));
        q.exec();
    });
}

}  // namespace postsched::store
