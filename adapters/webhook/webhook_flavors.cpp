// What differs between the webhook flavors: the request each one sends and how
// each one's answers map to outcomes (design.md §6).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

#include "adapters/webhook/webhook_internal.hpp"
#include "core/errors.hpp"

namespace postsched::adapters::webhook {

namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

constexpr std::size_t k_body_excerpt = 200;
constexpr Seconds k_default_retry{60};
constexpr std::size_t k_discord_max_files = 10;
constexpr int k_discord_unknown_webhook = 10015;
constexpr double k_max_retry_seconds = 366.0 * 24 * 3600;

std::string dump(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json parse_or_discarded(std::string_view body) {
    return json::parse(body.begin(), body.end(), nullptr, false);
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    return std::string(s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1));
}

// The first characters of a body, fit for a message.
std::string excerpt(std::string_view body) {
    return truncate_chars(trim(body), k_body_excerpt);
}

// A string or number member of a JSON object, as text.
std::optional<std::string> text_field(const json& j, const char* key) {
    if (!j.is_object())
        return std::nullopt;
    const auto it = j.find(key);
    if (it == j.end())
        return std::nullopt;
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_number_integer())
        return std::to_string(it->get<long long>());
    return std::nullopt;
}

bool is_2xx(long status) {
    return status >= 200 && status < 300;
}

net::HttpRequest json_post(std::string url, const json& body) {
    net::HttpRequest r;
    r.method = "POST";
    r.url = std::move(url);
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = dump(body);
    return r;
}

// options {"discord": {"username": "..."}} or {"discord.username": "..."}.
std::string discord_username(std::string_view options) {
    const json o = parse_or_discarded(options);
    if (!o.is_object())
        return {};
    if (const auto flat = text_field(o, "discord.username"))
        return *flat;
    if (const auto it = o.find("discord"); it != o.end()) {
        if (const auto nested = text_field(*it, "username"))
            return *nested;
    }
    return {};
}

std::string extension_for(std::string_view content_type) {
    if (content_type == "image/jpeg")
        return "jpg";
    if (content_type == "image/png")
        return "png";
    if (content_type == "image/gif")
        return "gif";
    if (content_type == "image/webp")
        return "webp";
    return "bin";
}

// A file name for an upload: the source's base name when it is a plain one.
std::string file_name(const FetchedMedia& media, std::size_t index) {
    std::string_view s = media.source;
    s = s.substr(0, s.find_first_of("?#"));
    if (const auto slash = s.rfind('/'); slash != std::string_view::npos)
        s.remove_prefix(slash + 1);
    const bool plain =
        !s.empty() && s.find('.') != std::string_view::npos &&
        std::all_of(s.begin(), s.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
        });
    if (plain)
        return std::string(s);
    return "image" + std::to_string(index + 1) + "." + extension_for(media.content_type);
}

void check_discord_media(const std::vector<FetchedMedia>& media) {
    if (media.size() > k_discord_max_files) {
        throw Error(Exit::data, "discord takes at most " + std::to_string(k_discord_max_files) +
                                    " files per message; the post has " +
                                    std::to_string(media.size()));
    }
    for (const auto& m : media) {
        if (m.content_type.rfind("image/", 0) != 0) {
            throw Error(Exit::data, "discord webhooks take images only; " + in_quotes(m.source) +
                                        " is " + in_quotes(m.content_type));
        }
        if (m.bytes.empty())
            throw Error(Exit::data, "media " + in_quotes(m.source) + " is empty");
    }
}

