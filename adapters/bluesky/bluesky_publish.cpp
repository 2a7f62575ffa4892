// One publish (or settle) of a target on Bluesky: blob uploads, then a reply
// chain of app.bsky.feed.post records written with putRecord under record
// keys saved before each request, so no retry can ever make a second post.
#include "adapters/bluesky/bluesky_publish.hpp"

#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "core/time_format.hpp"
#include "media/image_size.hpp"

namespace postsched::adapters::bluesky {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

std::string string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json strong_ref(const PartState& part) {
    return {{"uri", part.uri}, {"cid", part.cid}};
}

const char* feature_type(Facet::Kind kind) {
    switch (kind) {
        case Facet::Kind::link:
            return "app.bsky.richtext.facet#link";
        case Facet::Kind::mention:
            return "app.bsky.richtext.facet#mention";
        case Facet::Kind::tag:
            break;
    }
    return "app.bsky.richtext.facet#tag";
}

}  // namespace

std::vector<std::string> parse_langs(std::string_view options_json) {
    std::vector<std::string> langs;
    const json options = json::parse(options_json.empty() ? "{}" : options_json, nullptr, false);
    if (options.is_discarded() || !options.is_object())
        throw Error(Exit::data, "post options are not a JSON object");
    if (const auto it = options.find("language"); it != options.end() && !it->is_null()) {
        if (!it->is_string())
            throw Error(Exit::data, "option \"language\" must be a string");
        langs.push_back(it->get<std::string>());
    }
    const auto block = options.find("bluesky");
    if (block != options.end() && block->is_object() && block->contains("langs")) {
        json list = (*block)["langs"];
        if (list.is_string()) {  // --option bluesky.langs=en,de
            const std::string text = list.get<std::string>();
            list = json::array();
            for (std::size_t start = 0; start <= text.size();) {
                const std::size_t comma = std::min(text.find(',', start), text.size());
                list.push_back(text.substr(start, comma - start));
                start = comma + 1;
            }
        }
        if (!list.is_array() || list.size() > 3)
            throw Error(Exit::data, "bluesky option \"langs\" must be a list of at most 3 tags");
        langs.clear();
        for (const auto& lang : list) {
            if (!lang.is_string())
                throw Error(Exit::data, "bluesky option \"langs\" must hold strings");
            langs.push_back(lang.get<std::string>());
        }
    }
    return langs;
}

