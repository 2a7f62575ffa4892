// Mastodon text rules: post options, instance limits, length counting as
// StatusLengthValidator does, and the plain-text form settle compares.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <nlohmann/json.hpp>

#include "adapters/mastodon/mastodon_internal.hpp"
#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "core/text_links.hpp"

namespace postsched::adapters::mastodon {
namespace {

using nlohmann::json;

constexpr const char* k_visibilities[] = {"public", "unlisted", "private", "direct"};

bool is_ascii_word(unsigned char c) {
    return std::isalnum(c) || c == '_';
}
// Ruby's [[:word:]] includes non-ASCII letters; any byte of a multi-byte
// sequence is taken as one.
bool is_word(unsigned char c) {
    return is_ascii_word(c) || c >= 0x80;
}
bool is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
            return false;
    }
    return true;
}

// Length of a run like [a-z0-9_]+([.-]+[a-z0-9_]+)* at `i` (0 if none).
std::size_t dotted_run(std::string_view s, std::size_t i, bool (*word)(unsigned char)) {
    std::size_t end = i;
    while (end < s.size() && word(static_cast<unsigned char>(s[end])))
        ++end;
    if (end == i)
        return 0;
    for (;;) {
        std::size_t sep = end;
        while (sep < s.size() && (s[sep] == '.' || s[sep] == '-'))
            ++sep;
        std::size_t more = sep;
        while (more < s.size() && word(static_cast<unsigned char>(s[more])))
            ++more;
        if (sep == end || more == sep)
            return end - i;
        end = more;
    }
}

// A remote mention "@user@domain" at `i`: {whole length, "@user" length}.
std::optional<std::pair<std::size_t, std::size_t>> remote_mention_at(std::string_view s,
                                                                     std::size_t i) {
    if (s[i] != '@')
        return std::nullopt;
    if (i > 0) {
        const unsigned char before = static_cast<unsigned char>(s[i - 1]);
        if (before == '=' || before == '/' || is_word(before))
            return std::nullopt;
    }
    const std::size_t user = dotted_run(s, i + 1, is_ascii_word);
    if (user == 0)
        return std::nullopt;
    const std::size_t at = i + 1 + user;
    if (at >= s.size() || s[at] != '@')
        return std::nullopt;
    const std::size_t domain = dotted_run(s, at + 1, is_word);
    if (domain == 0)
        return std::nullopt;
    return std::pair{at + 1 + domain - i, 1 + user};
}

// `text` with URLs replaced by `url_chars` x's (when given) and remote
// mentions shortened; earlier entities win, as in remove_overlapping_entities.
std::string rewrite_entities(std::string_view text, std::optional<std::size_t> url_chars) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (const std::size_t url = url_length_at(text, i); url > 0) {
            if (url_chars) {
                out.append(*url_chars, 'x');
            } else {
                out.append(text.substr(i, url));
            }
            i += url;
        } else if (const auto mention = remote_mention_at(text, i)) {
            out.append(text.substr(i, mention->second));
            i += mention->first;
        } else {
            out += text[i++];
        }
    }
    return out;
}

std::string collapse_whitespace(std::string_view s) {
    std::string out;
    bool space = false;
    for (char c : s) {
        if (is_space(static_cast<unsigned char>(c))) {
            space = !out.empty();
        } else {
            if (space)
                out += ' ';
            space = false;
            out += c;
        }
    }
    return out;
}

std::string unescape_html(std::string_view s) {
    static constexpr std::pair<std::string_view, char> k_entities[] = {
        {"&amp;", '&'},  {"&lt;", '<'},   {"&gt;", '>'},
        {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}};
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        bool matched = false;
        for (const auto& [entity, c] : k_entities) {
            if (s.substr(i, entity.size()) == entity) {
                out += c;
                i += entity.size();
                matched = true;
                break;
            }
        }
        if (!matched)
            out += s[i++];
    }
    return out;
}

template <typename T>
void read_key(const json& object, const char* key, T& out) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null())
        return;
    if constexpr (std::is_same_v<T, std::size_t>) {
        if (it->is_number_unsigned() || (it->is_number_integer() && it->get<long long>() > 0)) {
            out = it->get<std::size_t>();
        }
    } else {
        if (it->is_array()) {
            out.clear();
            for (const auto& v : *it) {
                if (v.is_string())
                    out.push_back(v.get<std::string>());
            }
        }
    }
}

const json* child(const json& object, const char* key) {
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    return it != object.end() && it->is_object() ? &*it : nullptr;
}

std::string string_option(const json& block, const char* key) {
    const auto it = block.find(key);
    if (it == block.end() || it->is_null())
        return {};
    if (!it->is_string()) {
        throw Error(Exit::data, std::string("mastodon option \"") + key + "\" must be a string");
    }
    return it->get<std::string>();
}

void read_options(const json& block, PostOptions& out) {
    if (block.contains("visibility"))
        out.visibility = string_option(block, "visibility");
    if (block.contains("spoiler_text"))
        out.spoiler_text = string_option(block, "spoiler_text");
    if (block.contains("language"))
        out.language = string_option(block, "language");
    if (const auto it = block.find("sensitive"); it != block.end() && !it->is_null()) {
        if (!it->is_boolean()) {
            throw Error(Exit::data, "mastodon option \"sensitive\" must be true or false");
        }
        out.sensitive = it->get<bool>();
    }
}

}  // namespace

