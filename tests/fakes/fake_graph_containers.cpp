// The fake Graph's container flow for Instagram (/media, /media_publish,
// /content_publishing_limit, status_code) and Threads (/threads,
// /threads_publish, /threads_publishing_limit, status).
#include <sstream>

#include "fakes/fake_graph_internal.hpp"

namespace postsched::fakes {
namespace {

using nlohmann::json;

constexpr auto k_container_life = std::chrono::hours(24);

// Threads' count, written independently of the adapter: code points, but a
// 4-byte sequence (most emoji) counts 4.
std::size_t threads_chars(const std::string& s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        n += len == 4 ? 4 : 1;
        i += len;
    }
    return n;
}

std::size_t count_of(const std::string& s, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1))
        ++n;
    return n;
}

std::vector<std::string> split_ids(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string id; std::getline(in, id, ',');)
        if (!id.empty())
            out.push_back(id);
    return out;
}

}  // namespace

GraphContainer* FakeGraph::Impl::find_container(const std::string& id) {
    for (auto& c : containers)
        if (c.id == id)
            return &c;
    return nullptr;
}

std::string FakeGraph::Impl::container_status(GraphContainer& c, bool poll) {
    if (!c.published_id.empty())
        return "PUBLISHED";
    if (now() - c.created > k_container_life)
        return "EXPIRED";
    if (c.polls_left > 0) {
        if (poll)
            --c.polls_left;
        return "IN_PROGRESS";
    }
    return c.error.empty() ? "FINISHED" : "ERROR";
}

void FakeGraph::Impl::container_create(GraphCall& call) {
    GraphAccount& a = *call.account;
    const bool ig = a.kind == "instagram";
    if (!has_permission(a, ig ? "instagram_content_publish" : "threads_content_publish") &&
        !(ig && has_permission(a, "instagram_business_content_publish"))) {
        return graph_fail(call.res, 403, 10, 0,
                          "(#10) Application does not have permission for this action");
    }
    GraphContainer c;
    c.owner = a.id;
    c.platform = a.kind;
    c.media_type = call.param("media_type");
    c.carousel_item = call.param("is_carousel_item") == "true";
    c.text = call.param(ig ? "caption" : "text");
    c.reply_to = ig ? "" : call.param("reply_to_id");
    c.created = now();
    const std::string image = call.param("image_url");
    const std::string video = call.param("video_url");
    if (ig && c.media_type.empty() && !image.empty())
        c.media_type = "IMAGE";
    const std::string type = c.media_type;
    const bool valid_type =
        ig ? (type == "IMAGE" || type == "REELS" || type == "CAROUSEL" ||
              (type == "VIDEO" && c.carousel_item))
           : (type == "TEXT" || type == "IMAGE" || type == "VIDEO" || type == "CAROUSEL");
    if (!valid_type)
        return graph_fail(call.res, 400, 100, 2207023, "The media type is unknown or invalid.");
    if (ig) {
        if (c.text.size() > 2200 * 4 || count_of(c.text, "#") > 30)
            return graph_fail(call.res, 400, 100, 2207010, "The caption is too long.");
    } else {
        if (type == "TEXT" && c.text.empty())
            return graph_fail(call.res, 400, 100, 0, "Param text is required for TEXT posts");
        if (threads_chars(c.text) > 500)
            return graph_fail(call.res, 400, 100, 0, "Param text must be at most 500 characters");
        if (count_of(c.text, "http://") + count_of(c.text, "https://") > 5)
            return graph_fail(call.res, 400, 100, 0, "THREADS_API__LINK_LIMIT_EXCEEDED");
        if (!c.reply_to.empty()) {
            bool found = false;
            for (const auto& m : media)
                found = found || (m.id == c.reply_to && m.platform == "threads");
            if (!found)
                return graph_fail(call.res, 400, 100, 0, "Invalid parameter reply_to_id");
        }
    }
    if (type == "IMAGE") {
        const auto bytes = fetch(image);
        if (!bytes) {
            return graph_fail(call.res, 400, 9004, 2207052,
                              "The media could not be fetched from this URI: " + image);
        }
        const std::string kind = sniff(*bytes);
        if (kind != "image/jpeg" && (ig || kind != "image/png"))
            return graph_fail(call.res, 400, 36001, 2207005, "The image format is not supported.");
        c.url = image;
    } else if (type == "VIDEO" || type == "REELS") {
        const auto bytes = fetch(video);
        if (!bytes) {
            return graph_fail(call.res, 400, 9004, 2207052,
                              "The media could not be fetched from this URI: " + video);
        }
        if (sniff(*bytes) != "video/mp4")  // MP4 and MOV both start with an ftyp box
            return graph_fail(call.res, 400, 100, 2207026, "The video format is not supported.");
        c.url = video;
    } else if (type == "CAROUSEL") {
        c.children = split_ids(call.param("children"));
        const std::size_t most = ig ? 10 : 20;
        if (c.children.size() < 2 || c.children.size() > most)
            return graph_fail(call.res, 400, 100, 2207028, "Carousel validation failed");
        for (const auto& id : c.children) {
            GraphContainer* child = find_container(id);
            if (!child || child->owner != a.id || !child->carousel_item ||
                container_status(*child, false) != "FINISHED") {
                return graph_fail(call.res, 400, 100, 2207028,
                                  "Carousel validation failed: child " + id);
            }
        }
    }
    if (const auto it = failing_urls.find(c.url); it != failing_urls.end())
        c.error = it->second;
    c.polls_left = type == "TEXT" ? 0 : processing_polls;
    c.id = new_id();
    containers.push_back(c);
    graph_answer(call.res, 200, {{"id", c.id}});
}

