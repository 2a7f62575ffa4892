// Bluesky text rules: facets with UTF-8 byte offsets (links, mentions,
// hashtags as the official client detects them), TID record keys and the
// resume state.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "adapters/bluesky/bluesky_internal.hpp"
#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "core/text_links.hpp"

namespace postsched::adapters::bluesky {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_tag_graphemes = 64;
constexpr std::size_t k_max_tag_bytes = 640;
constexpr const char* k_s32 = "234567abcdefghijklmnopqrstuvwxyz";

bool is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_handle_char(unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-';
}

// A handle: dot-separated labels of letters, digits and '-', not starting or
// ending with '-', at least two labels, the last starting with a letter.
bool is_valid_handle(std::string_view h) {
    if (h.empty() || h.size() > 253 || h.find('.') == std::string_view::npos)
        return false;
    std::size_t start = 0;
    std::string_view last;
    while (start <= h.size()) {
        std::size_t dot = h.find('.', start);
        if (dot == std::string_view::npos)
            dot = h.size();
        const std::string_view label = h.substr(start, dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        last = label;
        start = dot + 1;
    }
    return std::isalpha(static_cast<unsigned char>(last.front())) != 0;
}

// "@handle" at `i` (after the start, whitespace or '('): the span length or 0.
std::size_t mention_at(std::string_view s, std::size_t i) {
    if (s[i] != '@')
        return 0;
    if (i > 0 && !is_space(static_cast<unsigned char>(s[i - 1])) && s[i - 1] != '(')
        return 0;
    std::size_t end = i + 1;
    while (end < s.size() && is_handle_char(static_cast<unsigned char>(s[end])))
        ++end;
    while (end > i + 1 && (s[end - 1] == '.' || s[end - 1] == '-'))
        --end;  // sentence punctuation after the handle
    return is_valid_handle(s.substr(i + 1, end - i - 1)) ? end - i : 0;
}

// "#tag" at `i` (after the start or whitespace): up to whitespace, trailing
// ASCII punctuation dropped, not all digits, not a keycap emoji "#\uFE0F".
std::size_t tag_at(std::string_view s, std::size_t i) {
    if (s[i] != '#')
        return 0;
    if (i > 0 && !is_space(static_cast<unsigned char>(s[i - 1])))
        return 0;
    if (s.substr(i + 1).starts_with("\xEF\xB8\x8F"))
        return 0;
    std::size_t end = i + 1;
    while (end < s.size() && !is_space(static_cast<unsigned char>(s[end])))
        ++end;
    while (end > i + 1 && static_cast<unsigned char>(s[end - 1]) < 0x80 &&
           std::ispunct(static_cast<unsigned char>(s[end - 1]))) {
        --end;
    }
    const std::string_view tag = s.substr(i + 1, end - i - 1);
    if (tag.empty() || tag.size() > k_max_tag_bytes || count_graphemes(tag) > k_max_tag_graphemes)
        return 0;
    bool all_digits = true;
    for (char c : tag)
        all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
    return all_digits ? 0 : end - i;
}

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

// Milliseconds of a UUIDv7 ("0190f3c2-7a1b-7…"), or nullopt.
std::optional<std::uint64_t> uuid_v7_millis(std::string_view id) {
    if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[14] != '7')
        return std::nullopt;
    std::uint64_t ms = 0;
    for (char c : std::string(id.substr(0, 8)) + std::string(id.substr(9, 4))) {
        const char* p =
            std::strchr("0123456789abcdef", std::tolower(static_cast<unsigned char>(c)));
        if (!p || !c)
            return std::nullopt;
        ms = ms << 4 | static_cast<std::uint64_t>(p - "0123456789abcdef");
    }
    return ms;
}

std::string string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::vector<Facet> find_facets(std::string_view text) {
    std::vector<Facet> out;
    for (std::size_t i = 0; i < text.size();) {
        if (const std::size_t n = url_length_at(text, i); n > 0) {
            out.push_back({Facet::Kind::link, i, i + n, std::string(text.substr(i, n))});
            i += n;
        } else if (const std::size_t m = mention_at(text, i); m > 0) {
            out.push_back({Facet::Kind::mention, i, i + m, std::string(text.substr(i + 1, m - 1))});
            i += m;
        } else if (const std::size_t t = tag_at(text, i); t > 0) {
            out.push_back({Facet::Kind::tag, i, i + t, std::string(text.substr(i + 1, t - 1))});
            i += t;
        } else {
            ++i;
        }
    }
    return out;
}

std::string make_tid(std::uint64_t micros, unsigned clock_id) {
    std::uint64_t v = ((micros & ((1ULL << 53) - 1)) << 10) | (clock_id & 0x3FFU);
    std::string out(13, '2');
    for (int i = 12; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = k_s32[v & 31U];
        v >>= 5;
    }
    return out;
}

bool is_valid_tid(std::string_view tid) {
    if (tid.size() != 13 || std::strchr("234567abcdefghij", tid[0]) == nullptr)
        return false;
    for (char c : tid) {
        if (c == '\0' || std::strchr(k_s32, c) == nullptr)
            return false;
    }
    return true;
}

// Record keys spread a target over the first 990,000 microseconds of its
// post's second, leaving room for 10,000 parts after it.
constexpr std::uint64_t k_key_spread = 990000;
constexpr std::uint64_t k_max_parts = 9999;

std::string record_key(std::string_view post_id, std::string_view target_id, std::size_t part,
                       Instant fallback) {
    const std::uint64_t ms = uuid_v7_millis(post_id).value_or(
        static_cast<std::uint64_t>(fallback.time_since_epoch().count()));
    // splitmix64's finaliser over FNV-1a: well-spread bits from a short id.
    std::uint64_t h = fnv1a(target_id);
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
    h ^= h >> 31;
    // The post's second, then ~30 bits from the target: the microseconds
    // within that second and the clock id. Parts follow one microsecond
    // apart, so a thread's keys sort in order.
    const std::uint64_t within = h % k_key_spread + std::min<std::uint64_t>(part, k_max_parts);
    const auto clock_id = static_cast<unsigned>((h >> 40) & 0x3FFU);
    return make_tid(ms / 1000 * 1000000 + within, clock_id);
}

ResumeState parse_state(std::string_view state_json) {
    ResumeState out;
    if (state_json.empty())
        return out;
    const json state = json::parse(state_json, nullptr, false);
    if (state.is_discarded() || !state.is_object())
        throw Error(Exit::data, "bluesky adapter state is not a JSON object");
    if (const auto it = state.find("blobs"); it != state.end() && it->is_array()) {
        for (const auto& blob : *it)
            out.blobs.push_back(blob);
    }
    if (const auto it = state.find("parts"); it != state.end() && it->is_array()) {
        for (const auto& part : *it) {
            if (!part.is_object() || !is_valid_tid(string_field(part, "rkey")) ||
                !part.contains("record") || !part["record"].is_object()) {
                throw Error(Exit::data, "bluesky adapter state has a part without a record key");
            }
            out.parts.push_back({string_field(part, "rkey"), part["record"],
                                 string_field(part, "uri"), string_field(part, "cid")});
        }
    }
    return out;
}

std::string dump_state(const ResumeState& state) {
    json parts = json::array();
    for (const auto& p : state.parts) {
        json item = {{"rkey", p.rkey}, {"record", p.record}};
        if (!p.uri.empty()) {
            item["uri"] = p.uri;
            item["cid"] = p.cid;
        }
        parts.push_back(std::move(item));
    }
    return json{{"blobs", state.blobs}, {"parts", parts}}.dump();
}

}  // namespace postsched::adapters::bluesky
