#pragma once
// Pieces shared by the LinkedIn adapter's files: commentary escaping, the
// length rule, options, resume state, answer classification. Private to
// adapters/linkedin/ (and its unit tests).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "core/errors.hpp"
#include "net/http_client.hpp"

namespace postsched::adapters::linkedin {

inline constexpr std::size_t k_max_commentary = 3000;
inline constexpr std::size_t k_max_images = 20;
inline constexpr std::string_view k_reserved = "\\|{}@[]()<>#*_~";

// `text` in LinkedIn's "little" text format: every reserved character
// (\ | { } @ [ ] ( ) < > # * _ ~) gets a backslash, except the '#' of a
// hashtag ("#word" after a space or the start) and http(s) links, which stay
// as written so they remain clickable. An unescaped reserved character makes
// LinkedIn cut the text off there without an error.
std::string escape_commentary(std::string_view text);

// The length LinkedIn's 3,000-character limit is checked against: UTF-16
// code units (Java chars) of the escaped commentary, each added backslash
// included — the cautious reading of an unconfirmed rule.
std::size_t commentary_length(std::string_view text);

// Per-post options: {"linkedin": {"visibility": "PUBLIC"|"CONNECTIONS"}}.
// Throws Error(Exit::data) naming the bad option.
std::string parse_visibility(std::string_view options_json);

// adapter_state: the URNs of images already uploaded, in order (saved after
// each upload, so a retry never uploads one again; upload URLs are signed and
// short-lived, so they are not kept), and whether the post request was
// started (settle only looks up posts that may exist).
struct ResumeState {
    std::vector<std::string> images;
    bool posting = false;
};
ResumeState parse_state(std::string_view json);
std::string dump_state(const ResumeState& state);

// LinkedIn's error body: {"message", "status", "code"?, "serviceErrorCode"?}.
std::string error_text(const net::HttpResponse& response);
// The URN a 422 duplicate names ("Content is a duplicate of urn:li:share:7"),
// or nullopt.
std::optional<std::string> duplicate_of(const net::HttpResponse& response);

// Every answer that is not the expected success, classified (design.md §6).
// `version` is the LinkedIn-Version sent, for the pause message.
Outcome classify(const net::HttpResponse& response, std::string_view account, std::string_view what,
                 std::string_view version, Instant now);
Outcome classify_transport(const net::TransportError& error, std::string_view what);

std::string post_url(std::string_view urn);

}  // namespace postsched::adapters::linkedin