net::HttpRequest build_discord(const PublishRequest& request, std::size_t part,
                               const std::string& url) {
    json payload = {{"content", request.parts.at(part)}};
    if (auto name = discord_username(request.options); !name.empty())
        payload["username"] = name;
    const std::string called = append_query(url, "wait=true");
    if (part != 0 || request.media.empty())
        return json_post(called, payload);

    check_discord_media(request.media);
    std::vector<net::MultipartPart> fields;
    json attachments = json::array();
    for (std::size_t i = 0; i < request.media.size(); ++i) {
        const auto& m = request.media[i];
        const std::string name = file_name(m, i);
        json a = {{"id", i}, {"filename", name}};
        if (!m.alt.empty())
            a["description"] = m.alt;
        fields.push_back({"files[" + std::to_string(i) + "]", m.bytes, name, m.content_type});
        attachments.push_back(std::move(a));
    }
    payload["attachments"] = std::move(attachments);
    fields.insert(fields.begin(), {"payload_json", dump(payload), "", ""});
    const net::MultipartBody body = net::build_multipart(fields);
    net::HttpRequest r;
    r.method = "POST";
    r.url = called;
    r.headers.emplace_back("Content-Type", body.content_type);
    r.body = body.body;
    return r;
}

net::HttpRequest build_slack(const PublishRequest& request, std::size_t part,
                             const std::string& url) {
    if (!request.media.empty())
        throw Error(Exit::data, "slack webhooks take no media");
    return json_post(url, {{"text", request.parts.at(part)}});
}

bool looks_like_url(std::string_view s) {
    return parse_url(s).has_value();
}

net::HttpRequest build_json(const PublishRequest& request, const std::string& url) {
    json media = json::array();
    for (const auto& m : request.media) {
        json item = {{looks_like_url(m.source) ? "url" : "path", m.source}, {"alt", m.alt}};
        if (!m.content_type.empty())
            item["content_type"] = m.content_type;
        media.push_back(std::move(item));
    }
    const json body = {{"post_id", request.post_id},
                       {"target_id", request.target_id},
                       {"text", request.parts.empty() ? std::string() : request.parts.front()},
                       {"parts", request.parts},
                       {"media", std::move(media)}};
    net::HttpRequest r = json_post(url, body);
    r.headers.emplace_back("Idempotency-Key", request.target_id);
    return r;
}

Outcome rate_limited(const net::HttpResponse& response, const json& body, const AnswerContext& c,
                     std::string_view flavor) {
    std::optional<Instant> at;
    if (body.is_object() && body.contains("retry_after") && body["retry_after"].is_number()) {
        const double seconds = body["retry_after"].get<double>();
        if (std::isfinite(seconds) && seconds >= 0 && seconds < k_max_retry_seconds) {
            at = c.now + Millis(static_cast<long long>(std::ceil(seconds * 1000.0)));
        }
    }
    if (!at) {
        if (const auto header = response.header("Retry-After"))
            at = parse_retry_after(*header, c.now);
    }
    return Outcome::failure(
        Kind::rate_limited,
        std::string(flavor) + " rate limit reached for account " + in_quotes(c.account),
        at.value_or(c.now + k_default_retry));
}

// Discord's reason: "message", else field errors ({"content": ["..."]}), else the body.
std::string discord_detail(const net::HttpResponse& response, const json& body) {
    if (const auto message = text_field(body, "message"))
        return *message;
    std::string fields;
    if (body.is_object()) {
        for (const auto& [key, value] : body.items()) {
            if (!value.is_array())
                continue;
            for (const auto& v : value) {
                if (!v.is_string())
                    continue;
                if (!fields.empty())
                    fields += "; ";
                fields += key + ": " + v.get<std::string>();
            }
        }
    }
    if (!fields.empty())
        return fields;
    const std::string text = excerpt(response.body);
    return text.empty() ? "HTTP " + std::to_string(response.status) : text;
}

