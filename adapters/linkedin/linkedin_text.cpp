// LinkedIn text rules: the "little" format's escaping, the length rule,
// options and resume state.
#include <cctype>

#include <nlohmann/json.hpp>

#include "adapters/linkedin/linkedin_internal.hpp"
#include "core/errors.hpp"
#include "core/text_links.hpp"

namespace postsched::adapters::linkedin {
namespace {

using nlohmann::json;

bool is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Letters and digits, any non-ASCII byte taken as a letter ('_' is reserved).
bool is_tag_char(unsigned char c) {
    return std::isalnum(c) || c >= 0x80;
}

// Length of a hashtag "#word" at `i`, or 0.
std::size_t hashtag_at(std::string_view s, std::size_t i) {
    if (s[i] != '#' || (i > 0 && !is_space(static_cast<unsigned char>(s[i - 1]))))
        return 0;
    std::size_t end = i + 1;
    while (end < s.size() && is_tag_char(static_cast<unsigned char>(s[end])))
        ++end;
    return end > i + 1 ? end - i : 0;
}

}  // namespace

std::string escape_commentary(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (std::size_t i = 0; i < text.size();) {
        if (const std::size_t n = url_length_at(text, i); n > 0) {
            out.append(text.substr(i, n));
            i += n;
        } else if (const std::size_t t = hashtag_at(text, i); t > 0) {
            out.append(text.substr(i, t));
            i += t;
        } else {
            if (k_reserved.find(text[i]) != std::string_view::npos)
                out += '\\';
            out += text[i++];
        }
    }
    return out;
}

std::size_t commentary_length(std::string_view text) {
    std::size_t units = 0;
    for (unsigned char c : escape_commentary(text)) {
        if ((c & 0xC0) != 0x80)
            units += c >= 0xF0 ? 2 : 1;  // a 4-byte sequence is a surrogate pair
    }
    return units;
}

std::string parse_visibility(std::string_view options_json) {
    const json options = json::parse(options_json.empty() ? "{}" : options_json, nullptr, false);
    if (options.is_discarded() || !options.is_object())
        throw Error(Exit::data, "post options are not a JSON object");
    const auto block = options.find("linkedin");
    if (block == options.end() || !block->is_object() || !block->contains("visibility"))
        return "PUBLIC";
    const json& v = (*block)["visibility"];
    std::string value = v.is_string() ? v.get<std::string>() : "";
    for (char& c : value)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (value != "PUBLIC" && value != "CONNECTIONS")
        throw Error(Exit::data, "linkedin visibility " +
                                    in_quotes(v.is_string() ? v.get<std::string>() : v.dump()) +
                                    " is not one of PUBLIC, CONNECTIONS");
    return value;
}

ResumeState parse_state(std::string_view state_json) {
    ResumeState out;
    const json state = json::parse(state_json.empty() ? "{}" : state_json, nullptr, false);
    if (state.is_discarded() || !state.is_object())
        throw Error(Exit::data, "linkedin adapter state is not a JSON object");
    if (const auto it = state.find("images"); it != state.end() && it->is_array()) {
        for (const auto& urn : *it) {
            if (!urn.is_string())
                throw Error(Exit::data, "linkedin adapter state has an image that is not a urn");
            out.images.push_back(urn.get<std::string>());
        }
    }
    out.posting = state.value("posting", false);
    return out;
}

std::string dump_state(const ResumeState& state) {
    return json{{"images", state.images}, {"posting", state.posting}}.dump();
}

std::string post_url(std::string_view urn) {
    return "https://www.linkedin.com/feed/update/" + std::string(urn);
}

}  // namespace postsched::adapters::linkedin
