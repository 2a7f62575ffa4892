// The Instagram/Threads container flow: create, poll, check quota, publish.
#include "adapters/meta/container_flow.hpp"

#include <thread>

#include "core/time_format.hpp"

namespace postsched::adapters::meta {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// Containers live 24 h; recreate before the edge rather than race it.
constexpr Millis k_container_life = std::chrono::hours(23);
// A container still processing after this pass's polls: look again soon.
constexpr Millis k_processing_retry = std::chrono::seconds(30);
// The quota is a rolling 24 h without a stated end: look again in an hour.
constexpr Millis k_quota_retry = std::chrono::hours(1);
constexpr Millis k_lookup_slack = std::chrono::minutes(2);

// An EXPIRED container: the part's containers are made again.
struct Recreate {};
// The container turned out published already (and the part's id is known).
struct AlreadyPublished {};

json ref_json(const ContainerRef& r) {
    return {{"id", r.id}, {"created", r.created}, {"finished", r.finished}};
}

ContainerRef ref_from(const json& j) {
    return {string_field(j, "id"), string_field(j, "created"),
            j.is_object() && j.value("finished", false)};
}

}  // namespace

const Dialect k_instagram = {
    "instagram", "/media",      "/media_publish", "/content_publishing_limit",
    "/media",    "status_code", "status",         "caption",
    false};
const Dialect k_threads = {"threads",  "/threads", "/threads_publish", "/threads_publishing_limit",
                           "/threads", "status",   "error_message",    "text",
                           true};

FlowState parse_flow_state(std::string_view text) {
    FlowState state;
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("parts") || !j["parts"].is_array())
        return state;
    for (const auto& p : j["parts"]) {
        PartState part;
        if (p.contains("children") && p["children"].is_array())
            for (const auto& c : p["children"])
                part.children.push_back(ref_from(c));
        if (p.contains("container"))
            part.container = ref_from(p["container"]);
        part.sent_at = string_field(p, "sent_at");
        part.id = string_field(p, "id");
        part.url = string_field(p, "url");
        state.parts.push_back(std::move(part));
    }
    return state;
}

std::string dump_flow_state(const FlowState& state) {
    json parts = json::array();
    for (const auto& p : state.parts) {
        json children = json::array();
        for (const auto& c : p.children)
            children.push_back(ref_json(c));
        json part = {{"children", children}, {"container", ref_json(p.container)}};
        if (!p.sent_at.empty())
            part["sent_at"] = p.sent_at;
        if (!p.id.empty())
            part["id"] = p.id, part["url"] = p.url;
        parts.push_back(part);
    }
    return json{{"parts", parts}}.dump();
}

ContainerFlow::ContainerFlow(Graph graph, const Dialect& dialect, const PublishRequest& request,
                             const SaveState& save, PollTuning tuning)
    : m_graph(std::move(graph)),
      m_dialect(dialect),
      m_request(request),
      m_save(save),
      m_tuning(tuning),
      m_parts(request.parts.empty() ? std::vector<std::string>{""} : request.parts),
      m_user("/" + net::url_encode(request.account.platform_account_id)),
      m_state(parse_flow_state(request.adapter_state)) {
    m_state.parts.resize(std::max(m_state.parts.size(), m_parts.size()));
}

std::string ContainerFlow::part_name(std::size_t i) const {
    return m_parts.size() == 1
               ? "the post"
               : "part " + std::to_string(i + 1) + " of " + std::to_string(m_parts.size());
}

std::string ContainerFlow::media_name(std::size_t k) const {
    return "media " + in_quotes(net::redact_url(m_request.media[k].source, false));
}

void ContainerFlow::save() {
    m_save(dump_flow_state(m_state));
}

Outcome ContainerFlow::run() {
    try {
        for (std::size_t i = 0; i < m_parts.size(); ++i) {
            if (m_state.parts[i].id.empty())
                publish_part(i);
        }
    } catch (const Stop& stop) {
        return stop.outcome;
    }
    return Outcome::posted(m_state.parts[0].id, m_state.parts[0].url);
}

void ContainerFlow::publish_part(std::size_t i) {
    for (int round = 0;; ++round) {
        PartState& part = m_state.parts[i];
        try {
            if (!part.sent_at.empty()) {
                resolve_sent(i);
                if (!m_state.parts[i].id.empty())
                    return;
            }
            if (expired(part))
                throw Recreate{};
            create_children(i);
            await(i, true);
            create_main(i);
            await(i, false);
            check_quota(i);
            publish(i);
            return;
        } catch (const AlreadyPublished&) {
            return;
        } catch (const Recreate&) {
            if (round > 0) {
                throw Stop{Outcome::failure(Kind::transient, m_dialect.platform.data() +
                                                                 std::string(" expired the new "
                                                                             "containers of ") +
                                                                 part_name(i) + " at once")};
            }
            m_state.parts[i] = PartState{};
            save();
        }
    }
}

