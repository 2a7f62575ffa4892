#pragma once
// Pieces shared by the Mastodon adapter's files: options, instance limits,
// length counting, resume state and answer classification. Private to
// adapters/mastodon/.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "core/errors.hpp"
#include "net/http_client.hpp"

namespace postsched::adapters::mastodon {

// Mastodon remembers an Idempotency-Key for 3600 s; stay clear of the edge.
constexpr Millis k_idempotency_window = std::chrono::minutes(55);

// Per-post options: {"mastodon": {...}} or the same keys at top level (the
// "mastodon" object wins). Unknown keys belong to other platforms: ignored.
struct PostOptions {
    std::string visibility;  // empty: the user's default
    std::string spoiler_text;
    std::string language;
    std::optional<bool> sensitive;
};
// Throws Error(Exit::data) naming the bad option.
PostOptions parse_post_options(std::string_view options_json);

// What the instance allows, as kept in the account's settings JSON.
struct InstanceLimits {
    std::size_t max_characters = 500;
    std::size_t url_chars = 23;
    std::size_t max_media = 4;
    std::size_t image_size_limit = 16 * 1024 * 1024;
    std::size_t video_size_limit = 99 * 1024 * 1024;
    std::vector<std::string> mime_types;  // empty: not reported
};
// Limits from account settings; missing or unreadable keys keep the defaults.
InstanceLimits limits_from_settings(std::string_view settings_json);
// Limits from an /api/v2/instance or /api/v1/instance body: its
// configuration block, else top-level max_toot_chars (Pleroma, Akkoma,
// glitch-soc). nullopt when the body states no character limit.
std::optional<InstanceLimits> limits_from_instance(std::string_view body);
// `old_settings` with the limits' keys written in (other keys kept).
std::string settings_with_limits(std::string_view old_settings, const InstanceLimits& limits);

// Length as StatusLengthValidator counts it: graphemes of spoiler + text,
// each http(s) URL as `url_chars`, "@user@domain" as "@user".
std::size_t status_length(std::string_view spoiler, std::string_view text, std::size_t url_chars);
// Text as a status's HTML shows it to a reader, whitespace collapsed, with
// "@user@domain" shortened to "@user": the form settle compares.
std::string comparable_from_html(std::string_view html);
std::string comparable_from_text(std::string_view text);

// adapter_state: parts already posted, uploaded media, media still processing.
struct PartRef {
    std::string id;
    std::string url;
};
struct ResumeState {
    std::vector<PartRef> parts;
    std::vector<std::string> media_ids;
    std::vector<std::string> media_pending;
    // The part whose request may have reached the instance without an
    // answer (a timeout, a lost connection, a 5xx), and when it was first
    // sent: a retry after the Idempotency-Key is forgotten looks it up first.
    std::optional<std::size_t> inflight;
    Instant inflight_at{};
};
// Throws Error(Exit::data) when the state is not ours.
ResumeState parse_state(std::string_view json);
std::string dump_state(const ResumeState& state);

// Status fields an adapter uses; nullopt for a malformed body.
struct StatusRef {
    std::string id;
    std::string url;         // url, else uri
    std::string content;     // HTML
    std::string created_at;  // ISO 8601
    std::string in_reply_to_id;
};
std::optional<StatusRef> parse_status(std::string_view body);
std::optional<std::vector<StatusRef>> parse_status_list(std::string_view body);

// The platform's `error` text of a JSON error body, else "HTTP <status>".
std::string error_text(const net::HttpResponse& response);

// Every HTTP answer that is not the expected success, classified (design.md
// §6). `what` names the request in messages ("part 2 of 3").
Outcome classify(const net::HttpResponse& response, std::string_view account, std::string_view what,
                 Instant now);
Outcome classify_transport(const net::TransportError& error, std::string_view what);
// When X-RateLimit-Reset says the window ends; nullopt if absent/unreadable.
std::optional<Instant> rate_limit_reset(const net::HttpResponse& response);

}  // namespace postsched::adapters::mastodon
