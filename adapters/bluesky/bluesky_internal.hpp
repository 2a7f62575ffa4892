#pragma once
// Pieces shared by the Bluesky adapter's files: rich-text facets, record
// keys, resume state and answer classification. Private to adapters/bluesky/
// (and its unit tests).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/adapter.hpp"
#include "core/errors.hpp"
#include "net/http_client.hpp"

namespace postsched::adapters::bluesky {

inline constexpr std::size_t k_max_graphemes = 300;
inline constexpr std::size_t k_max_bytes = 3000;
inline constexpr std::size_t k_max_images = 4;
inline constexpr std::size_t k_default_image_bytes = 1000000;
inline constexpr std::string_view k_post_collection = "app.bsky.feed.post";

// A span of the text that is a link, a mention or a hashtag. Offsets are
// UTF-8 bytes, start inclusive, end exclusive (app.bsky.richtext.facet).
struct Facet {
    enum class Kind { link, mention, tag };
    Kind kind;
    std::size_t byte_start;
    std::size_t byte_end;
    std::string value;  // the URL; the handle without '@'; the tag without '#'
};
// Every link, mention and hashtag in `text`, in order, never overlapping.
std::vector<Facet> find_facets(std::string_view text);

// A TID (atproto-website specs/tid): 13 base32-sortable characters of a
// 64-bit value: top bit 0, 53 bits of microseconds, 10 bits of clock id.
std::string make_tid(std::uint64_t micros, unsigned clock_id);
bool is_valid_tid(std::string_view tid);
// The record key of part `part` of a target, derived (not drawn) so that a
// retry whose saved state was lost still finds its own record: the second of
// the post id's UUIDv7 time, plus microseconds and a clock id from a hash of
// the target id (about 30 bits: posts made in the same second, as an import
// makes thousands, do not collide), plus the part number. `fallback` is used
// for post ids that are not UUIDv7s. (It used the millisecond and 10 bits of
// hash: one pair in 1,024 of posts made in the same millisecond collided.)
std::string record_key(std::string_view post_id, std::string_view target_id, std::size_t part,
                       Instant fallback);

// adapter_state: uploaded blobs, then per part the record key and the exact
// record (saved before its request) and, once answered, its uri and cid.
struct PartState {
    std::string rkey;
    nlohmann::json record;
    std::string uri;
    std::string cid;
};
struct ResumeState {
    std::vector<nlohmann::json> blobs;
    std::vector<PartState> parts;
};
// Throws Error(Exit::data) when the state is not ours.
ResumeState parse_state(std::string_view json);
std::string dump_state(const ResumeState& state);

// An XRPC error body {"error": Name, "message": text}; empty fields if absent.
struct XrpcError {
    std::string error;
    std::string message;
};
XrpcError xrpc_error(const net::HttpResponse& response);
// "Name: message", else "HTTP <status>".
std::string error_text(const net::HttpResponse& response);

// Every answer that is not the expected success, classified (design.md §6).
Outcome classify(const net::HttpResponse& response, std::string_view account, std::string_view what,
                 Instant now);
Outcome classify_transport(const net::TransportError& error, std::string_view what);

}  // namespace postsched::adapters::bluesky
