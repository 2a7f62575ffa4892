// One publish (or late settle) of a target on a Mastodon instance: media
// uploads, a reply chain of statuses, resume state saved after every step.
#include "adapters/mastodon/mastodon_publish.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "core/time_format.hpp"

namespace postsched::adapters::mastodon {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// Statuses searched when settling after the idempotency window.
constexpr int k_lookup_limit = 40;
// Clock skew allowed between our `sending_since` and the instance's created_at.
constexpr Millis k_lookup_slack = std::chrono::minutes(1);

// A file name for the upload: the source's last path segment, or a generic one.
std::string upload_name(const FetchedMedia& media) {
    std::string_view source = media.source;
    source = source.substr(0, source.find_first_of("?#"));
    if (const auto slash = source.find_last_of('/'); slash != std::string_view::npos) {
        source.remove_prefix(slash + 1);
    }
    if (!source.empty() && source.find('.') != std::string_view::npos)
        return std::string(source);
    const std::string_view type = media.content_type;
    const auto sub = type.find('/');
    return "media." + std::string(sub == std::string_view::npos ? "bin" : type.substr(sub + 1));
}

}  // namespace

net::HttpResponse Api::send(const std::string& method, const std::string& path,
                            std::string_view what, std::string body,
                            const std::string& content_type, net::Headers extra) const {
    net::HttpRequest request;
    request.method = method;
    request.url = base + path;
    request.timeout = timeout;
    request.headers = std::move(extra);
    request.headers.emplace_back("Accept", "application/json");
    if (!token.empty())
        request.headers.emplace_back("Authorization", "Bearer " + token);
    if (!content_type.empty())
        request.headers.emplace_back("Content-Type", content_type);
    request.body = std::move(body);
    try {
        return http.send(request);
    } catch (const net::TransportError& error) {
        throw Stop{classify_transport(error, what), error.maybe_delivered()};
    } catch (const Error& error) {
        throw Stop{Outcome::failure(Kind::permanent, error.what())};  // refused URL
    }
}

Publication::Publication(Api api, const PublishRequest& request, const SaveState& save,
                         const MastodonTuning& tuning)
    : m_api(std::move(api)), m_request(request), m_save(save), m_tuning(tuning) {
    m_parts = request.parts.empty() ? std::vector<std::string>{""} : request.parts;
}

std::optional<Outcome> Publication::prepare() {
    try {
        m_options = parse_post_options(m_request.options);
        m_state = parse_state(m_request.adapter_state);
    } catch (const Error& error) {
        return Outcome::failure(Kind::permanent, error.what());
    }
    m_limits = limits_from_settings(m_request.account.settings);
    for (std::size_t i = 0; i < m_parts.size(); ++i) {
        if (!is_valid_utf8(m_parts[i])) {
            return Outcome::failure(Kind::permanent, part_name(i) + " is not valid UTF-8");
        }
    }
    return std::nullopt;
}

Outcome Publication::run() {
    if (auto bad = prepare())
        return *bad;
    try {
        if (m_state.parts.empty()) {
            if (auto stop = upload_media())
                return *stop;
            if (auto stop = await_media())
                return *stop;
        }
        return post_remaining();
    } catch (const Stop& stop) {
        return stop.outcome;
    }
}

Outcome Publication::post_remaining() {
    for (std::size_t i = m_state.parts.size(); i < m_parts.size(); ++i) {
        if (auto stop = post_part(i))
            return *stop;
    }
    return Outcome::posted(m_state.parts.front().id, m_state.parts.front().url);
}

std::string Publication::part_name(std::size_t i) const {
    if (m_parts.size() == 1)
        return "the status";
    return "part " + std::to_string(i + 1) + " of " + std::to_string(m_parts.size());
}

Outcome Publication::answered(const net::HttpResponse& response, std::string_view what) const {
    return classify(response, m_request.account.name, what, m_api.clock.now());
}

void Publication::save_state() const {
    m_save(dump_state(m_state));
}

std::optional<Outcome> Publication::upload_media() {
    for (std::size_t k = m_state.media_ids.size(); k < m_request.media.size(); ++k) {
        if (auto stop = upload_one(k))
            return stop;
    }
    return std::nullopt;
}