bool ContainerFlow::expired(const PartState& part) const {
    auto old = [&](const ContainerRef& ref) {
        const auto created = parse_utc_instant(ref.created);
        return !ref.id.empty() && created && m_graph.clock.now() - *created > k_container_life;
    };
    if (old(part.container))
        return true;
    for (const auto& child : part.children)
        if (old(child))
            return true;
    return false;
}

// A publish request went out and its answer was lost: the container says
// whether it was published (PUBLISHED), and the account's recent posts give its id.
void ContainerFlow::resolve_sent(std::size_t i) {
    PartState& part = m_state.parts[i];
    std::string error;
    const std::string status = status_of(part.container.id, error);
    if (status == "PUBLISHED") {
        part.id = look_up(i);
        if (part.id.empty()) {
            throw Stop{Outcome::failure(Kind::unknown,
                                        std::string(m_dialect.platform) + " says container " +
                                            in_quotes(part.container.id) + " of " + part_name(i) +
                                            " was published, but no recent post of account " +
                                            in_quotes(m_request.account.name) + " matches it")};
        }
        part.sent_at.clear();
        save();
        const json body = m_graph.call("GET", "/" + net::url_encode(part.id),
                                       {{"fields", "id,permalink"}}, "the permalink", Call::read);
        part.url = string_field(body, "permalink");
        save();
        return;
    }
    part.sent_at.clear();  // not published: publishing again is safe
    save();
    if (status == "EXPIRED" || status == "ERROR")
        throw Recreate{};
}

void ContainerFlow::create_children(std::size_t i) {
    if (i > 0 || m_request.media.size() < 2)
        return;
    PartState& part = m_state.parts[i];
    for (std::size_t k = part.children.size(); k < m_request.media.size(); ++k) {
        const FetchedMedia& media = m_request.media[k];
        Params params = {{"is_carousel_item", "true"}};
        if (media.content_type.starts_with("video/")) {
            params.emplace_back("media_type", "VIDEO");
            params.emplace_back("video_url", media.source);
        } else {
            params.emplace_back("media_type", "IMAGE");
            params.emplace_back("image_url", media.source);
            if (!media.alt.empty())
                params.emplace_back("alt_text", media.alt);
        }
        part.children.push_back(
            {create(params, media_name(k)), format_instant(m_graph.clock.now()), false});
        save();  // before the next request: a retry reuses it
    }
}

void ContainerFlow::create_main(std::size_t i) {
    PartState& part = m_state.parts[i];
    if (!part.container.id.empty())
        return;
    Params params;
    if (!m_parts[i].empty())
        params.emplace_back(std::string(m_dialect.text_param), m_parts[i]);
    if (i > 0)
        params.emplace_back("reply_to_id", m_state.parts[i - 1].id);
    const bool with_media = i == 0 && !m_request.media.empty();
    if (with_media && m_request.media.size() >= 2) {
        std::string children;
        for (const auto& child : part.children)
            children += (children.empty() ? "" : ",") + child.id;
        params.emplace_back("media_type", "CAROUSEL");
        params.emplace_back("children", children);
    } else if (with_media) {
        const FetchedMedia& media = m_request.media[0];
        if (media.content_type.starts_with("video/")) {
            params.emplace_back("media_type", m_dialect.threads ? "VIDEO" : "REELS");
            params.emplace_back("video_url", media.source);
        } else {
            params.emplace_back("media_type", "IMAGE");
            params.emplace_back("image_url", media.source);
            if (!media.alt.empty())
                params.emplace_back("alt_text", media.alt);
        }
    } else {
        params.emplace_back("media_type", "TEXT");
    }
    part.container = {create(params, "the container of " + part_name(i)),
                      format_instant(m_graph.clock.now()), false};
    save();
}

std::string ContainerFlow::create(Params params, std::string_view what) {
    const json body = m_graph.call("POST", m_user + std::string(m_dialect.create_edge), params,
                                   what, Call::create);
    const std::string id = string_field(body, "id");
    if (id.empty()) {
        throw Stop{Outcome::failure(Kind::transient, std::string(m_dialect.platform) +
                                                         " answered " + std::string(what) +
                                                         " without a container id")};
    }
    return id;
}

std::string ContainerFlow::status_of(const std::string& id, std::string& error) {
    const std::string fields =
        std::string(m_dialect.status_field) + "," + std::string(m_dialect.error_field);
    const json body = m_graph.call("GET", "/" + net::url_encode(id), {{"fields", fields}},
                                   "the status of container " + in_quotes(id), Call::read);
    error = string_field(body, std::string(m_dialect.error_field).c_str());
    return string_field(body, std::string(m_dialect.status_field).c_str());
}

