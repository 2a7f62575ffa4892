// The fake Graph's Facebook Page endpoints: POST /{page}/feed, POST
// /{page}/photos (url= or multipart source, published or not) and GET
// /{page}/feed.
#include "fakes/fake_graph_internal.hpp"

namespace postsched::fakes {
namespace {

using nlohmann::json;

constexpr std::size_t k_max_message = 63206;

bool may_post(GraphCall& call) {
    if (has_permission(*call.account, "pages_manage_posts") &&
        has_permission(*call.account, "pages_read_engagement")) {
        return true;
    }
    graph_fail(call.res, 403, 200, 0,
               "(#200) If posting to a page, requires both pages_read_engagement and "
               "pages_manage_posts as an admin with sufficient administrative permission");
    return false;
}

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

// attached_media as a JSON array or as attached_media[i]={"media_fbid":..} fields.
std::vector<std::string> attached_ids(const GraphCall& call, bool& bad) {
    std::vector<json> items;
    if (call.has("attached_media")) {
        const json list = json::parse(call.param("attached_media"), nullptr, false);
        if (!list.is_array())
            bad = true;
        else
            items.assign(list.begin(), list.end());
    }
    for (int i = 0; call.has("attached_media[" + std::to_string(i) + "]"); ++i)
        items.push_back(
            json::parse(call.param("attached_media[" + std::to_string(i) + "]"), nullptr, false));
    std::vector<std::string> ids;
    for (const auto& item : items) {
        if (!item.is_object() || !item.contains("media_fbid") || !item["media_fbid"].is_string())
            bad = true;
        else
            ids.push_back(item["media_fbid"].get<std::string>());
    }
    return ids;
}

}  // namespace

void FakeGraph::Impl::page_feed_post(GraphCall& call) {
    if (!may_post(call))
        return;
    const std::string page = call.account->id;
    const std::string message = call.param("message");
    const std::string link = call.param("link");
    bool bad = false;
    const std::vector<std::string> ids = attached_ids(call, bad);
    if (bad)
        return graph_fail(call.res, 400, 100, 0, "(#100) param attached_media must be an array");
    if (message.empty() && link.empty() && ids.empty()) {
        return graph_fail(call.res, 400, 100, 0,
                          "(#100) The parameter message or link or attached_media is required");
    }
    if (code_points(message) > k_max_message)
        return graph_fail(call.res, 400, 100, 0, "(#100) Param message is too long");
    std::vector<GraphPhoto*> attached;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        GraphPhoto* found = nullptr;
        for (auto& photo : photos)
            if (photo.id == ids[i] && photo.page_id == page && !photo.published && !photo.attached)
                found = &photo;
        if (!found) {
            return graph_fail(call.res, 400, 100, 0,
                              "(#100) param attached_media[" + std::to_string(i) +
                                  "] has invalid media_fbid " + ids[i]);
        }
        attached.push_back(found);
    }
    if (!message.empty()) {
        for (auto it = posts.rbegin(); it != posts.rend(); ++it) {
            if (it->page_id == page && it->message == message && it->photo_ids.empty() &&
                ids.empty())
                return graph_fail(call.res, 400, 506, 0, "(#506) Duplicate status message");
        }
    }
    for (auto* photo : attached)
        photo->attached = true;
    GraphPost post{page + "_" + new_id(), page, message, link, ids, now()};
    posts.push_back(post);
    graph_answer(call.res, 200, {{"id", post.id}});
}

void FakeGraph::Impl::page_photo_post(GraphCall& call) {
    if (!may_post(call))
        return;
    const std::string url = call.param("url");
    std::string bytes;
    if (!url.empty()) {
        const auto fetched = fetch(url);
        if (!fetched) {
            return graph_fail(call.res, 400, 100, 2061006,
                              "(#100) url should represent a valid URL");
        }
        bytes = *fetched;
    } else if (call.req.has_file("source")) {
        bytes = call.req.get_file_value("source").content;
    } else {
        return graph_fail(call.res, 400, 324, 0, "(#324) Requires upload file");
    }
    const std::string type = sniff(bytes);
    if (type != "image/jpeg" && type != "image/png") {
        return graph_fail(call.res, 400, 324, 1366046, "(#324) Missing or invalid image file");
    }
    const std::string published = call.param("published");
    if (!published.empty() && published != "true" && published != "false")
        return graph_fail(call.res, 400, 100, 0, "(#100) Param published must be a boolean");
    GraphPhoto photo{new_id(),
                     call.account->id,
                     url,
                     call.param("caption"),
                     call.param("alt_text_custom"),
                     bytes.size(),
                     published != "false",
                     false};
    photos.push_back(photo);
    if (!photo.published)
        return graph_answer(call.res, 200, {{"id", photo.id}});
    GraphPost post{
        photo.page_id + "_" + new_id(), photo.page_id, photo.caption, "", {photo.id}, now()};
    posts.push_back(post);
    graph_answer(call.res, 200, {{"id", photo.id}, {"post_id", post.id}});
}

void FakeGraph::Impl::page_feed_get(GraphCall& call) {
    std::size_t limit = 25;
    if (call.has("limit"))
        limit = std::min<std::size_t>(100, std::stoul(call.param("limit")));
    json data = json::array();
    for (auto it = posts.rbegin(); it != posts.rend() && data.size() < limit; ++it) {
        if (it->page_id != call.account->id)
            continue;
        json item = {{"id", it->id}, {"created_time", graph_time(it->created)}};
        if (!it->message.empty())
            item["message"] = it->message;
        item["permalink_url"] = "https://www.facebook.com/" + it->page_id + "/posts/pfbid0" +
                                it->id.substr(it->id.find('_') + 1);
        data.push_back(item);
    }
    graph_answer(call.res, 200, {{"data", data}, {"paging", {{"cursors", json::object()}}}});
}

}  // namespace postsched::fakes
