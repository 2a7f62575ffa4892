#pragma once
// Token refresh (design.md §5.5). One refresh of one account:
//   1. take the account's refresh lease in one short transaction (another
//      runner holding it: `busy`, nothing spent);
//   2. call the token endpoint outside any transaction;
//   3. store the new tokens, sealed, in the next short transaction (lease
//      released) before anyone uses them.
// The platform refusing the grant flags the account needs_reconnect (its
// targets wait); an endpoint that is down is `unavailable` (try later).
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/model.hpp"

namespace postsched {
namespace store {
class Store;
}
namespace crypto {
class Vault;
}
namespace net {
class HttpClient;
}
namespace config {
struct Config;
}
}  // namespace postsched

namespace postsched::oauth {

struct RefreshResult {
    enum class Status { refreshed, busy, rejected, unavailable, not_refreshable };
    Status status = Status::not_refreshable;
    std::string message;             // for logs and `account refresh`; names the account
    std::string reason;              // rejected/unavailable: the platform's answer alone
    std::optional<Account> account;  // refreshed: the account as now stored
    std::string access_token;        // refreshed: the new access token (plaintext, in memory)
};

class Refresher {
  public:
    Refresher(store::Store& store, const crypto::Vault& vault, const config::Config& config,
              net::HttpClient& http, const Clock& clock);

    // True when the account's token expires within `margin` of now and the
    // account can refresh it.
    bool due(const Account& account, Millis margin) const;
    // Refreshes (see the file comment). With `within`, only when the token,
    // as stored once the lease is held, still expires within it (another
    // runner may just have refreshed it): else `refreshed` with the stored
    // token, nothing spent. Without, always (account refresh).
    RefreshResult refresh(const Account& account, std::optional<Millis> within = std::nullopt);
    // `run`'s idle sweep: refreshes every active account whose token expires
    // within its platform's idle window (Instagram/Threads 60-day tokens,
    // Bluesky sessions) or the refresh margin. Returns how many refreshed.
    int refresh_idle();

  private:
    store::Store& m_store;
    const crypto::Vault& m_vault;
    const config::Config& m_config;
    net::HttpClient& m_http;
    const Clock& m_clock;
};

}  // namespace postsched::oauth