// Polls the children (or the main container) until all are FINISHED, at most
// `attempts` rounds in this pass; then the target waits with its containers saved.
void ContainerFlow::await(std::size_t i, bool children) {
    PartState& part = m_state.parts[i];
    std::vector<ContainerRef*> refs;
    if (children) {
        for (auto& child : part.children)
            refs.push_back(&child);
    } else {
        refs.push_back(&part.container);
    }
    for (int round = 0;; ++round) {
        bool pending = false;
        for (ContainerRef* ref : refs) {
            if (ref->finished)
                continue;
            std::string error;
            const std::string status = status_of(ref->id, error);
            if (status == "FINISHED") {
                ref->finished = true;
                save();
            } else if (status == "EXPIRED") {
                throw Recreate{};
            } else if (status == "ERROR") {
                throw Stop{Outcome::failure(
                    Kind::permanent, std::string(m_dialect.platform) + " could not process " +
                                         "container " + in_quotes(ref->id) + " of " + part_name(i) +
                                         " for account " + in_quotes(m_request.account.name) +
                                         ": " + (error.empty() ? "ERROR" : error))};
            } else if (status == "PUBLISHED" && !children) {
                part.sent_at = part.container.created;  // published by an earlier request
                resolve_sent(i);
                throw AlreadyPublished{};
            } else {
                pending = true;  // IN_PROGRESS
            }
        }
        if (!pending)
            return;
        if (round + 1 >= m_tuning.attempts) {
            throw Stop{Outcome::failure(Kind::waiting,
                                        std::string(m_dialect.platform) +
                                            " is still processing the media of " + part_name(i) +
                                            " for account " + in_quotes(m_request.account.name),
                                        m_graph.clock.now() + k_processing_retry)};
        }
        std::this_thread::sleep_for(m_tuning.interval);
    }
}

void ContainerFlow::check_quota(std::size_t i) {
    const bool reply = m_dialect.threads && i > 0;
    const std::string usage_key = reply ? "reply_quota_usage" : "quota_usage";
    const std::string config_key = reply ? "reply_config" : "config";
    const json body = m_graph.call("GET", m_user + std::string(m_dialect.limit_edge),
                                   {{"fields", usage_key + "," + config_key}},
                                   "the publishing quota", Call::read);
    if (!body.contains("data") || !body["data"].is_array() || body["data"].empty())
        return;
    const json& item = body["data"][0];
    if (!item.contains(usage_key) || !item.contains(config_key) || !item[config_key].is_object())
        return;
    const int used = item[usage_key].is_number() ? item[usage_key].get<int>() : 0;
    const int total = item[config_key].value("quota_total", 0);
    if (total > 0 && used >= total) {
        throw Stop{Outcome::failure(
            Kind::rate_limited,
            std::string(m_dialect.platform) + " account " + in_quotes(m_request.account.name) +
                " has used its publishing quota (" + std::to_string(used) + " of " +
                std::to_string(total) + " " + (reply ? "replies" : "posts") +
                " in 24 hours); waiting for the window to free",
            m_graph.clock.now() + k_quota_retry)};
    }
}

void ContainerFlow::publish(std::size_t i) {
    PartState& part = m_state.parts[i];
    part.sent_at = format_instant(m_graph.clock.now());
    save();  // before the request: a lost answer is looked up, never repeated blindly
    const json body =
        m_graph.call("POST", m_user + std::string(m_dialect.publish_edge),
                     {{"creation_id", part.container.id}}, part_name(i), Call::publish);
    part.id = string_field(body, "id");
    if (part.id.empty()) {
        throw Stop{Outcome::failure(Kind::transient, std::string(m_dialect.platform) +
                                                         " answered the publish of " +
                                                         part_name(i) + " without an id")};
    }
    part.sent_at.clear();
    save();
    try {
        const json link = m_graph.call("GET", "/" + net::url_encode(part.id),
                                       {{"fields", "id,permalink"}}, "the permalink", Call::read);
        part.url = string_field(link, "permalink");
        save();
    } catch (const Stop&) {
        // Published all the same; the URL stays empty rather than made up.
    }
}

// The account's recent posts since the lost request: the one with our text.
std::string ContainerFlow::look_up(std::size_t i) {
    const auto since = parse_utc_instant(m_state.parts[i].sent_at);
    const std::string text_field = m_dialect.threads ? "text" : "caption";
    const json body = m_graph.call("GET", m_user + std::string(m_dialect.list_edge),
                                   {{"fields", "id," + text_field + ",timestamp"}, {"limit", "25"}},
                                   "the lookup of recent posts", Call::read);
    std::vector<std::string> matches;
    if (body.contains("data") && body["data"].is_array()) {
        for (const auto& item : body["data"]) {
            const auto at = parse_graph_time(string_field(item, "timestamp"));
            if (since && at && *at < *since - k_lookup_slack)
                continue;
            if (trimmed(string_field(item, text_field.c_str())) == trimmed(m_parts[i]))
                matches.push_back(string_field(item, "id"));
        }
    }
    return matches.size() == 1 ? matches[0] : std::string();
}

}  // namespace postsched::adapters::meta
