#pragma once
// A strict fake of the Graph API surfaces postsched uses (meta.md §7): Facebook
// Pages (/feed, /photos), Instagram (/media, /media_publish,
// /content_publishing_limit) and Threads (/threads, /threads_publish,
// /threads_publishing_limit) on 127.0.0.1. It checks the version prefix
// (Threads: v1.0), the token (Bearer/OAuth header or access_token param), the
// permissions, parameters and limits; containers stay IN_PROGRESS for a set
// number of polls and expire after 24 h; errors have the real JSON shape and
// usage headers. It counts what was published so tests assert "exactly once".
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace postsched::fakes {

// An injected answer for the next request(s) to one route.
struct GraphFault {
    int http_status = 500;
    std::string body;  // a Graph error body; see graph_error_body
    std::vector<std::pair<std::string, std::string>> headers;
    // The request takes effect first ("created, then the answer was lost").
    bool create = false;
    bool drop = false;  // close the connection without a complete answer
    bool pass = false;  // handle normally: lets a later queued fault hit a later request
    Millis delay{0};    // handle, then wait this long before answering
};
// {"error":{"message":..,"type":"OAuthException","code":..,"error_subcode":..,
//  "is_transient":..,"fbtrace_id":..}} (subcode 0: left out).
std::string graph_error_body(int code, int subcode, const std::string& message,
                             bool is_transient = false);
GraphFault graph_fault(int http_status, int code, int subcode, const std::string& message,
                       bool is_transient = false);

struct GraphPost {   // a Facebook Page post
    std::string id;  // "<page>_<n>"
    std::string page_id;
    std::string message;
    std::string link;
    std::vector<std::string> photo_ids;  // attached or the single photo
    Instant created{};
};

struct GraphPhoto {
    std::string id;
    std::string page_id;
    std::string url;  // empty for uploads
    std::string caption;
    std::string alt;
    std::size_t bytes = 0;
    bool published = false;
    bool attached = false;
};

struct GraphContainer {  // Instagram or Threads
    std::string id;
    std::string owner;
    std::string platform;  // "instagram" or "threads"
    std::string media_type;
    std::string url;
    std::string text;
    std::string reply_to;
    std::vector<std::string> children;
    bool carousel_item = false;
    int polls_left = 0;
    std::string error;  // set: status ERROR with this text
    std::string published_id;
    Instant created{};
};

struct GraphMedia {  // a published Instagram or Threads post
    std::string id;
    std::string owner;
    std::string platform;
    std::string container_id;
    std::string media_type;
    std::string text;
    std::string reply_to;
    std::vector<std::string> urls;  // of the container and its children
    Instant created{};
};

class FakeGraph {
  public:
    // Route names for inject() and requests().
    static constexpr const char* k_feed = "POST feed";
    static constexpr const char* k_photos = "POST photos";
    static constexpr const char* k_node = "GET node";
    static constexpr const char* k_page_feed = "GET feed";
    static constexpr const char* k_ig_create = "POST media";
    static constexpr const char* k_ig_publish = "POST media_publish";
    static constexpr const char* k_ig_limit = "GET content_publishing_limit";
    static constexpr const char* k_ig_list = "GET media";
    static constexpr const char* k_th_create = "POST threads";
    static constexpr const char* k_th_publish = "POST threads_publish";
    static constexpr const char* k_th_limit = "GET threads_publishing_limit";
    static constexpr const char* k_th_list = "GET threads";

    FakeGraph();
    ~FakeGraph();
    FakeGraph(const FakeGraph&) = delete;
    FakeGraph& operator=(const FakeGraph&) = delete;

    std::string base_url() const;  // "http://127.0.0.1:<port>"

    // Accounts reachable with `token`. Default permissions are what posting needs.
    void add_page(const std::string& token, const std::string& page_id, const std::string& name,
                  std::vector<std::string> permissions = {
                      "pages_manage_posts", "pages_read_engagement", "pages_show_list"});
    void add_instagram(const std::string& token, const std::string& ig_id,
                       const std::string& username,
                       std::vector<std::string> permissions = {"instagram_basic",
                                                               "instagram_content_publish",
                                                               "pages_read_engagement"});
    void add_threads(const std::string& token, const std::string& user_id,
                     const std::string& username,
                     std::vector<std::string> permissions = {"threads_basic",
                                                             "threads_content_publish"});
    // The token answers 190/463 "Session has expired" from now on.
    void expire_token(const std::string& token);

    void set_clock(std::function<Instant()> now);
    void set_graph_version(const std::string& version);  // default "v26.0"; Threads is v1.0
    // Status checks answered IN_PROGRESS before FINISHED, for new containers.
    void set_processing_polls(int polls);
    void finish_processing();  // every container processed now
    // Containers of this media URL end in ERROR with `error` after processing.
    void fail_processing(const std::string& url, const std::string& error);
    void set_quota(const std::string& owner_id, int used, int total);

    void inject(const std::string& route, GraphFault fault, int times = 1);

    std::vector<GraphPost> posts() const;
    std::vector<GraphPhoto> photos() const;
    std::vector<GraphContainer> containers() const;
    std::vector<GraphMedia> media() const;  // published IG and Threads posts
    int requests(const std::string& route) const;
    // Every request's "METHOD path?query" as received (tests check no token leaks into URLs).
    std::vector<std::string> request_log() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> m_impl;
};

// A tiny valid JPEG (1×1).
std::string tiny_jpeg();
// An MP4 file's first boxes: what the fake needs to tell a video.
std::string tiny_mp4();

}  // namespace postsched::fakes
