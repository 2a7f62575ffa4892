// The pass, one target at a time: prepare (decrypt, fetch media), mark
// `sending`, call the adapter, record the outcome.
#include <spdlog/spdlog.h>

#include <random>

#include "core/errors.hpp"
#include "core/ids.hpp"
#include "crypto/vault.hpp"
#include "media/media.hpp"
#include "oauth/provider.hpp"
#include "oauth/refresh.hpp"
#include "scheduler/outcome_policy.hpp"
#include "scheduler/pass.hpp"

namespace postsched::scheduler {
namespace {

using Kind = adapters::Outcome::Kind;

double jitter() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

RetryPolicy policy_of(const config::Config& c) {
    return {c.max_attempts, c.retry_base, c.retry_max};
}

// The platform-side key of a target: a post with an idempotency key gets one
// derived from that key and the account, the same in any store.
std::string platform_key(const Post& post, const Target& target, const Account& account) {
    if (!post.idempotency_key)
        return target.id;
    const std::string& who =
        account.platform_account_id.empty() ? account.name : account.platform_account_id;
    return "k" +
           sha256_hex(*post.idempotency_key + '\n' + account.platform + '\n' + who).substr(0, 32);
}

// Thrown through an adapter when the store could not save its state: the
// store, not the platform, failed.
struct StoreFailed {
    std::exception_ptr error;
};

}  // namespace

TargetResult Pass::process(const Work& work, const std::string& token) {
    const auto& [target, post, account] = work.item;
    TargetResult r{post.id, target.id, account.name, account.platform, "", "", ""};
    Instant now = m_clock.now();
    auto finish = [&](const adapters::Outcome& o, bool resuming) {
        store::TargetUpdate u =
            target_update(o, target, policy_of(m_config), m_clock.now(), resuming, jitter());
        if (o.kind == Kind::auth_expired) {
            m_store.set_account_flags(account.id, std::nullopt, true);
            u.error_message = "account \"" + account.name +
                              "\" needs reconnecting (its targets wait): " + o.message;
            spdlog::error("{}", u.error_message);
        }
        if (o.kind == Kind::rate_limited || o.kind == Kind::paused) {
            std::string kind = o.kind == Kind::paused ? "paused" : "rate_limited";
            m_store.set_rate_limit({account.id, "publish", kind, u.next_attempt_at, o.message},
                                   m_clock.now());
        }
        if (!m_store.record_outcome(target.id, token, u, m_clock.now()))
            spdlog::warn("target {}: claim lost before recording (another runner took it over)",
                         target.id);
        r.status = std::string(to_string(u.status));
        r.url = u.url;
        r.error = u.error_message;
        auto level = u.status == TargetStatus::posted    ? spdlog::level::info
                     : u.status == TargetStatus::pending ? spdlog::level::info
                                                         : spdlog::level::warn;
        spdlog::log(level, "post {} → {} ({}): {}{}", post.id, account.name, account.platform,
                    r.status,
                    r.error.empty() ? (r.url.empty() ? "" : " " + r.url) : " — " + r.error);
        return r;
    };

    adapters::PublishRequest req{
        account,
        "",
        post.id,
        platform_key(post, target, account),
        post.parts,
        {},
        post.options,
        target.adapter_state,
        work.settling || target.attempts > 0 || target.adapter_state != "{}"};
    try {
        if (!account.access_token_enc.empty())
            req.access_token = m_vault.decrypt(account.access_token_enc,
                                               "access token of account \"" + account.name + "\"");
        // Platforms that fetch media themselves get the URL, not the bytes.
        auto rules = adapter_for(account.platform).media_rules(account);
        for (const auto& m : post.media) {
            if (rules.urls_only && media::is_url(m.source)) {
                // Checked at add time: the extension names the type.
                req.media.push_back({m.source, m.alt, media::type_from_extension(m.source), ""});
                continue;
            }
            auto fetched = m_media->get(m);
            media::check_fetched(fetched, rules, account);
            req.media.push_back(std::move(fetched));
        }
    } catch (const Error& e) {
        if (e.code() == Exit::no_perm || e.code() == Exit::config)
            throw;  // key problem: stop
        Kind kind = e.code() == Exit::data || e.code() == Exit::no_input ? Kind::permanent
                                                                         : Kind::transient;
        if (work.settling)
            kind = Kind::unknown;  // cannot settle without the request
        return finish(adapters::Outcome::failure(kind, e.what()), req.resuming);
    }

    if (!work.settling) {
        if (auto held = fresh_token(account, req))
            return finish(*held, req.resuming);
    }

    Instant lease_until = now + m_config.lease;
    if (!m_store.mark_sending(target.id, token, now, lease_until)) {
        r.status = "lost";
        spdlog::warn("target {}: claim lost before sending", target.id);
        return r;
    }
    adapters::SaveState save = [&](const std::string& state) {
        try {
            m_store.save_adapter_state(target.id, token, state);
        } catch (...) {
            throw StoreFailed{std::current_exception()};
        }
        req.adapter_state = state;  // a retry after a refresh resumes from here
    };
    // A post with an idempotency key, never tried in this store: it may have
    // gone out from another store (a re-run CI job on a fresh runner).
    const bool first_of_keyed = post.idempotency_key && !work.settling && target.attempts == 0 &&
                                target.adapter_state == "{}";
    adapters::Outcome outcome;
    try {
        auto& adapter = adapter_for(account.platform);
        std::optional<adapters::Outcome> found;
        if (first_of_keyed)
            found = adapter.find_published(req, save);
        outcome = found           ? *found
                  : work.settling ? adapter.settle(req, save, target.sending_at.value_or(now))
                                  : adapter.publish(req, save);
        if (outcome.kind == Kind::auth_expired && !work.settling)
            outcome = retry_after_refresh(account, req, save, outcome);
    } catch (const StoreFailed& failed) {
        // The request may have gone out and we cannot write that down: leave
        // the target `sending`; when its lease expires the adapter settles it.
        spdlog::debug("target {}: the store failed while publishing; left for settlement",
                      target.id);
        std::rethrow_exception(failed.error);
    } catch (const std::exception& e) {
        // The request may have gone out: only a human (or the adapter's own
        // settle on the next pass) can say.
        outcome =
            adapters::Outcome::failure(Kind::unknown, std::string("adapter error: ") + e.what());
    }
    return finish(outcome, req.resuming);
}

std::optional<adapters::Outcome> Pass::fresh_token(const Account& account,
                                                   adapters::PublishRequest& req) {
    if (!m_refresher->due(account, m_config.refresh_margin))
        return std::nullopt;
    using Status = oauth::RefreshResult::Status;
    Instant now = m_clock.now();
    oauth::RefreshResult r;
    try {
        r = m_refresher->refresh(account, m_config.refresh_margin);
    } catch (const Error& e) {
        if (e.code() != Exit::config)
            throw;
        // The platform's client settings are missing: this account waits
        // (with backoff), the others go on.
        r.status = Status::unavailable;
        r.message = "account \"" + account.name + "\": cannot refresh its token: " + e.what();
    }
    switch (r.status) {
        case Status::refreshed:
            req.access_token = r.access_token;
            return std::nullopt;
        case Status::rejected:
            return adapters::Outcome::failure(Kind::auth_expired, r.reason);
        case Status::busy:
            // Another runner is storing new tokens: this target waits a little.
            return adapters::Outcome::failure(Kind::waiting, r.message, now + Seconds(30));
        case Status::unavailable:
        case Status::not_refreshable:
            break;
    }
    if (account.token_expiry && *account.token_expiry > now) {
        spdlog::warn("{}; publishing with the current token", r.message);
        return std::nullopt;
    }
    return adapters::Outcome::failure(Kind::transient, r.message);
}

adapters::Outcome Pass::retry_after_refresh(const Account& account, adapters::PublishRequest& req,
                                            const adapters::SaveState& save,
                                            adapters::Outcome refused) {
    if (!oauth::can_refresh(account))
        return refused;
    using Status = oauth::RefreshResult::Status;
    auto r = m_refresher->refresh(account);
    switch (r.status) {
        case Status::refreshed:
            spdlog::info("{} after the platform refused the token; retrying once", r.message);
            req.access_token = r.access_token;
            req.resuming = true;
            return adapter_for(account.platform).publish(req, save);
        case Status::rejected:
            return adapters::Outcome::failure(Kind::auth_expired, r.reason);
        case Status::busy:
            return adapters::Outcome::failure(Kind::waiting, r.message,
                                              m_clock.now() + Seconds(30));
        case Status::unavailable:
            return adapters::Outcome::failure(Kind::transient, r.message);
        case Status::not_refreshable:
            break;
    }
    return refused;
}

}  // namespace postsched::scheduler