std::optional<Outcome> Publication::upload_one(std::size_t k) {
    const FetchedMedia& media = m_request.media[k];
    const std::string what = "media " + in_quotes(upload_name(media));
    const bool video = media.content_type.starts_with("video/");
    const std::size_t limit = video ? m_limits.video_size_limit : m_limits.image_size_limit;
    if (media.bytes.size() > limit) {
        return Outcome::failure(
            Kind::permanent, what + " is " + std::to_string(media.bytes.size()) +
                                 " bytes, over the instance's limit of " + std::to_string(limit));
    }
    std::vector<net::MultipartPart> fields = {
        {"file", media.bytes, upload_name(media), media.content_type}};
    if (!media.alt.empty())
        fields.push_back({"description", media.alt, "", ""});
    net::MultipartBody body = net::build_multipart(fields);
    const net::HttpResponse response =
        m_api.send("POST", "/api/v2/media", what, std::move(body.body), body.content_type);
    if (response.status != 200 && response.status != 202)
        return answered(response, what);
    const auto uploaded = parse_status(response.body);  // media answers carry an id too
    if (!uploaded)
        return answered(response, what);
    // Saved before the status request, so a retry reuses the upload.
    m_state.media_ids.push_back(uploaded->id);
    if (response.status == 202)
        m_state.media_pending.push_back(uploaded->id);
    save_state();
    return std::nullopt;
}

std::optional<Outcome> Publication::await_media() {
    for (int attempt = 0; !m_state.media_pending.empty(); ++attempt) {
        if (attempt >= m_tuning.media_poll_attempts) {
            // Waiting on processing is not a failed attempt (design.md §3):
            // `waiting` defers only this target, without counting an attempt
            // or holding the account; the media ids are saved, so the retry
            // only polls again.
            return Outcome::failure(
                Kind::waiting,
                pending_name(m_state.media_pending.front()) + " still processing on the instance",
                m_api.clock.now() + m_tuning.media_retry_delay);
        }
        std::this_thread::sleep_for(m_tuning.media_poll_interval);
        if (auto stop = poll_pending())
            return stop;
    }
    return std::nullopt;
}

std::string Publication::pending_name(const std::string& id) const {
    const auto it = std::find(m_state.media_ids.begin(), m_state.media_ids.end(), id);
    const auto k = static_cast<std::size_t>(it - m_state.media_ids.begin());
    if (k < m_request.media.size())
        return "media " + in_quotes(upload_name(m_request.media[k]));
    return "media " + in_quotes(id);
}

std::optional<Outcome> Publication::poll_pending() {
    std::vector<std::string> still;
    for (const auto& id : m_state.media_pending) {
        const std::string what = "media " + in_quotes(id);
        const net::HttpResponse response =
            m_api.send("GET", "/api/v1/media/" + net::url_encode(id), what);
        if (response.status == 206) {
            still.push_back(id);
        } else if (response.status != 200) {
            return answered(response, what);
        }
    }
    if (still.size() != m_state.media_pending.size()) {
        m_state.media_pending = std::move(still);
        save_state();
    }
    return std::nullopt;
}

std::string Publication::status_body(std::size_t i) const {
    json body = {{"status", m_parts[i]}};
    if (i == 0 && !m_state.media_ids.empty())
        body["media_ids"] = m_state.media_ids;
    if (i > 0)
        body["in_reply_to_id"] = m_state.parts[i - 1].id;
    if (!m_options.visibility.empty())
        body["visibility"] = m_options.visibility;
    if (!m_options.spoiler_text.empty())
        body["spoiler_text"] = m_options.spoiler_text;
    if (m_options.sensitive)
        body["sensitive"] = *m_options.sensitive;
    if (!m_options.language.empty())
        body["language"] = m_options.language;
    return body.dump();
}

std::optional<Outcome> Publication::post_part(std::size_t i) {
    if (auto stop = resolve_inflight(i))
        return stop;
    if (m_state.parts.size() > i)
        return std::nullopt;  // found: the earlier request did create it
    const std::string what = part_name(i);
    net::Headers headers;
    // Stable per target and part: a repeat within the hour returns the
    // status the first request created instead of posting again.
    if (!m_request.target_id.empty()) {
        headers.emplace_back("Idempotency-Key", m_request.target_id + "-" + std::to_string(i));
    }
    net::HttpResponse response;
    try {
        response = m_api.send("POST", "/api/v1/statuses", what, status_body(i), "application/json",
                              std::move(headers));
    } catch (const Stop& stop) {
        if (stop.maybe_delivered)
            mark_inflight(i);
        throw;
    }
    if (response.status == 200) {
        if (const auto status = parse_status(response.body)) {
            m_state.parts.push_back({status->id, status->url});
            m_state.inflight.reset();
            save_state();
            return std::nullopt;
        }
    }
    // An unreadable 200 or a server error may still have created the status.
    if (response.status == 200 || response.status >= 500)
        mark_inflight(i);
    return answered(response, what);
}