void FakeGraph::Impl::container_publish(GraphCall& call) {
    GraphAccount& a = *call.account;
    GraphContainer* c = find_container(call.param("creation_id"));
    if (!c || c->owner != a.id || c->carousel_item) {
        return graph_fail(call.res, 400, 24, 2207006,
                          "The media with id " + call.param("creation_id") + " cannot be found");
    }
    const std::string status = container_status(*c, false);
    if (status == "EXPIRED")
        return graph_fail(call.res, 400, -2, 2207020, "The media has expired.");
    if (status != "FINISHED") {
        return graph_fail(call.res, 400, 9007, 2207027, "Media ID is not available");
    }
    if (a.quota_used >= a.quota_total) {
        return graph_fail(call.res, 400, 9, 2207042,
                          "The maximum number of posts that were published has been reached.");
    }
    GraphMedia m{new_id(), a.id, a.kind, c->id, c->media_type, c->text, c->reply_to, {}, now()};
    if (!c->url.empty())
        m.urls.push_back(c->url);
    for (const auto& id : c->children)
        if (const GraphContainer* child = find_container(id))
            m.urls.push_back(child->url);
    c->published_id = m.id;
    ++a.quota_used;
    media.push_back(m);
    graph_answer(call.res, 200, {{"id", m.id}});
}

void FakeGraph::Impl::publishing_limit(GraphCall& call) {
    const GraphAccount& a = *call.account;
    const std::string fields = call.has("fields") ? call.param("fields") : "quota_usage";
    json item = {{"quota_usage", a.quota_used}};
    if (fields.find("config") != std::string::npos)
        item["config"] = {{"quota_total", a.quota_total}, {"quota_duration", 86400}};
    if (a.kind == "threads" && fields.find("reply_quota_usage") != std::string::npos)
        item["reply_quota_usage"] = 0;
    graph_answer(call.res, 200, {{"data", json::array({item})}});
}

void FakeGraph::Impl::media_list(GraphCall& call) {
    const GraphAccount& a = *call.account;
    json data = json::array();
    for (auto it = media.rbegin(); it != media.rend() && data.size() < 25; ++it) {
        if (it->owner != a.id)
            continue;
        json item = {{"id", it->id}, {"timestamp", graph_time(it->created)}};
        item[a.kind == "instagram" ? "caption" : "text"] = it->text;
        data.push_back(item);
    }
    graph_answer(call.res, 200, {{"data", data}, {"paging", {{"cursors", json::object()}}}});
}

}  // namespace postsched::fakes