PostOptions parse_post_options(std::string_view options_json) {
    PostOptions out;
    if (options_json.empty())
        return out;
    const json options = json::parse(options_json, nullptr, false);
    if (options.is_discarded() || !options.is_object()) {
        throw Error(Exit::data, "post options are not a JSON object");
    }
    read_options(options, out);
    if (const json* block = child(options, "mastodon"))
        read_options(*block, out);
    if (!out.visibility.empty() && std::find(std::begin(k_visibilities), std::end(k_visibilities),
                                             out.visibility) == std::end(k_visibilities)) {
        throw Error(Exit::data, "mastodon visibility \"" + out.visibility +
                                    "\" is not one of public, unlisted, private, direct");
    }
    if (!is_valid_utf8(out.spoiler_text)) {
        throw Error(Exit::data, "mastodon option \"spoiler_text\" is not valid UTF-8");
    }
    return out;
}

InstanceLimits limits_from_settings(std::string_view settings_json) {
    InstanceLimits out;
    const json settings = json::parse(settings_json, nullptr, false);
    if (settings.is_discarded() || !settings.is_object())
        return out;
    read_key(settings, "max_characters", out.max_characters);
    read_key(settings, "url_chars", out.url_chars);
    read_key(settings, "max_media", out.max_media);
    read_key(settings, "image_size_limit", out.image_size_limit);
    read_key(settings, "video_size_limit", out.video_size_limit);
    read_key(settings, "mime_types", out.mime_types);
    return out;
}

std::optional<InstanceLimits> limits_from_instance(std::string_view body) {
    const json instance = json::parse(body, nullptr, false);
    if (instance.is_discarded() || !instance.is_object())
        return std::nullopt;
    InstanceLimits out;
    const json* configuration = child(instance, "configuration");
    const json* statuses = configuration ? child(*configuration, "statuses") : nullptr;
    if (statuses && statuses->contains("max_characters")) {
        read_key(*statuses, "max_characters", out.max_characters);
        read_key(*statuses, "characters_reserved_per_url", out.url_chars);
        read_key(*statuses, "max_media_attachments", out.max_media);
    } else if (instance.contains("max_toot_chars")) {
        read_key(instance, "max_toot_chars", out.max_characters);
    } else {
        return std::nullopt;
    }
    if (const json* media = configuration ? child(*configuration, "media_attachments") : nullptr) {
        read_key(*media, "image_size_limit", out.image_size_limit);
        read_key(*media, "video_size_limit", out.video_size_limit);
        read_key(*media, "supported_mime_types", out.mime_types);
    }
    return out;
}

std::string settings_with_limits(std::string_view old_settings, const InstanceLimits& limits) {
    json settings = json::parse(old_settings, nullptr, false);
    if (settings.is_discarded() || !settings.is_object())
        settings = json::object();
    settings["max_characters"] = limits.max_characters;
    settings["url_chars"] = limits.url_chars;
    settings["max_media"] = limits.max_media;
    settings["image_size_limit"] = limits.image_size_limit;
    settings["video_size_limit"] = limits.video_size_limit;
    if (!limits.mime_types.empty())
        settings["mime_types"] = limits.mime_types;
    return settings.dump();
}

std::size_t status_length(std::string_view spoiler, std::string_view text, std::size_t url_chars) {
    return count_graphemes(std::string(spoiler) + rewrite_entities(text, url_chars));
}

std::string comparable_from_text(std::string_view text) {
    return collapse_whitespace(rewrite_entities(text, std::nullopt));
}

std::string comparable_from_html(std::string_view html) {
    std::string text;
    for (std::size_t i = 0; i < html.size();) {
        if (html[i] != '<') {
            text += html[i++];
            continue;
        }
        const std::size_t close = html.find('>', i);
        if (close == std::string_view::npos)
            break;
        const std::string_view tag = html.substr(i, close - i + 1);
        if (starts_with_ci(tag, "<br") || starts_with_ci(tag, "</p"))
            text += '\n';
        i = close + 1;
    }
    return comparable_from_text(unescape_html(text));
}

ResumeState parse_state(std::string_view state_json) {
    ResumeState out;
    if (state_json.empty())
        return out;
    const json state = json::parse(state_json, nullptr, false);
    if (state.is_discarded() || !state.is_object()) {
        throw Error(Exit::data, "mastodon adapter state is not a JSON object");
    }
    if (const auto it = state.find("parts"); it != state.end() && it->is_array()) {
        for (const auto& part : *it) {
            if (!part.is_object() || !part.contains("id") || !part["id"].is_string()) {
                throw Error(Exit::data, "mastodon adapter state has a part without an id");
            }
            out.parts.push_back({part["id"].get<std::string>(), part.value("url", std::string())});
        }
    }
    read_key(state, "media_ids", out.media_ids);
    read_key(state, "media_pending", out.media_pending);
    if (const auto it = state.find("inflight"); it != state.end() && it->is_number_unsigned()) {
        out.inflight = it->get<std::size_t>();
        out.inflight_at = Instant(Millis(state.value("inflight_at_ms", 0LL)));
    }
    return out;
}

std::string dump_state(const ResumeState& state) {
    json parts = json::array();
    for (const auto& part : state.parts)
        parts.push_back({{"id", part.id}, {"url", part.url}});
    json out = {{"parts", parts}, {"media_ids", state.media_ids}};
    if (!state.media_pending.empty())
        out["media_pending"] = state.media_pending;
    if (state.inflight) {
        out["inflight"] = *state.inflight;
        out["inflight_at_ms"] = state.inflight_at.time_since_epoch().count();
    }
    return out.dump();
}

}  // namespace postsched::adapters::mastodon
