#pragma once
// Pieces shared by the X adapter's files: the signed API client, resume
// state, answer classification and text comparison. Private to adapters/x/.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "core/errors.hpp"
#include "net/http_client.hpp"
#include "net/oauth1.hpp"

namespace postsched::adapters::x {

// Ends a flow early with this outcome (transport failures, refused URLs).
struct Stop {
    Outcome outcome;
};

// How to speak to X for one account: a Bearer OAuth 2.0 user token, or
// OAuth 1.0a signatures when the stored secret is the four-secret bundle.
struct Api {
    net::HttpClient& http;
    const Clock& clock;
    std::string base;  // "https://api.x.com", no trailing slash
    std::string bearer;
    std::optional<net::OAuth1Credentials> oauth1;
    Millis timeout;

    // Sends and returns any HTTP answer; throws Stop for transport failures
    // and refused URLs. `path` may carry a query; `what` names the request.
    net::HttpResponse send(const std::string& method, const std::string& path,
                           std::string_view what, std::string body = {},
                           const std::string& content_type = {}) const;
};
// An Api for the account's credentials (`token` as stored, decrypted).
Api make_api(net::HttpClient& http, const Clock& clock, std::string base, const std::string& token,
             Millis timeout);

// adapter_state for X.
struct MediaState {
    std::string id;
    std::size_t next_segment = 0;  // APPENDs done
    bool finalized = false;
    bool ready = false;
    long long expires_at = 0;  // Unix seconds; 0: unknown
    bool described = false;    // its alt text was sent (POST /2/media/metadata)
};
struct ResumeState {
    std::vector<std::string> parts;  // ids of the parts posted, in order
    std::vector<MediaState> media;
    // The part whose request went out without an answer yet (its index), and
    // when: a later attempt looks for it before sending it again.
    std::optional<std::size_t> inflight;
    long long inflight_at = 0;  // Unix seconds
};
// Throws Error(Exit::data) when the state is not ours.
ResumeState parse_state(std::string_view json);
std::string dump_state(const ResumeState& state);

// X's error text: problem `detail` (else `title`), the `errors` messages, or
// "HTTP <status>".
std::string error_text(const net::HttpResponse& response);
bool is_duplicate(const net::HttpResponse& response);

// Every answer that is not the expected success (design.md §6). `what` names
// the request ("part 2 of 3").
Outcome classify(const net::HttpResponse& response, std::string_view account, std::string_view what,
                 Instant now);
Outcome classify_transport(const net::TransportError& error, std::string_view what);

// Text as compared when looking a post up: entities unescaped, each URL
// replaced (X shortens them to t.co), whitespace collapsed.
std::string comparable(std::string_view text);

std::string post_url(std::string_view username, std::string_view id);

// Up to 4 images (JPEG, PNG, WebP: 5 MiB each), or one GIF (15 MiB), or one
// MP4 video (512 MiB): checked at add time and again before upload.
MediaRules platform_media_rules();

}  // namespace postsched::adapters::x