Outcome classify_discord(const net::HttpResponse& r, const AnswerContext& c) {
    const json body = parse_or_discarded(r.body);
    if (is_2xx(r.status)) {
        return Outcome::posted(text_field(body, "id").value_or(std::string(c.target_id)), "");
    }
    if (r.status == 429)
        return rate_limited(r, body, c, "discord");
    const std::string detail = discord_detail(r, body);
    const std::string hook = "discord webhook of account " + in_quotes(c.account);
    const bool unknown_webhook =
        text_field(body, "code") == std::to_string(k_discord_unknown_webhook);
    if (r.status == 404) {
        const std::string why = unknown_webhook ? "Unknown Webhook" : detail;
        return Outcome::failure(Kind::permanent,
                                hook + " was deleted or the URL is wrong (" + why + ")");
    }
    if (r.status == 401 || r.status == 403) {
        return Outcome::failure(Kind::permanent, hook + " was refused: " + detail);
    }
    if (r.status >= 500) {
        return Outcome::failure(
            Kind::transient, "discord answered HTTP " + std::to_string(r.status) + ": " + detail);
    }
    if (r.status >= 400) {
        return Outcome::failure(Kind::permanent, "discord refused the message: " + detail);
    }
    return Outcome::failure(Kind::permanent,
                            "discord answered unexpected HTTP " + std::to_string(r.status));
}

Outcome classify_slack(const net::HttpResponse& r, const AnswerContext& c) {
    if (is_2xx(r.status))
        return Outcome::posted(std::string(c.target_id), "");
    if (r.status == 429)
        return rate_limited(r, json(), c, "slack");
    const std::string text = excerpt(r.body);
    const std::string hook = "slack webhook of account " + in_quotes(c.account);
    const auto permanent = [](std::string m) { return Outcome::failure(Kind::permanent, m); };
    switch (r.status) {
        case 400:
            return permanent("slack refused the message: " + text);
        case 403:
            return permanent(hook + " was refused: " + text);
        case 404:
            return permanent(hook + " was removed or the URL is wrong: " + text);
        case 410:
            return permanent("slack channel of account " + in_quotes(c.account) +
                             " is archived: " + text);
        default:
            break;
    }
    const std::string status = "slack answered HTTP " + std::to_string(r.status);
    if (r.status >= 500)
        return Outcome::failure(Kind::transient, status + ": " + text);
    return permanent(r.status >= 400 ? status + ": " + text : status);
}

Outcome classify_json(const net::HttpResponse& r, const AnswerContext& c) {
    const json body = parse_or_discarded(r.body);
    if (is_2xx(r.status)) {
        return Outcome::posted(text_field(body, "id").value_or(std::string(c.target_id)),
                               text_field(body, "url").value_or(""));
    }
    if (r.status == 429)
        return rate_limited(r, json(), c, "webhook");
    const std::string status = std::to_string(r.status);
    if (r.status == 408 || r.status >= 500) {
        return Outcome::failure(Kind::transient,
                                "webhook answered HTTP " + status + ": " + excerpt(r.body));
    }
    if (r.status >= 400) {
        return Outcome::failure(
            Kind::permanent, "webhook refused the post (HTTP " + status + "): " + excerpt(r.body));
    }
    return Outcome::failure(Kind::permanent, "webhook answered unexpected HTTP " + status);
}

}  // namespace

net::HttpRequest build_request(WebhookFlavor flavor, const PublishRequest& request,
                               std::size_t part, const std::string& url) {
    switch (flavor) {
        case WebhookFlavor::discord:
            return build_discord(request, part, url);
        case WebhookFlavor::slack:
            return build_slack(request, part, url);
        case WebhookFlavor::json:
            return build_json(request, url);
    }
    throw Error(Exit::software, "unknown webhook flavor");
}

Outcome classify(WebhookFlavor flavor, const net::HttpResponse& response,
                 const AnswerContext& context) {
    switch (flavor) {
        case WebhookFlavor::discord:
            return classify_discord(response, context);
        case WebhookFlavor::slack:
            return classify_slack(response, context);
        case WebhookFlavor::json:
            return classify_json(response, context);
    }
    return Outcome::failure(Kind::permanent, "unknown webhook flavor");
}

}  // namespace postsched::adapters::webhook