net::HttpResponse Api::send(const std::string& method, const std::string& nsid_and_query,
                            std::string_view what, std::string body,
                            const std::string& content_type) const {
    net::HttpRequest request;
    request.method = method;
    request.url = base + "/xrpc/" + nsid_and_query;
    request.timeout = timeout;
    request.headers.emplace_back("Accept", "application/json");
    request.headers.emplace_back("Authorization", "Bearer " + token);
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
    : m_api(std::move(api)), m_request(request), m_save(save) {
    m_parts = request.parts.empty() ? std::vector<std::string>{""} : request.parts;
}

std::optional<Outcome> Publication::prepare() {
    try {
        m_langs = parse_langs(m_request.options);
        m_state = parse_state(m_request.adapter_state);
    } catch (const Error& error) {
        return Outcome::failure(Kind::permanent, error.what());
    }
    for (std::size_t i = 0; i < m_parts.size(); ++i) {
        if (!is_valid_utf8(m_parts[i]))
            return Outcome::failure(Kind::permanent, part_name(i) + " is not valid UTF-8");
    }
    return std::nullopt;
}

Outcome Publication::run() {
    return go(false);
}

Outcome Publication::settle() {
    return go(true);
}

Outcome Publication::go(bool confirm_first) {
    if (auto bad = prepare())
        return *bad;
    try {
        if (confirm_first) {
            const Outcome lookup_failed =
                Outcome::failure(Kind::transient, "the getRecord check could not be read");
            for (std::size_t i = 0; i < m_state.parts.size(); ++i) {
                if (m_state.parts[i].uri.empty())
                    confirm(i, lookup_failed);
            }
        }
        if (m_state.parts.empty()) {
            if (auto stop = upload_blobs())
                return *stop;
        }
        return write_remaining();
    } catch (const Stop& stop) {
        return stop.outcome;
    }
}

Outcome Publication::write_remaining() {
    for (std::size_t i = 0; i < m_parts.size(); ++i) {
        if (i < m_state.parts.size() && !m_state.parts[i].uri.empty())
            continue;
        if (auto stop = write_part(i))
            return *stop;
    }
    const PartState& first = m_state.parts.front();
    return Outcome::posted(first.uri, web_url(first.rkey));
}

std::string Publication::part_name(std::size_t i) const {
    if (m_parts.size() == 1)
        return "the post";
    return "part " + std::to_string(i + 1) + " of " + std::to_string(m_parts.size());
}

std::string Publication::repo() const {
    const Account& a = m_request.account;
    return a.platform_account_id.empty() ? a.username : a.platform_account_id;
}

std::string Publication::web_url(const std::string& rkey) const {
    const Account& a = m_request.account;
    return "https://bsky.app/profile/" + (a.username.empty() ? repo() : a.username) + "/post/" +
           rkey;
}

Outcome Publication::answered(const net::HttpResponse& response, std::string_view what) const {
    return classify(response, m_request.account.name, what, m_api.clock.now());
}

void Publication::save_state() const {
    m_save(dump_state(m_state));
}

std::optional<Outcome> Publication::upload_blobs() {
    for (std::size_t k = m_state.blobs.size(); k < m_request.media.size(); ++k) {
        const FetchedMedia& media = m_request.media[k];
        const std::string what = "the upload of " + in_quotes(media.source);
        const auto response = m_api.send("POST", "com.atproto.repo.uploadBlob", what, media.bytes,
                                         media.content_type);
        if (response.status != 200)
            return answered(response, what);
        const json body = json::parse(response.body, nullptr, false);
        if (body.is_discarded() || !body.is_object() || !body.contains("blob") ||
            !body["blob"].is_object()) {
            return answered(response, what);
        }
        m_state.blobs.push_back(body["blob"]);
        save_state();  // a retry reuses the blob instead of uploading again
    }
    return std::nullopt;
}

std::optional<std::string> Publication::resolve(const std::string& handle) {
    if (const auto it = m_dids.find(handle); it != m_dids.end())
        return it->second;
    const std::string what = "the handle " + in_quotes("@" + handle);
    const auto response = m_api.send(
        "GET", "com.atproto.identity.resolveHandle?handle=" + net::url_encode(handle), what);
    std::optional<std::string> did;
    if (response.status == 200) {
        const json body = json::parse(response.body, nullptr, false);
        if (body.is_object() && string_field(body, "did").starts_with("did:"))
            did = string_field(body, "did");
    } else if (response.status != 400 && response.status != 404) {
        throw Stop{answered(response, what)};  // unresolvable (400): plain text
    }
    m_dids[handle] = did;
    return did;
}

json Publication::facets_of(const std::string& text) {
    json facets = json::array();
    for (const Facet& f : find_facets(text)) {
        json feature = {{"$type", feature_type(f.kind)}};
        if (f.kind == Facet::Kind::link) {
            feature["uri"] = f.value;
        } else if (f.kind == Facet::Kind::tag) {
            feature["tag"] = f.value;
        } else {
            const auto did = resolve(f.value);
            if (!did)
                continue;
            feature["did"] = *did;
        }
        facets.push_back({{"index", {{"byteStart", f.byte_start}, {"byteEnd", f.byte_end}}},
                          {"features", json::array({feature})}});
    }
    return facets;
}

// Images go on part 1; a part without images that has a link gets a card
// for its first link (no page fetch: the title is the URL).
json Publication::embed_of(std::size_t i, const json& facets) const {
    if (i == 0 && !m_state.blobs.empty()) {
        json images = json::array();
        for (std::size_t k = 0; k < m_state.blobs.size(); ++k) {
            json image = {{"alt", k < m_request.media.size() ? m_request.media[k].alt : ""},
                          {"image", m_state.blobs[k]}};
            if (k < m_request.media.size()) {
                if (const auto size = media::image_size(m_request.media[k].bytes))
                    image["aspectRatio"] = {{"width", size->width}, {"height", size->height}};
            }
            images.push_back(std::move(image));
        }
        return {{"$type", "app.bsky.embed.images"}, {"images", images}};
    }
    for (const auto& facet : facets) {
        const json& feature = facet["features"][0];
        if (feature["$type"] == "app.bsky.richtext.facet#link") {
            return {{"$type", "app.bsky.embed.external"},
                    {"external",
                     {{"uri", feature["uri"]}, {"title", feature["uri"]}, {"description", ""}}}};
        }
    }
    return nullptr;
}

json Publication::build_record(std::size_t i) {
    json record = {{"$type", k_post_collection},
                   {"text", m_parts[i]},
                   {"createdAt", format_instant(m_api.clock.now())}};
    const json facets = facets_of(m_parts[i]);
    if (!facets.empty())
        record["facets"] = facets;
    if (json embed = embed_of(i, facets); !embed.is_null())
        record["embed"] = std::move(embed);
    if (!m_langs.empty())
        record["langs"] = m_langs;
    if (i > 0) {
        record["reply"] = {{"root", strong_ref(m_state.parts.front())},
                           {"parent", strong_ref(m_state.parts[i - 1])}};
    }
    return record;
}

std::optional<Outcome> Publication::write_part(std::size_t i) {
    const std::string what = part_name(i);
    if (i >= m_state.parts.size()) {
        // Key and record are saved before the request: whatever happens to
        // it, every retry writes the same record under the same key.
        const std::string rkey =
            record_key(m_request.post_id, m_request.target_id, i, m_api.clock.now());
        m_state.parts.push_back({rkey, build_record(i), "", ""});
        save_state();
    }
    PartState& part = m_state.parts[i];
    const json body = {{"repo", repo()},
                       {"collection", k_post_collection},
                       {"rkey", part.rkey},
                       {"record", part.record},
                       {"swapRecord", nullptr}};
    net::HttpResponse response;
    try {
        response =
            m_api.send("POST", "com.atproto.repo.putRecord", what, body.dump(), "application/json");
    } catch (const Stop& stop) {
        if (confirm(i, stop.outcome))  // the answer was lost, the write may not be
            return std::nullopt;
        return stop.outcome;
    }
    if (response.status == 200) {
        const json answer = json::parse(response.body, nullptr, false);
        if (answer.is_object() && !string_field(answer, "uri").empty() &&
            !string_field(answer, "cid").empty()) {
            part.uri = string_field(answer, "uri");
            part.cid = string_field(answer, "cid");
            save_state();
            return std::nullopt;
        }
    }
    // A conflict (a record is already at our key), a 5xx or an unreadable
    // success: whether our record is there is a question for getRecord.
    const bool check = response.status == 200 || response.status >= 500 ||
                       (response.status == 400 && xrpc_error(response).error == "InvalidSwap");
    const Outcome outcome = answered(response, what);
    if (check && confirm(i, outcome))
        return std::nullopt;
    return outcome;
}

bool Publication::confirm(std::size_t i, const Outcome& if_unreadable) {
    PartState& part = m_state.parts[i];
    const std::string what = "the getRecord check of " + part_name(i);
    const auto response =
        m_api.send("GET",
                   "com.atproto.repo.getRecord?repo=" + net::url_encode(repo()) +
                       "&collection=" + std::string(k_post_collection) + "&rkey=" + part.rkey,
                   what);
    if (response.status == 400 && xrpc_error(response).error == "RecordNotFound")
        return false;
    if (response.status != 200)
        throw Stop{response.status >= 500 ? if_unreadable : answered(response, what)};
    const json body = json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("value") || string_field(body, "uri").empty())
        throw Stop{if_unreadable};
    // The key is derived from this target's post and id, so a record there
    // with our text is ours, even one written by an attempt whose saved
    // state was lost (its createdAt then differs).
    const json& value = body["value"];
    if (!value.is_object() || value.value("text", "") != part.record.value("text", "")) {
        throw Stop{Outcome::failure(Kind::permanent,
                                    "bluesky account " + in_quotes(m_request.account.name) +
                                        " already has another record under the key " +
                                        in_quotes(part.rkey) + " of " + part_name(i) + " (" +
                                        string_field(body, "uri") + ")")};
    }
    part.uri = string_field(body, "uri");
    part.cid = string_field(body, "cid");
    save_state();
    return true;
}

}  // namespace postsched::adapters::bluesky
