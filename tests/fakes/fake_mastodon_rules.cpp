// The fake Mastodon's content rules and entity rendering.
#include <date/date.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/text_count.hpp"
#include "fakes/fake_mastodon_internal.hpp"

namespace postsched::fakes::mastodon_rules {
namespace {

using nlohmann::json;

// Deliberately simpler than the adapter's scanner (ASCII classes only).
const std::regex k_url_re(R"(https?://[^\s<>"]*[^\s<>".,;:!?'()])", std::regex::icase);
const std::regex k_remote_mention_re(R"((^|[^=/\w])@(\w+(?:[.\-]+\w+)*)@\w+(?:[.\-]+\w+)*)");
const std::regex k_entity_re(
    R"(https?://[^\s<>"]*[^\s<>".,;:!?'()]|@(\w+(?:[.\-]+\w+)*)(?:@(\w+(?:[.\-]+\w+)*))?)",
    std::regex::icase);

std::string escape_html(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '\n':
                out += "<br />";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string link_html(const std::string& url) {
    const auto scheme_end = url.find("://") + 3;
    return "<a href=\"" + escape_html(url) +
           "\" rel=\"nofollow noopener\" target=\"_blank\"><span class=\"invisible\">" +
           escape_html(url.substr(0, scheme_end)) + "</span><span class=\"\">" +
           escape_html(url.substr(scheme_end)) + "</span><span class=\"invisible\"></span></a>";
}

std::string mention_html(const std::string& user, const std::string& domain) {
    const std::string host = domain.empty() ? "local.example" : domain;
    return "<span class=\"h-card\"><a href=\"https://" + escape_html(host) + "/@" +
           escape_html(user) + "\" class=\"u-url mention\">@<span>" + escape_html(user) +
           "</span></a></span>";
}

}  // namespace

std::size_t status_length(const std::string& spoiler, const std::string& text) {
    std::string countable = std::regex_replace(text, k_url_re, std::string(23, 'x'));
    countable = std::regex_replace(countable, k_remote_mention_re, "$1@$2");
    return count_graphemes(spoiler + countable);
}

std::string render_content(const std::string& text) {
    std::string html = "<p>";
    auto begin = std::sregex_iterator(text.begin(), text.end(), k_entity_re);
    std::size_t done = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        const auto at = static_cast<std::size_t>(m.position(0));
        if (at > 0 && std::isalnum(static_cast<unsigned char>(text[at - 1])))
            continue;
        html += escape_html(text.substr(done, at - done));
        html += m[1].matched ? mention_html(m[1].str(), m[2].str()) : link_html(m[0].str());
        done = at + static_cast<std::size_t>(m.length(0));
    }
    html += escape_html(text.substr(done));
    return html + "</p>";
}

std::string iso_micro(Instant at) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(at);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(at - seconds);
    char frac[8];
    std::snprintf(frac, sizeof frac, "%06lld", static_cast<long long>(micros.count()));
    return date::format("%Y-%m-%dT%H:%M:%S", seconds) + "." + frac + "Z";
}

std::string iso_millis(Instant at) {
    return date::format("%Y-%m-%dT%H:%M:%SZ", at);
}

std::string status_json(const FakeStatus& status, const std::string& base_url,
                        const std::string& username) {
    json media = json::array();
    for (const auto& id : status.media_ids) {
        media.push_back({{"id", id}, {"type", "unknown"}, {"url", base_url + "/media/" + id}});
    }
    return json{
        {"id", status.id},
        {"created_at", iso_millis(status.created_at)},
        {"in_reply_to_id",
         status.in_reply_to_id.empty() ? json(nullptr) : json(status.in_reply_to_id)},
        {"sensitive", status.sensitive},
        {"spoiler_text", status.spoiler_text},
        {"visibility", status.visibility},
        {"language", status.language.empty() ? json(nullptr) : json(status.language)},
        {"uri", base_url + "/users/" + username + "/statuses/" + status.id},
        {"url", base_url + "/@" + username + "/" + status.id},
        {"content", render_content(status.text)},
        {"media_attachments", media},
        {"account", {{"id", status.account_id}, {"username", username}, {"acct", username}}},
    }
        .dump();
}

std::string media_json(const FakeMedia& media, const std::string& base_url, bool ready) {
    const bool video = media.content_type.starts_with("video/");
    return json{
        {"id", media.id},
        {"type", video ? "video" : "image"},
        {"url", ready ? json(base_url + "/media/" + media.id) : json(nullptr)},
        {"preview_url", base_url + "/media/small/" + media.id},
        {"description", media.description.empty() ? json(nullptr) : json(media.description)},
        {"blurhash", "UFBWY:8_0Jxv"},
    }
        .dump();
}

std::optional<StatusParams> status_params_from_json(const std::string& body) {
    const json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return std::nullopt;
    const auto text = [&](const char* key) {
        return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
    };
    StatusParams p{text("status"),
                   text("in_reply_to_id"),
                   text("visibility"),
                   text("spoiler_text"),
                   text("language"),
                   false,
                   {}};
    p.sensitive =
        j.contains("sensitive") && j["sensitive"].is_boolean() && j["sensitive"].get<bool>();
    if (j.contains("media_ids")) {
        if (!j["media_ids"].is_array())
            return std::nullopt;
        for (const auto& id : j["media_ids"]) {
            p.media_ids.push_back(id.is_string() ? id.get<std::string>() : id.dump());
        }
    }
    return p;
}

StatusParams status_params_from_fields(
    const std::function<std::vector<std::string>(const std::string&)>& values) {
    const auto first = [&](const std::string& name) {
        const auto all = values(name);
        return all.empty() ? std::string() : all.front();
    };
    return StatusParams{first("status"),      first("in_reply_to_id"),
                        first("visibility"),  first("spoiler_text"),
                        first("language"),    first("sensitive") == "true",
                        values("media_ids[]")};
}

std::string invalid_status(const StatusParams& p, const std::vector<FakeMedia>& media,
                           const std::string& account_id, std::size_t max_characters) {
    if (p.media_ids.size() > 4)
        return "Validation failed: You can attach up to 4 files";
    for (const auto& id : p.media_ids) {
        const auto it = std::find_if(media.begin(), media.end(), [&](const FakeMedia& m) {
            return m.id == id && m.account_id == account_id;
        });
        if (it == media.end())
            return "Validation failed: Media " + id + " not found";
        if (it->polls_left > 0) {
            return "Cannot attach files that have not finished processing. Try again in a moment!";
        }
    }
    const bool blank = p.status.find_first_not_of(" \t\r\n") == std::string::npos;
    if (blank && p.media_ids.empty())
        return "Validation failed: Text can't be blank";
    static const std::vector<std::string> k_visibilities = {"public", "unlisted", "private",
                                                            "direct"};
    if (!p.visibility.empty() && std::find(k_visibilities.begin(), k_visibilities.end(),
                                           p.visibility) == k_visibilities.end()) {
        return "Validation failed: Visibility is not included in the list";
    }
    if (status_length(p.spoiler_text, p.status) > max_characters) {
        return "Validation failed: Text character limit of " + std::to_string(max_characters) +
               " exceeded";
    }
    return {};
}

}  // namespace postsched::fakes::mastodon_rules
