// One publish (or settle) of a target on LinkedIn: image uploads
// (initializeUpload + PUT), then POST /rest/posts; resume state saved after
// each upload and before the post request.
#include "adapters/linkedin/linkedin_publish.hpp"

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "core/time_format.hpp"

namespace postsched::adapters::linkedin {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// Recent posts searched by settle, and the clock skew allowed.
constexpr int k_lookup_count = 20;
constexpr Millis k_lookup_slack = std::chrono::minutes(1);

std::string field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

net::HttpResponse Api::send(const std::string& method, const std::string& url_or_path,
                            std::string_view what, std::string body,
                            const std::string& content_type, net::Headers extra) const {
    net::HttpRequest request;
    request.method = method;
    const bool absolute = url_or_path.find("://") != std::string::npos;
    request.url = absolute ? url_or_path : base + url_or_path;
    request.timeout = timeout;
    request.headers = std::move(extra);
    request.headers.emplace_back("Authorization", "Bearer " + token);
    if (!absolute && url_or_path.starts_with("/rest/")) {
        request.headers.emplace_back("LinkedIn-Version", version);
        request.headers.emplace_back("X-Restli-Protocol-Version", "2.0.0");
    }
    if (!content_type.empty())
        request.headers.emplace_back("Content-Type", content_type);
    request.body = std::move(body);
    try {
        return http.send(request);
    } catch (const net::TransportError& error) {
        throw Stop{classify_transport(error, what)};
    } catch (const Error& error) {
        throw Stop{Outcome::failure(Kind::permanent, error.what())};
    }
}

Publication::Publication(Api api, const PublishRequest& request, const SaveState& save)
    : m_api(std::move(api)), m_request(request), m_save(save) {}

std::optional<Outcome> Publication::prepare() {
    m_author = m_request.account.platform_account_id;
    if (!m_author.starts_with("urn:li:person:") && !m_author.starts_with("urn:li:organization:")) {
        return Outcome::failure(Kind::permanent, "linkedin account " +
                                                     in_quotes(m_request.account.name) +
                                                     " has no author urn (add it again)");
    }
    if (m_request.parts.size() > 1) {
        return Outcome::failure(Kind::permanent, "linkedin cannot publish threads (this post has " +
                                                     std::to_string(m_request.parts.size()) +
                                                     " parts)");
    }
    const std::string text = m_request.parts.empty() ? "" : m_request.parts.front();
    if (!is_valid_utf8(text))
        return Outcome::failure(Kind::permanent, "the text is not valid UTF-8");
    try {
        m_visibility = parse_visibility(m_request.options);
        m_state = parse_state(m_request.adapter_state);
    } catch (const Error& error) {
        return Outcome::failure(Kind::permanent, error.what());
    }
    m_commentary = escape_commentary(text);
    return std::nullopt;
}

Outcome Publication::run() {
    if (auto bad = prepare())
        return *bad;
    try {
        if (auto stop = upload_images())
            return *stop;
        return create_post();
    } catch (const Stop& stop) {
        return stop.outcome;
    }
}

Outcome Publication::answered(const net::HttpResponse& response, std::string_view what) const {
    return classify(response, m_request.account.name, what, m_api.version, m_api.clock.now());
}

void Publication::save_state() const {
    m_save(dump_state(m_state));
}

std::optional<Outcome> Publication::upload_images() {
    for (std::size_t k = m_state.images.size(); k < m_request.media.size(); ++k) {
        if (auto stop = upload_one(k))
            return stop;
    }
    return std::nullopt;
}

std::optional<Outcome> Publication::upload_one(std::size_t k) {
    const FetchedMedia& media = m_request.media[k];
    const std::string what = "the upload of " + in_quotes(media.source);
    const json init = {{"initializeUploadRequest", {{"owner", m_author}}}};
    const auto started = m_api.send("POST", "/rest/images?action=initializeUpload", what,
                                    init.dump(), "application/json");
    if (started.status != 200)
        return answered(started, what);
    const json body = json::parse(started.body, nullptr, false);
    const json value = body.is_object() ? body.value("value", json()) : json();
    const std::string url = value.is_object() ? field(value, "uploadUrl") : "";
    const std::string urn = value.is_object() ? field(value, "image") : "";
    if (url.empty() || !urn.starts_with("urn:li:image:"))
        return answered(started, what);
    const auto put = m_api.send("PUT", url, what, media.bytes, media.content_type);
    if (put.status < 200 || put.status >= 300)
        return answered(put, what);
    m_state.images.push_back(urn);
    save_state();  // a retry never uploads this image again
    return std::nullopt;
}

std::string Publication::post_body() const {
    json body = {{"author", m_author},
                 {"commentary", m_commentary},
                 {"visibility", m_visibility},
                 {"distribution",
                  {{"feedDistribution", "MAIN_FEED"},
                   {"targetEntities", json::array()},
                   {"thirdPartyDistributionChannels", json::array()}}},
                 {"lifecycleState", "PUBLISHED"},
                 {"isReshareDisabledByAuthor", false}};
    const auto alt = [&](std::size_t k) {
        return k < m_request.media.size() ? m_request.media[k].alt : std::string();
    };
    if (m_state.images.size() == 1) {
        body["content"] = {{"media", {{"id", m_state.images[0]}, {"altText", alt(0)}}}};
    } else if (m_state.images.size() > 1) {
        json images = json::array();
        for (std::size_t k = 0; k < m_state.images.size(); ++k)
            images.push_back({{"id", m_state.images[k]}, {"altText", alt(k)}});
        body["content"] = {{"multiImage", {{"images", images}}}};
    }
    return body.dump();
}

Outcome Publication::create_post() {
    const std::string what = "the post";
    if (!m_state.posting) {
        m_state.posting = true;  // from here on the post may exist: settle looks it up
        save_state();
    }
    const auto response = m_api.send("POST", "/rest/posts", what, post_body(), "application/json");
    if (response.status == 201) {
        if (const auto urn = response.header("x-restli-id"); urn && urn->starts_with("urn:li:"))
            return Outcome::posted(*urn, post_url(*urn));
    }
    return answered(response, what);
}

Outcome Publication::settle(Instant sending_since) {
    if (auto bad = prepare())
        return *bad;
    if (!m_state.posting)
        return run();  // the post request never started
    const std::string what = "the lookup of recent posts";
    try {
        const auto response = m_api.send("GET",
                                         "/rest/posts?author=" + net::url_encode(m_author) +
                                             "&q=author&count=" + std::to_string(k_lookup_count) +
                                             "&sortBy=LAST_MODIFIED",
                                         what, {}, {}, {{"X-RestLi-Method", "FINDER"}});
        if (response.status != 200)
            return answered(response, what);
        const json body = json::parse(response.body, nullptr, false);
        if (!body.is_object() || !body.contains("elements") || !body["elements"].is_array())
            return answered(response, what);
        const long long since_ms = (sending_since - k_lookup_slack).time_since_epoch().count();
        for (const auto& post : body["elements"]) {
            if (!post.is_object() || field(post, "commentary") != m_commentary)
                continue;
            const json created = post.value("createdAt", json());
            if (created.is_number_integer() && created.get<long long>() < since_ms)
                continue;
            const std::string urn = field(post, "id");
            if (urn.starts_with("urn:li:"))
                return Outcome::posted(urn, post_url(urn));
        }
    } catch (const Stop& stop) {
        return stop.outcome;
    }
    return Outcome::failure(Kind::unknown,
                            "linkedin has no idempotency key and nothing matching the post was "
                            "found among the " +
                                std::to_string(k_lookup_count) + " latest posts of account " +
                                in_quotes(m_request.account.name) + " since " +
                                format_instant(sending_since - k_lookup_slack));
}

}  // namespace postsched::adapters::linkedin
