#pragma once
// A strict fake Bluesky PDS on 127.0.0.1 (platforms doc §4–8): app-password
// sessions with JWTs that expire on the fake's clock (400 ExpiredToken),
// putRecord with swapRecord semantics, createRecord's 500 on a taken key,
// getRecord, uploadBlob with blob refs, resolveHandle, ratelimit-* headers,
// and record validation as the lexicons say (300 graphemes / 3000 bytes,
// byte facets inside the text, images ≤ 4 with uploaded blobs, reply refs).
// httplib stays in the .cpp.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "fakes/fake_mastodon.hpp"  // FakeFault

namespace postsched::fakes {

struct FakeRecord {
    std::string did;
    std::string rkey;
    std::string uri;
    std::string cid;
    std::string value;              // the record JSON as stored
    bool swap_record_null = false;  // the write sent "swapRecord": null
};

struct FakeBlob {
    std::string did;
    std::string cid;
    std::string mime_type;
    std::size_t size = 0;
};

class FakeBluesky {
  public:
    static constexpr const char* k_create_session = "POST com.atproto.server.createSession";
    static constexpr const char* k_get_session = "GET com.atproto.server.getSession";
    static constexpr const char* k_refresh_session = "POST com.atproto.server.refreshSession";
    static constexpr const char* k_put_record = "POST com.atproto.repo.putRecord";
    static constexpr const char* k_create_record = "POST com.atproto.repo.createRecord";
    static constexpr const char* k_get_record = "GET com.atproto.repo.getRecord";
    static constexpr const char* k_upload_blob = "POST com.atproto.repo.uploadBlob";
    static constexpr const char* k_resolve_handle = "GET com.atproto.identity.resolveHandle";

    FakeBluesky();
    ~FakeBluesky();
    FakeBluesky(const FakeBluesky&) = delete;
    FakeBluesky& operator=(const FakeBluesky&) = delete;

    std::string base_url() const;  // "http://127.0.0.1:<port>"

    // An account that logs in with `app_password`; its handle resolves to `did`.
    void add_account(const std::string& handle, const std::string& did,
                     const std::string& app_password);
    // Another handle that resolves (for mentions of other people).
    void add_handle(const std::string& handle, const std::string& did);
    // A valid access JWT for the account, as createSession would issue.
    std::string issue_token(const std::string& did);
    // Every access token issued so far is past its `exp`.
    void expire_tokens();
    // Every refresh token issued so far is revoked (the user revoked the app password).
    void revoke_refresh_tokens();

    void set_clock(std::function<Instant()> now);
    void set_max_image_bytes(std::size_t bytes);  // the lexicon's limit (default 1,000,000)

    void inject(const std::string& route, FakeFault fault, int times = 1);
    // 429 RateLimitExceeded with ratelimit-* headers resetting at `reset_epoch`.
    void rate_limit(const std::string& route, long long reset_epoch, int times = 1);

    std::vector<FakeRecord> records() const;  // in creation order
    std::vector<FakeBlob> blobs() const;
    int records_created() const;  // writes that made a new record
    int requests(const std::string& route) const;
    std::vector<std::string> request_log() const;
    std::vector<std::string> put_bodies() const;  // every putRecord body received

    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace postsched::fakes
