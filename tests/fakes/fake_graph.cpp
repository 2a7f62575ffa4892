// The fake Graph server: routing, version prefix, tokens, usage headers,
// faults and node reads. Page and container endpoints, and media bytes, live
// in their own files.
#include <date/date.h>

#include "fakes/fake_faults.hpp"  // start_server
#include "fakes/fake_graph_internal.hpp"

namespace postsched::fakes {
namespace {

using nlohmann::json;

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    std::size_t at = 1;
    while (at <= path.size()) {
        const std::size_t slash = path.find('/', at);
        const std::string part =
            path.substr(at, slash == std::string::npos ? std::string::npos : slash - at);
        if (!part.empty())
            out.push_back(part);
        if (slash == std::string::npos)
            break;
        at = slash + 1;
    }
    return out;
}

std::string bearer(const httplib::Request& req) {
    const std::string header = req.get_header_value("Authorization");
    for (const char* scheme : {"Bearer ", "OAuth "}) {
        if (header.rfind(scheme, 0) == 0)
            return header.substr(std::string(scheme).size());
    }
    return {};
}

}  // namespace

std::string GraphCall::param(const std::string& name) const {
    if (req.has_param(name))
        return req.get_param_value(name);
    if (req.has_file(name))
        return req.get_file_value(name).content;
    if (json_body.is_object() && json_body.contains(name)) {
        const auto& v = json_body[name];
        return v.is_string() ? v.get<std::string>() : v.dump();
    }
    return {};
}

bool GraphCall::has(const std::string& name) const {
    return req.has_param(name) || req.has_file(name) ||
           (json_body.is_object() && json_body.contains(name));
}

void graph_answer(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json; charset=UTF-8");
}

std::string graph_error_body(int code, int subcode, const std::string& message, bool is_transient) {
    json error = {{"message", message},
                  {"type", code == 190 ? "OAuthException" : "OAuthException"},
                  {"code", code},
                  {"is_transient", is_transient},
                  {"fbtrace_id", "AXS25JPViBb5AY5tP5EzTnD"}};
    if (subcode != 0)
        error["error_subcode"] = subcode;
    return json{{"error", error}}.dump();
}

GraphFault graph_fault(int http_status, int code, int subcode, const std::string& message,
                       bool is_transient) {
    GraphFault fault;
    fault.http_status = http_status;
    fault.body = graph_error_body(code, subcode, message, is_transient);
    return fault;
}

void graph_fail(httplib::Response& res, int http_status, int code, int subcode,
                const std::string& message, bool is_transient) {
    res.status = http_status;
    res.set_content(graph_error_body(code, subcode, message, is_transient),
                    "application/json; charset=UTF-8");
    if (code == 190 || code == 104) {
        res.set_header("WWW-Authenticate",
                       "OAuth \"Facebook Platform\" \"invalid_token\" \"" + message + "\"");
    }
}

bool has_permission(const GraphAccount& account, const std::string& permission) {
    for (const auto& p : account.permissions)
        if (p == permission)
            return true;
    return false;
}

std::string graph_time(Instant at) {
    const auto secs = std::chrono::floor<std::chrono::seconds>(at);
    return date::format("%Y-%m-%dT%H:%M:%S", secs) + "+0000";
}

std::string FakeGraph::Impl::route_of(const std::string& method,
                                      const std::vector<std::string>& s) const {
    if (s.size() == 1)
        return method + " node";
    if (s.size() == 2)
        return method + " " + s[1];
    return method + " ?";
}

bool FakeGraph::Impl::authorize(GraphCall& call, const std::string& version) {
    std::string token = bearer(call.req);
    if (token.empty())
        token = call.param("access_token");
    if (token.empty()) {
        graph_fail(call.res, 400, 104, 0, "An access token is required to request this resource.");
        return false;
    }
    const auto it = accounts.find(token);
    if (it == accounts.end()) {
        graph_fail(call.res, 400, 190, 0, "Invalid OAuth access token - Cannot parse access token");
        return false;
    }
    if (it->second.expired) {
        graph_fail(call.res, 400, 190, 463,
                   "Error validating access token: Session has expired on Friday, 01-Jan-26 "
                   "00:00:00 PST. The current time is Friday, 02-Jan-26 03:00:00 PST.");
        return false;
    }
    GraphAccount& account = it->second;
    const std::string wanted = account.kind == "threads" ? "v1.0" : this->version;
    if (version != wanted) {
        graph_fail(call.res, 400, 2500, 0, "Unknown path components: /" + version);
        return false;
    }
    ++account.calls;
    if (account.kind == "facebook") {
        call.res.set_header("X-Business-Use-Case-Usage",
                            json{{account.id,
                                  {{{"type", "pages"},
                                    {"call_count", account.calls},
                                    {"total_cputime", 1},
                                    {"total_time", 1},
                                    {"estimated_time_to_regain_access", 0}}}}}
                                .dump());
    } else {
        call.res.set_header(
            "X-App-Usage",
            json{{"call_count", account.calls}, {"total_cputime", 1}, {"total_time", 1}}.dump());
    }
    call.account = &account;
    return true;
}

