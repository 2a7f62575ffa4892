// Media for X through the v2 chunked upload (platforms doc §1.3):
// initialize → append (segments) → finalize → status while processing. Each
// step is saved, so a later pass resumes where this one stopped.
#include <nlohmann/json.hpp>

#include "adapters/x/x_publish.hpp"
#include "core/time_format.hpp"

namespace postsched::adapters::x {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// When processing_info gives no check_after_secs.
constexpr long long k_default_check_after = 5;

bool is_video(const std::string& type) {
    return type.starts_with("video/");
}

std::string category(const std::string& type) {
    if (type == "image/gif")
        return "tweet_gif";
    return is_video(type) ? "tweet_video" : "tweet_image";
}

const json* data_of(const json& body) {
    return body.is_object() && body.contains("data") && body["data"].is_object() ? &body["data"]
                                                                                 : nullptr;
}

}  // namespace

MediaRules platform_media_rules() {
    MediaRules rules;
    rules.max_items = 4;
    rules.max_bytes = 5 * 1024 * 1024;
    rules.types = {"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4"};
    rules.max_alt_chars = 1000;
    rules.by_type = {{"image/gif", "GIF", 15 * 1024 * 1024, true},
                     {"video/", "video", 512 * 1024 * 1024, true}};
    return rules;
}

std::string Publication::media_name(std::size_t k) const {
    std::string source = m_request.media[k].source;
    if (const auto slash = source.find_last_of('/'); slash != std::string::npos)
        source.erase(0, slash + 1);
    return "media " + in_quotes(source.substr(0, source.find_first_of("?#")));
}

// X takes up to 4 images, or 1 GIF, or 1 video per post.
std::optional<Outcome> Publication::check_media() const {
    const auto& media = m_request.media;
    const auto permanent = [](std::string message) {
        return Outcome::failure(Kind::permanent, std::move(message));
    };
    const MediaRules rules = platform_media_rules();
    std::vector<std::string> types;
    for (std::size_t k = 0; k < media.size(); ++k) {
        const auto& type = media[k].content_type;
        if (media[k].bytes.size() > rules.max_bytes_for(type)) {
            return permanent(media_name(k) + " is " + std::to_string(media[k].bytes.size()) +
                             " bytes; x takes " + type + " up to " +
                             std::to_string(rules.max_bytes_for(type)) + " bytes");
        }
        types.push_back(type);
    }
    if (const std::string mix = rules.mix_problem(types); !mix.empty())
        return permanent("x " + mix);
    if (media.size() > rules.max_items)
        return permanent("x takes at most 4 images per post");
    return std::nullopt;
}

std::optional<Outcome> Publication::upload_media() {
    m_state.media.resize(m_request.media.size());
    for (std::size_t k = 0; k < m_request.media.size(); ++k) {
        if (auto stop = upload_one(k))
            return stop;
        if (auto stop = describe(k))
            return stop;
    }
    return std::nullopt;
}

// X takes alt text for images and GIFs (up to 1,000 characters, checked when
// the post is added); a video's is not sent.
std::optional<Outcome> Publication::describe(std::size_t k) {
    MediaState& m = m_state.media[k];
    const FetchedMedia& media = m_request.media[k];
    if (media.alt.empty() || m.described || is_video(media.content_type))
        return std::nullopt;
    const std::string what = "the alt text of " + media_name(k);
    const json body = {{"id", m.id}, {"metadata", {{"alt_text", {{"text", media.alt}}}}}};
    const auto response =
        m_api.send("POST", "/2/media/metadata", what, body.dump(), "application/json");
    if (response.status != 200 && response.status != 201)
        return answered(response, what);
    m.described = true;
    save_state();
    return std::nullopt;
}

std::optional<Outcome> Publication::upload_one(std::size_t k) {
    MediaState& m = m_state.media[k];
    if (m.ready && (m.expires_at == 0 || m.expires_at > now_seconds()))
        return std::nullopt;
    if (!m.id.empty() && m.expires_at != 0 && m.expires_at <= now_seconds())
        m = MediaState{};  // X forgot it: start again
    if (m.id.empty()) {
        if (auto stop = initialize(k))
            return stop;
    }
    if (!m.finalized) {
        if (auto stop = append(k))
            return stop;
        const std::string what = "the finalize of " + media_name(k);
        const auto response = m_api.send("POST", "/2/media/upload/" + m.id + "/finalize", what);
        if (response.status != 200 && response.status != 201)
            return answered(response, what);
        m.finalized = true;
        return processing(k, response);
    }
    const std::string what = "the status of " + media_name(k);
    const auto response =
        m_api.send("GET", "/2/media/upload?command=STATUS&media_id=" + m.id, what);
    if (response.status != 200)
        return answered(response, what);
    return processing(k, response);
}

