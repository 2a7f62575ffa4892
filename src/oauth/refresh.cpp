#include "oauth/refresh.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "crypto/vault.hpp"
#include "oauth/client.hpp"
#include "oauth/token.hpp"
#include "store/store.hpp"

namespace postsched::oauth {
namespace {

using Status = RefreshResult::Status;
using nlohmann::json;

constexpr Millis k_min_lease{60000};

// When the idle sweep must act: the refresh token's own expiry where known
// (Bluesky sessions), else the access token's.
std::optional<Instant> idle_expiry(const Account& a) {
    json s = json::parse(a.settings.empty() ? "{}" : a.settings, nullptr, false);
    if (s.is_object() && s.contains("refresh_token_expiry") &&
        s["refresh_token_expiry"].is_string())
        if (auto at = parse_utc_instant(s["refresh_token_expiry"].get<std::string>()))
            return at;
    return a.token_expiry;
}

std::string reconnect_hint(const Account& a) {
    return "run `postsched account connect " + a.platform + " --name " + a.name + "`";
}

}  // namespace

Refresher::Refresher(store::Store& store, const crypto::Vault& vault, const config::Config& config,
                     net::HttpClient& http, const Clock& clock)
    : m_store(store), m_vault(vault), m_config(config), m_http(http), m_clock(clock) {}

bool Refresher::due(const Account& a, Millis margin) const {
    return a.is_active && !a.needs_reconnect && a.token_expiry && can_refresh(a) &&
           *a.token_expiry - m_clock.now() <= margin;
}

RefreshResult Refresher::refresh(const Account& given, std::optional<Millis> within) {
    RefreshResult r;
    const Provider* p = find_provider(given.platform);
    if (!p || !can_refresh(given)) {
        r.message = "account \"" + given.name + "\": " + given.platform +
                    " tokens cannot be refreshed without you; " + reconnect_hint(given) +
                    " when the token expires";
        return r;
    }
    const auto& pc = m_config.platform(given.platform);
    Instant now = m_clock.now();
    if (!m_store.take_refresh_lease(given.id, now, now + std::max(k_min_lease, 2 * pc.timeout))) {
        r.status = Status::busy;
        r.message = "account \"" + given.name + "\": another runner is refreshing its token";
        return r;
    }
    // Read again under the lease: the tokens another runner stored are the
    // ones to use (a rotating refresh token is spent once).
    auto fresh = m_store.find_account(given.name);
    if (!fresh || fresh->id != given.id) {
        r.message = "account \"" + given.name + "\" is gone";
        return r;
    }
    Account a = *fresh;
    std::string what = " of account \"" + a.name + "\"";
    if (within && !(a.token_expiry && *a.token_expiry - now <= *within)) {
        m_store.release_refresh_lease(a.id);
        r.status = Status::refreshed;
        r.access_token = m_vault.decrypt(a.access_token_enc, "access token" + what);
        r.account = a;
        r.message = "account \"" + a.name + "\": token already refreshed";
        return r;
    }
    TokenSet t;
    try {
        Client client = client_for(m_config, *p, a.instance_url, false);
        switch (p->refresh) {
            case RefreshStyle::oauth2:
                client = client_for(m_config, *p, a.instance_url, true);
                t = refresh_grant(m_http, client,
                                  m_vault.decrypt(a.refresh_token_enc, "refresh token" + what),
                                  pc.timeout);
                break;
            case RefreshStyle::ig_refresh:
            case RefreshStyle::threads_refresh:
                t = refresh_long_lived(m_http, client,
                                       p->refresh == RefreshStyle::ig_refresh ? "ig_refresh_token"
                                                                              : "th_refresh_token",
                                       m_vault.decrypt(a.access_token_enc, "access token" + what),
                                       pc.timeout);
                break;
            case RefreshStyle::bluesky_session:
                t = refresh_bluesky(m_http, a.instance_url + std::string(p->refresh_url),
                                    m_vault.decrypt(a.refresh_token_enc, "refresh token" + what),
                                    now, pc.timeout);
                break;
            case RefreshStyle::none:
                break;
        }
    } catch (const TokenError& e) {
        r.reason = e.what();
        if (e.rejected()) {
            m_store.set_account_flags(a.id, std::nullopt, true);
            r.status = Status::rejected;
            r.message = "account \"" + a.name +
                        "\" needs reconnecting (its targets wait): " + e.what() + "; " +
                        reconnect_hint(a);
        } else {
            r.status = Status::unavailable;
            r.message = "account \"" + a.name + "\": token refresh failed, will retry: " + e.what();
        }
        m_store.release_refresh_lease(a.id);
        return r;
    } catch (...) {
        m_store.release_refresh_lease(a.id);
        throw;
    }
    store::AccountTokens tokens;
    tokens.access_token_enc = m_vault.encrypt(t.access_token);
    tokens.refresh_token_enc =
        t.refresh_token.empty() ? a.refresh_token_enc : m_vault.encrypt(t.refresh_token);
    if (t.expires_in)
        tokens.token_expiry = now + *t.expires_in;
    if (p->refresh == RefreshStyle::bluesky_session) {
        json s = json::parse(a.settings.empty() ? "{}" : a.settings, nullptr, false);
        if (!s.is_object())
            s = json::object();
        if (auto exp = jwt_expiry(t.refresh_token))
            s["refresh_token_expiry"] = format_instant(*exp);
        tokens.settings = s.dump();
        a.settings = tokens.settings;
    }
    // Stored before use: a crash after this line loses nothing.
    m_store.save_refreshed_tokens(a.id, tokens);
    a.access_token_enc = tokens.access_token_enc;
    a.refresh_token_enc = tokens.refresh_token_enc;
    a.token_expiry = tokens.token_expiry;
    a.needs_reconnect = false;
    r.status = Status::refreshed;
    r.access_token = t.access_token;
    r.account = a;
    r.message = "account \"" + a.name + "\": token refreshed" +
                (a.token_expiry ? ", valid until " + format_instant(*a.token_expiry) : "");
    spdlog::info("{}", r.message);
    return r;
}

int Refresher::refresh_idle() {
    int n = 0;
    Instant now = m_clock.now();
    for (const auto& a : m_store.list_accounts()) {
        const Provider* p = find_provider(a.platform);
        if (!p || !a.is_active || a.needs_reconnect || !can_refresh(a))
            continue;
        Millis window = std::max(p->idle_window, m_config.refresh_margin);
        auto expiry = idle_expiry(a);
        if (!expiry || *expiry - now > window)
            continue;
        // A Bluesky session's refresh token decides; otherwise the access token.
        Millis within = expiry == a.token_expiry ? window : Millis::max();
        RefreshResult r;
        try {
            r = refresh(a, within);
        } catch (const Error& e) {
            if (e.code() != Exit::config)
                throw;  // a key problem stops the pass, as for publishing
            // A platform's client settings missing: the other accounts go on.
            spdlog::error("account \"{}\": cannot refresh its token: {}", a.name, e.what());
            continue;
        }
        if (r.status == Status::refreshed)
            ++n;
        else if (r.status == Status::rejected)
            spdlog::error("{}", r.message);
        else if (r.status == Status::unavailable)
            spdlog::warn("{}", r.message);
    }
    return n;
}

}  // namespace postsched::oauth