void FakeGraph::Impl::handle(const httplib::Request& req, httplib::Response& res) {
    std::optional<GraphFault> fault;
    GraphCall call{req, res, nullptr, split_path(req.path), {}};
    {
        std::lock_guard lock(mutex);
        std::string line = req.method + " " + req.path;
        if (!req.params.empty() && req.method == "GET") {
            std::string query;
            for (const auto& [k, v] : req.params)
                query += (query.empty() ? "?" : "&") + k + "=" + v;
            line += query;
        }
        log.push_back(line);
        if (call.segments.empty() || call.segments[0].size() < 2 || call.segments[0][0] != 'v') {
            return graph_fail(res, 400, 2500, 0, "Unknown path components: " + req.path);
        }
        const std::string version = call.segments[0];
        call.segments.erase(call.segments.begin());
        const std::string route = route_of(req.method, call.segments);
        ++counts[route];
        if (auto& queue = faults[route]; !queue.empty()) {
            fault = queue.front();
            queue.pop_front();
        }
        if (req.get_header_value("Content-Type").rfind("application/json", 0) == 0)
            call.json_body = json::parse(req.body, nullptr, false);
        if (!fault || fault->create || fault->pass || fault->delay.count() > 0) {
            if (authorize(call, version))
                dispatch(call, req.method, route);
        }
    }
    if (!fault || fault->pass)
        return;
    if (fault->delay.count() > 0) {
        std::this_thread::sleep_for(fault->delay);
        return;
    }
    if (fault->drop) {
        res.status = 200;
        res.body.clear();
        res.set_content_provider(
            64, "application/json",
            [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
        return;
    }
    res.headers.clear();
    for (const auto& [name, value] : fault->headers)
        res.set_header(name, value);
    res.status = fault->http_status;
    res.set_content(fault->body, "application/json; charset=UTF-8");
}

void FakeGraph::Impl::dispatch(GraphCall& call, const std::string& method,
                               const std::string& route) {
    const auto& s = call.segments;
    const std::string& kind = call.account->kind;
    // Edges of another account's node are not visible with this token.
    if (s.size() == 2 && s[0] != call.account->id && s[0] != "me") {
        return graph_fail(call.res, 400, 100, 33,
                          "Unsupported " + std::string(method == "GET" ? "get" : "post") +
                              " request. Object with ID '" + s[0] +
                              "' does not exist, cannot be loaded due to missing permissions, "
                              "or does not support this operation.");
    }
    if (route == k_node && method == "GET")
        return node_get(call);
    if (kind == "facebook" && route == k_feed)
        return page_feed_post(call);
    if (kind == "facebook" && route == k_photos)
        return page_photo_post(call);
    if (kind == "facebook" && route == k_page_feed)
        return page_feed_get(call);
    if ((kind == "instagram" && route == k_ig_create) ||
        (kind == "threads" && route == k_th_create))
        return container_create(call);
    if ((kind == "instagram" && route == k_ig_publish) ||
        (kind == "threads" && route == k_th_publish))
        return container_publish(call);
    if ((kind == "instagram" && route == k_ig_limit) || (kind == "threads" && route == k_th_limit))
        return publishing_limit(call);
    if ((kind == "instagram" && route == k_ig_list) || (kind == "threads" && route == k_th_list))
        return media_list(call);
    graph_fail(call.res, 400, 100, 0, "Unsupported request: " + route);
}

void FakeGraph::Impl::node_get(GraphCall& call) {
    const std::string id = call.segments[0] == "me" ? call.account->id : call.segments[0];
    const GraphAccount& a = *call.account;
    if (id == a.id) {
        json body = {{"id", a.id}, {"name", a.name}};
        body["username"] = a.name;
        return graph_answer(call.res, 200, body);
    }
    for (const auto& post : posts) {
        if (post.id == id && post.page_id == a.id) {
            return graph_answer(
                call.res, 200,
                {{"id", post.id},
                 {"permalink_url", "https://www.facebook.com/" + a.id + "/posts/pfbid0" +
                                       post.id.substr(post.id.find('_') + 1)}});
        }
    }
    if (GraphContainer* c = find_container(id); c && c->owner == a.id) {
        const std::string status = container_status(*c, true);
        json body = {{"id", c->id}};
        if (a.kind == "instagram") {
            body["status_code"] = status;
            if (status == "ERROR")
                body["status"] = "Error: " + c->error;
        } else {
            body["status"] = status;
            if (status == "ERROR")
                body["error_message"] = c->error;
        }
        return graph_answer(call.res, 200, body);
    }
    for (const auto& m : media) {
        if (m.id == id && m.owner == a.id) {
            const std::string permalink =
                a.kind == "instagram" ? "https://www.instagram.com/p/C" + m.id + "/"
                                      : "https://www.threads.com/@" + a.name + "/post/D" + m.id;
            return graph_answer(call.res, 200, {{"id", m.id}, {"permalink", permalink}});
        }
    }
    graph_fail(call.res, 400, 100, 33,
               "Unsupported get request. Object with ID '" + id +
                   "' does not exist, cannot be loaded due to missing permissions, or does not "
                   "support this operation.");
}

FakeGraph::FakeGraph() : m_impl(std::make_unique<Impl>()) {
    auto* impl = m_impl.get();
    auto handler = [impl](const httplib::Request& req, httplib::Response& res) {
        impl->handle(req, res);
    };
    impl->server.Get(".*", handler);
    impl->server.Post(".*", handler);
    impl->server.Delete(".*", handler);
    impl->port = start_server(impl->server, impl->thread, "fake graph");
}

FakeGraph::~FakeGraph() {
    stop_server(m_impl->server, m_impl->thread);
}

std::string FakeGraph::base_url() const {
    return m_impl->base_url();
}

namespace {
void add(FakeGraph::Impl& impl, const std::string& kind, const std::string& token,
         const std::string& id, const std::string& name, std::vector<std::string> permissions,
         int quota) {
    std::lock_guard lock(impl.mutex);
    impl.accounts[token] = {token, kind, id, name, std::move(permissions), false, 0, quota, 0};
}
}  // namespace

void FakeGraph::add_page(const std::string& token, const std::string& page_id,
                         const std::string& name, std::vector<std::string> permissions) {
    add(*m_impl, "facebook", token, page_id, name, std::move(permissions), 0);
}
void FakeGraph::add_instagram(const std::string& token, const std::string& ig_id,
                              const std::string& username, std::vector<std::string> permissions) {
    add(*m_impl, "instagram", token, ig_id, username, std::move(permissions), 50);
}
void FakeGraph::add_threads(const std::string& token, const std::string& user_id,
                            const std::string& username, std::vector<std::string> permissions) {
    add(*m_impl, "threads", token, user_id, username, std::move(permissions), 250);
}

void FakeGraph::expire_token(const std::string& token) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->accounts.at(token).expired = true;
}
void FakeGraph::set_clock(std::function<Instant()> now) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->now = std::move(now);
}
void FakeGraph::set_graph_version(const std::string& version) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->version = version;
}
void FakeGraph::set_processing_polls(int polls) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->processing_polls = polls;
}
void FakeGraph::finish_processing() {
    std::lock_guard lock(m_impl->mutex);
    for (auto& c : m_impl->containers)
        c.polls_left = 0;
}
void FakeGraph::fail_processing(const std::string& url, const std::string& error) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->failing_urls[url] = error;
}
void FakeGraph::set_quota(const std::string& owner_id, int used, int total) {
    std::lock_guard lock(m_impl->mutex);
    for (auto& [token, a] : m_impl->accounts) {
        if (a.id == owner_id)
            a.quota_used = used, a.quota_total = total;
    }
}
void FakeGraph::inject(const std::string& route, GraphFault fault, int times) {
    std::lock_guard lock(m_impl->mutex);
    for (int i = 0; i < times; ++i)
        m_impl->faults[route].push_back(fault);
}
std::vector<GraphPost> FakeGraph::posts() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->posts;
}
std::vector<GraphPhoto> FakeGraph::photos() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->photos;
}
std::vector<GraphContainer> FakeGraph::containers() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->containers;
}
std::vector<GraphMedia> FakeGraph::media() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->media;
}
int FakeGraph::requests(const std::string& route) const {
    std::lock_guard lock(m_impl->mutex);
    const auto it = m_impl->counts.find(route);
    return it == m_impl->counts.end() ? 0 : it->second;
}
std::vector<std::string> FakeGraph::request_log() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->log;
}

}  // namespace postsched::fakes