std::optional<Outcome> Publication::initialize(std::size_t k) {
    const FetchedMedia& media = m_request.media[k];
    const std::string what = "the upload of " + media_name(k);
    const json body = {{"media_type", media.content_type},
                       {"total_bytes", media.bytes.size()},
                       {"media_category", category(media.content_type)}};
    const auto response =
        m_api.send("POST", "/2/media/upload/initialize", what, body.dump(), "application/json");
    const json answer = json::parse(response.body, nullptr, false);
    const json* data = data_of(answer);
    if (response.status != 200 && response.status != 201)
        return answered(response, what);
    if (!data || !data->contains("id") || !(*data)["id"].is_string()) {
        return Outcome::failure(Kind::transient, "x answered " + what + " for account " +
                                                     in_quotes(m_request.account.name) +
                                                     " without a media id");
    }
    MediaState& m = m_state.media[k];
    m = MediaState{};
    m.id = (*data)["id"].get<std::string>();
    if (const auto secs = data->find("expires_after_secs");
        secs != data->end() && secs->is_number_integer()) {
        m.expires_at = now_seconds() + secs->get<long long>();
    }
    save_state();
    return std::nullopt;
}

std::optional<Outcome> Publication::append(std::size_t k) {
    MediaState& m = m_state.media[k];
    const std::string& bytes = m_request.media[k].bytes;
    const std::size_t chunk = std::max<std::size_t>(1, m_tuning.chunk_bytes);
    const std::size_t segments = std::max<std::size_t>(1, (bytes.size() + chunk - 1) / chunk);
    while (m.next_segment < segments) {
        const std::string what =
            "segment " + std::to_string(m.next_segment) + " of " + media_name(k);
        const auto body =
            net::build_multipart({{"segment_index", std::to_string(m.next_segment), "", ""},
                                  {"media", bytes.substr(m.next_segment * chunk, chunk), "blob",
                                   "application/octet-stream"}});
        const auto response = m_api.send("POST", "/2/media/upload/" + m.id + "/append", what,
                                         body.body, body.content_type);
        if (response.status < 200 || response.status >= 300)
            return answered(response, what);
        ++m.next_segment;
        save_state();
    }
    return std::nullopt;
}

// After finalize or a status poll: ready, still processing (waiting until
// check_after_secs), or failed.
std::optional<Outcome> Publication::processing(std::size_t k, const net::HttpResponse& response) {
    MediaState& m = m_state.media[k];
    const json answer = json::parse(response.body, nullptr, false);
    const json* data = data_of(answer);
    const json* info =
        data && data->contains("processing_info") && (*data)["processing_info"].is_object()
            ? &(*data)["processing_info"]
            : nullptr;
    const std::string state = info ? info->value("state", std::string("succeeded")) : "succeeded";
    if (state == "succeeded") {
        m.ready = true;
        save_state();
        return std::nullopt;
    }
    save_state();
    if (state == "failed") {
        std::string why = "processing failed";
        if (info->contains("error") && (*info)["error"].is_object())
            why += ": " + (*info)["error"].value("message", std::string());
        m = MediaState{};  // a new upload may succeed; this one is gone
        save_state();
        return Outcome::failure(Kind::permanent,
                                "x answered for " + media_name(k) + " of account " +
                                    in_quotes(m_request.account.name) + ": " + why);
    }
    long long after = k_default_check_after;
    if (const auto it = info->find("check_after_secs");
        it != info->end() && it->is_number_integer())
        after = std::max(1LL, it->get<long long>());
    return Outcome::failure(Kind::waiting, media_name(k) + " still processing on x (" + state + ")",
                            m_api.clock.now() + std::chrono::seconds(after));
}

}  // namespace postsched::adapters::x
