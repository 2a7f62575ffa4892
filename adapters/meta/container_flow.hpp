#pragma once
// The container flow shared by Instagram and Threads (meta.md §3, §4): create
// containers for the media (children, then a carousel), poll their status
// until FINISHED, check the publishing quota, publish. Every container id is
// saved as soon as it exists, and a publish request is recorded before it is
// sent, so a pass that runs out of time or crashes resumes with the same
// containers and never publishes twice. Private to adapters/meta/.
#include <string>
#include <string_view>
#include <vector>

#include "adapters/meta/graph.hpp"

namespace postsched::adapters::meta {

// How one platform names the same steps.
struct Dialect {
    std::string_view platform;      // "instagram", "threads"
    std::string_view create_edge;   // "/media", "/threads"
    std::string_view publish_edge;  // "/media_publish", "/threads_publish"
    std::string_view limit_edge;    // "/content_publishing_limit", "/threads_publishing_limit"
    std::string_view list_edge;     // "/media", "/threads"
    std::string_view status_field;  // "status_code", "status"
    std::string_view error_field;   // "status", "error_message"
    std::string_view text_param;    // "caption", "text"
    bool threads = false;           // TEXT posts, reply chains, VIDEO (not REELS) singles
};
extern const Dialect k_instagram;
extern const Dialect k_threads;

struct ContainerRef {
    std::string id;
    std::string created;  // ISO instant
    bool finished = false;
};

// One published part (Instagram: the only one; Threads: a reply chain).
struct PartState {
    std::vector<ContainerRef> children;
    ContainerRef container;  // the one published: single media, carousel or text
    std::string sent_at;     // a publish request went out; its answer is unknown
    std::string id;          // published media id
    std::string url;
};
struct FlowState {
    std::vector<PartState> parts;
};
FlowState parse_flow_state(std::string_view json);
std::string dump_flow_state(const FlowState& state);

struct PollTuning {
    Millis interval{3000};
    int attempts = 5;
};

class ContainerFlow {
  public:
    ContainerFlow(Graph graph, const Dialect& dialect, const PublishRequest& request,
                  const SaveState& save, PollTuning tuning);
    // Publishes every part not yet published. Posted carries the first part.
    Outcome run();

  private:
    void publish_part(std::size_t i);
    void resolve_sent(std::size_t i);
    bool expired(const PartState& part) const;
    void create_children(std::size_t i);
    void create_main(std::size_t i);
    void await(std::size_t i, bool children);
    std::string status_of(const std::string& id, std::string& error);
    void check_quota(std::size_t i);
    void publish(std::size_t i);
    std::string look_up(std::size_t i);
    std::string create(Params params, std::string_view what);
    std::string part_name(std::size_t i) const;
    std::string media_name(std::size_t k) const;
    void save();

    Graph m_graph;
    const Dialect& m_dialect;
    const PublishRequest& m_request;
    const SaveState& m_save;
    PollTuning m_tuning;
    std::vector<std::string> m_parts;
    std::string m_user;  // "/<user id>"
    FlowState m_state;
};

}  // namespace postsched::adapters::meta
