#pragma once
// The publish and late-settle flows of the Mastodon adapter. Private to
// adapters/mastodon/.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/mastodon/mastodon_adapter.hpp"
#include "adapters/mastodon/mastodon_internal.hpp"

namespace postsched::adapters::mastodon {

// Ends a flow early with this outcome (transport failures, refused URLs,
// error answers deep in a lookup).
struct Stop {
    Outcome outcome;
    bool maybe_delivered = false;  // a transport failure after the request went out
};

// How to speak to one account's instance.
struct Api {
    net::HttpClient& http;
    const Clock& clock;
    std::string base;   // "https://host", no trailing slash
    std::string token;  // empty: no Authorization header
    Millis timeout;

    // Sends with the Bearer token and returns any HTTP answer. Throws Stop
    // for transport failures and refused URLs; `what` names the request.
    net::HttpResponse send(const std::string& method, const std::string& path,
                           std::string_view what, std::string body = {},
                           const std::string& content_type = {}, net::Headers extra = {}) const;
};

class Publication {
  public:
    Publication(Api api, const PublishRequest& request, const SaveState& save,
                const MastodonTuning& tuning);
    // Uploads media (first part only), then posts the parts not yet in the
    // resume state as a reply chain. Posted carries the first part.
    Outcome run();
    // After the idempotency window: finds the first unconfirmed part among the
    // account's recent statuses and goes on from there, else Kind::unknown.
    Outcome settle_by_lookup(Instant sending_since);
    // Before a first publish of a keyed post: when its first part is among the
    // account's recent statuses, goes on from there; nullopt when not found.
    std::optional<Outcome> find_earlier();

  private:
    std::optional<Outcome> prepare();
    Outcome post_remaining();
    std::optional<Outcome> upload_media();
    std::optional<Outcome> upload_one(std::size_t k);
    std::optional<Outcome> await_media();
    std::optional<Outcome> poll_pending();
    std::optional<Outcome> post_part(std::size_t i);
    // Part k among the account's latest statuses created since
    // `sending_since` (less a minute of clock skew), replying to part k-1.
    struct Lookup {
        std::optional<StatusRef> found;  // the oldest match
        bool complete = false;           // the list covers everything since then
    };
    Lookup find_sent(std::size_t k, Instant sending_since);
    // Remembers that part i may have reached the instance unanswered.
    void mark_inflight(std::size_t i);
    // Part i marked in flight and its key forgotten: adopts it when found,
    // else sends afresh when the lookup covers the time since; Kind::unknown
    // when it cannot tell.
    std::optional<Outcome> resolve_inflight(std::size_t i);
    std::string status_body(std::size_t i) const;
    std::string part_name(std::size_t i) const;
    std::string pending_name(const std::string& id) const;
    Outcome answered(const net::HttpResponse& response, std::string_view what) const;
    void save_state() const;

    Api m_api;
    const PublishRequest& m_request;
    const SaveState& m_save;
    MastodonTuning m_tuning;
    std::vector<std::string> m_parts;  // at least one (media-only posts: "")
    PostOptions m_options;
    InstanceLimits m_limits;
    ResumeState m_state;
};

}  // namespace postsched::adapters::mastodon