void Publication::mark_inflight(std::size_t i) {
    if (m_state.inflight != i) {
        m_state.inflight = i;
        m_state.inflight_at = m_api.clock.now();  // the first request: the key's hour starts here
    }
    save_state();
}

std::optional<Outcome> Publication::resolve_inflight(std::size_t i) {
    if (m_state.inflight != i || m_api.clock.now() - m_state.inflight_at < k_idempotency_window)
        return std::nullopt;  // nothing pending, or the key still answers for it
    const Lookup lookup = find_sent(i, m_state.inflight_at);
    const std::string lost = part_name(i) + " may have reached mastodon at " +
                             format_instant(m_state.inflight_at) +
                             " without an answer; its Idempotency-Key has expired and ";
    const std::string then = ": check the account, then `postsched target resolve`";
    if (lookup.found) {
        m_state.parts.push_back({lookup.found->id, lookup.found->url});
    } else if (!lookup.complete) {
        return Outcome::failure(Kind::unknown, lost + "the " + std::to_string(k_lookup_limit) +
                                                   " latest statuses of account " +
                                                   in_quotes(m_request.account.name) +
                                                   " do not reach back that far" + then);
    } else if (m_options.visibility == "direct") {
        // Direct messages need not be among an account's listed statuses:
        // not finding one proves nothing.
        return Outcome::failure(Kind::unknown,
                                lost + "a direct message cannot be looked up" + then);
    }
    // Found, or the statuses since then are all listed and it is not among
    // them: the earlier request created nothing, so this one is a first.
    m_state.inflight.reset();
    save_state();
    return std::nullopt;
}

Outcome Publication::settle_by_lookup(Instant sending_since) {
    if (auto bad = prepare())
        return *bad;
    if (m_state.parts.size() >= m_parts.size())
        return post_remaining();
    const std::size_t k = m_state.parts.size();
    try {
        const auto sent = find_sent(k, sending_since).found;
        if (!sent) {
            return Outcome::failure(
                Kind::unknown, "mastodon's idempotency window has passed and nothing matching " +
                                   part_name(k) + " was found among the " +
                                   std::to_string(k_lookup_limit) + " latest statuses of account " +
                                   in_quotes(m_request.account.name) + " since " +
                                   format_instant(sending_since - k_lookup_slack));
        }
        m_state.parts.push_back({sent->id, sent->url});
        save_state();
        return post_remaining();
    } catch (const Stop& stop) {
        return stop.outcome;
    }
}

std::optional<Outcome> Publication::find_earlier() {
    if (auto bad = prepare())
        return bad;
    try {
        const auto sent = find_sent(0, Instant{} + k_lookup_slack).found;
        if (!sent)
            return std::nullopt;
        m_state.parts.push_back({sent->id, sent->url});
        save_state();
        return post_remaining();
    } catch (const Stop&) {
        return std::nullopt;  // no lookup: publish with the derived Idempotency-Key
    }
}

Publication::Lookup Publication::find_sent(std::size_t k, Instant sending_since) {
    const std::string what = "the lookup of recent statuses";
    const std::string path = "/api/v1/accounts/" +
                             net::url_encode(m_request.account.platform_account_id) +
                             "/statuses?limit=" + std::to_string(k_lookup_limit);
    const net::HttpResponse response = m_api.send("GET", path, what);
    if (response.status != 200)
        throw Stop{answered(response, what)};
    const auto statuses = parse_status_list(response.body);
    if (!statuses)
        throw Stop{answered(response, what)};
    const Instant since = sending_since - k_lookup_slack;
    const std::string wanted = comparable_from_text(m_parts[k]);
    Lookup lookup;
    lookup.complete = statuses->size() < static_cast<std::size_t>(k_lookup_limit);
    for (const auto& status : *statuses) {  // newest first: the last match is the oldest
        const auto created = parse_offset_instant(status.created_at);
        if (created && *created < since)
            lookup.complete = true;  // the list reaches back past `since`
        if (!created || *created < since)
            continue;
        if (k > 0 && status.in_reply_to_id != m_state.parts[k - 1].id)
            continue;
        if (comparable_from_html(status.content) == wanted)
            lookup.found = status;
    }
    return lookup;
}

}  // namespace postsched::adapters::mastodon
