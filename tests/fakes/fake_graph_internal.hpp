#pragma once
// The fake Graph server's state and request helpers, shared by its files.
// Private to tests/fakes/.
#include <httplib.h>

#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "fakes/fake_graph.hpp"

namespace postsched::fakes {

struct GraphAccount {
    std::string token;
    std::string kind;  // "facebook", "instagram", "threads"
    std::string id;
    std::string name;
    std::vector<std::string> permissions;
    bool expired = false;
    int quota_used = 0;
    int quota_total = 0;
    int calls = 0;
};

// One request as the handlers see it: the account, the path after the
// version, and the parameters from the query, form, multipart or JSON body.
struct GraphCall {
    const httplib::Request& req;
    httplib::Response& res;
    GraphAccount* account = nullptr;
    std::vector<std::string> segments;  // path after "/vX.Y/"
    nlohmann::json json_body;           // object when the body was JSON

    std::string param(const std::string& name) const;
    bool has(const std::string& name) const;
};

struct FakeGraph::Impl {
    httplib::Server server;
    std::thread thread;
    int port = -1;
    mutable std::mutex mutex;
    std::function<Instant()> now = [] {
        return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
    };
    std::string version = "v26.0";
    int processing_polls = 0;
    std::map<std::string, std::string> failing_urls;
    std::map<std::string, GraphAccount> accounts;  // by token
    std::vector<GraphPost> posts;
    std::vector<GraphPhoto> photos;
    std::vector<GraphContainer> containers;
    std::vector<GraphMedia> media;
    std::map<std::string, std::deque<GraphFault>> faults;
    std::map<std::string, int> counts;
    std::vector<std::string> log;
    long long next_id = 17841400000000001;

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port); }
    std::string new_id() { return std::to_string(next_id++); }

    void handle(const httplib::Request& req, httplib::Response& res);
    // Under the lock: answers the call, or an error.
    void dispatch(GraphCall& call, const std::string& method, const std::string& route);
    std::string route_of(const std::string& method, const std::vector<std::string>& segments) const;
    bool authorize(GraphCall& call, const std::string& version);

    // fake_graph_pages.cpp
    void page_feed_post(GraphCall& call);
    void page_photo_post(GraphCall& call);
    void page_feed_get(GraphCall& call);
    // fake_graph_containers.cpp
    void container_create(GraphCall& call);
    void container_publish(GraphCall& call);
    void publishing_limit(GraphCall& call);
    void media_list(GraphCall& call);
    // fake_graph.cpp
    void node_get(GraphCall& call);

    GraphContainer* find_container(const std::string& id);
    std::string container_status(GraphContainer& c, bool poll);
    // fake_graph_media.cpp: fetches a media URL (from a FakeFiles server);
    // nullopt when it cannot.
    std::optional<std::string> fetch(const std::string& url) const;
};

// Answers.
void graph_answer(httplib::Response& res, int status, const nlohmann::json& body);
void graph_fail(httplib::Response& res, int http_status, int code, int subcode,
                const std::string& message, bool is_transient = false);
bool has_permission(const GraphAccount& account, const std::string& permission);
// "2026-01-02T03:00:00+0000", Graph's timestamp form.
std::string graph_time(Instant at);
// fake_graph_media.cpp: "image/jpeg", "image/png", "video/mp4", "".
std::string sniff(const std::string& bytes);

}  // namespace postsched::fakes
