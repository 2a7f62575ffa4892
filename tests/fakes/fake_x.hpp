#pragma once
// A strict fake X API v2 on 127.0.0.1 (platforms doc §1): it checks what the
// real API checks (a Bearer user token or a valid OAuth 1.0a signature, JSON
// Content-Type, no unknown fields, reply targets, the chunked media upload
// state machine, duplicate text, length) and lets tests inject faults and
// count what was created. httplib stays in the .cpp.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "fakes/fake_mastodon.hpp"  // FakeFault
#include "net/oauth1.hpp"

namespace postsched::fakes {

struct FakeTweet {
    std::string id;
    std::string user_id;
    std::string text;
    std::string in_reply_to;
    std::vector<std::string> media_ids;
    Instant created_at{};
};

struct FakeXMedia {
    std::string id;
    std::string user_id;
    std::string media_type;
    std::string category;
    std::size_t total_bytes = 0;
    std::vector<std::string> segments;  // by segment_index
    bool finalized = false;
    int polls_left = 0;  // STATUS answers still "in_progress" before "succeeded"
    bool succeeded = false;
    std::string alt_text;  // from POST /2/media/metadata
};

class FakeX {
  public:
    static constexpr const char* k_tweets = "POST /2/tweets";
    static constexpr const char* k_me = "GET /2/users/me";
    static constexpr const char* k_user_tweets = "GET /2/users/:id/tweets";
    static constexpr const char* k_initialize = "POST /2/media/upload/initialize";
    static constexpr const char* k_append = "POST /2/media/upload/:id/append";
    static constexpr const char* k_finalize = "POST /2/media/upload/:id/finalize";
    static constexpr const char* k_status = "GET /2/media/upload";
    static constexpr const char* k_metadata = "POST /2/media/metadata";

    FakeX();
    ~FakeX();
    FakeX(const FakeX&) = delete;
    FakeX& operator=(const FakeX&) = delete;

    std::string base_url() const;

    // A user reachable with a Bearer token, and (optionally) with OAuth 1.0a.
    void add_user(const std::string& bearer, const std::string& id, const std::string& username);
    void add_oauth1_user(const net::OAuth1Credentials& credentials, const std::string& id,
                         const std::string& username);
    void set_clock(std::function<Instant()> now);
    // STATUS polls answering in_progress before succeeded, for GIF and video
    // (images are ready at finalize). Default 2.
    void set_processing_polls(int polls);

    void inject(const std::string& route, FakeFault fault, int times = 1);
    // POST /2/tweets answers `status` with X's problem body for it.
    void fail_tweets(int status, int times = 1);
    // 429 with x-rate-limit-* (and, if `daily_reset` != 0, exhausted 24-hour
    // user limit) headers.
    void rate_limit_tweets(long long reset, long long daily_reset = 0);

    std::string seed_tweet(FakeTweet tweet);
    std::vector<FakeTweet> tweets() const;
    std::vector<FakeXMedia> media() const;
    int requests(const std::string& route) const;
    // Authorization header values seen (to check signing; tests never print them).
    std::vector<std::string> authorizations() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

// X's problem-details body for a status ("Unauthorized", duplicate content, ...).
std::string x_problem(int status);

}  // namespace postsched::fakes
