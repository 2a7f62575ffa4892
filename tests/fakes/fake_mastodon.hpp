#pragma once
// A strict fake Mastodon instance on 127.0.0.1 (platforms doc §8): it checks
// what the real API checks (Bearer token and scopes, body formats, length in
// graphemes with URL = 23, media ids and processing, Idempotency-Key per
// account) and lets tests inject faults and inspect what was created.
// httplib stays in the .cpp.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace postsched::fakes {

struct FakeStatus {
    std::string id;
    std::string account_id;
    std::string text;
    std::string spoiler_text;
    std::string visibility = "public";
    std::string language;
    bool sensitive = false;
    std::string in_reply_to_id;
    std::vector<std::string> media_ids;
    std::string idempotency_key;  // empty when the request had none
    Instant created_at{};
};

struct FakeMedia {
    std::string id;
    std::string account_id;
    std::string content_type;
    std::string filename;
    std::string description;
    std::size_t size = 0;
    int polls_left = 0;  // 206 answers still to give before 200
};

// An injected answer for the next request(s) to one route.
struct FakeFault {
    enum class Action {
        none,       // handle normally: lets a later queued fault hit a later request
        answer,     // answer `status`, `body`, `headers` instead
        delay,      // handle normally, then wait `delay` before answering
        drop,       // close the connection without a complete answer
        malformed,  // answer 200 with a truncated JSON body
    };
    Action action = Action::answer;
    int status = 500;
    std::string body = R"({"error":"Internal server error"})";
    std::vector<std::pair<std::string, std::string>> headers;
    Millis delay{0};
    // Wait this long before handling (or answering) at all: the request is in
    // flight and has not taken effect yet.
    Millis before{0};
    // The request takes effect (status created) before the fault: "accepted,
    // then the answer was lost". Always true for `delay`.
    bool create = false;
};

class FakeMastodon {
  public:
    // Routes, as named for inject() and requests().
    static constexpr const char* k_statuses = "POST /api/v1/statuses";
    static constexpr const char* k_media = "POST /api/v2/media";
    static constexpr const char* k_media_poll = "GET /api/v1/media/:id";
    static constexpr const char* k_verify = "GET /api/v1/accounts/verify_credentials";
    static constexpr const char* k_account_statuses = "GET /api/v1/accounts/:id/statuses";
    static constexpr const char* k_instance_v2 = "GET /api/v2/instance";
    static constexpr const char* k_instance_v1 = "GET /api/v1/instance";

    // Starts listening on a free 127.0.0.1 port with a pool of `threads`
    // (each keep-alive client connection holds one while it is open).
    explicit FakeMastodon(int threads = 16);
    ~FakeMastodon();  // stops the server and joins its threads
    FakeMastodon(const FakeMastodon&) = delete;
    FakeMastodon& operator=(const FakeMastodon&) = delete;

    std::string base_url() const;  // "http://127.0.0.1:<port>"
    int port() const;

    // An account reachable with `token`; scopes like "write:statuses",
    // "read", "profile" (hierarchical: "write" covers "write:media").
    void add_account(const std::string& token, const std::string& id, const std::string& username,
                     std::vector<std::string> scopes = {"read", "write", "profile"});

    // Time for created_at, Idempotency-Key expiry and rate-limit resets
    // (default: the system clock). Tests pass their FixedClock's now.
    void set_clock(std::function<Instant()> now);
    void set_max_characters(std::size_t max);
    void set_video_polls(int polls_before_ready);  // 206 answers per video (default 2)
    void set_idempotency_ttl(Millis ttl);          // default one hour
    // false: /api/v2/instance answers 404 (pre-4.0), /api/v1/instance has
    // only max_toot_chars.
    void set_instance_v2(bool available);

    void inject(const std::string& route, FakeFault fault, int times = 1);
    void clear_faults();  // forgets every fault not yet used
    // Shorthands for POST /api/v1/statuses.
    void fail_statuses(int status, std::string body, int times = 1);
    // 429 {"error":"Too many requests"} with X-RateLimit-Reset: `reset_iso`.
    void rate_limit_statuses(const std::string& reset_iso, int times = 1);
    void delay_statuses(Millis delay, int times = 1);
    void drop_statuses(bool create, int times = 1);
    void malformed_statuses(bool create, int times = 1);

    // Adds an existing status (as if posted earlier), returns its id.
    std::string seed_status(FakeStatus status);

    std::vector<FakeStatus> statuses() const;  // in creation order
    std::vector<FakeMedia> media() const;
    int status_requests() const;  // POST /api/v1/statuses, faults included
    int requests(const std::string& route) const;
    // Connections open (queued or being served) or requests being handled:
    // a client that died leaves its last request to finish on the server, as
    // a real server would, perhaps before a server thread has even read it.
    int in_flight() const;
    std::vector<std::string> request_log() const;  // route names in arrival order

    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace postsched::fakes
