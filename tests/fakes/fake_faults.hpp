#pragma once
// Fault injection shared by the fake servers of Bluesky, LinkedIn, Mastodon
// and X: a queue of FakeFaults per route, request counts, a log of route
// names and the requests being handled.
#include <httplib.h>

#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_mastodon.hpp"  // FakeFault

namespace postsched::fakes {

// Status and a JSON body labelled "application/json; charset=utf-8".
void json_answer(httplib::Response& res, int status, const std::string& body);

// What differs between platforms when a fault replaces an answer: each labels
// its bodies its own way, and a cut-short body should look like the start of
// what that platform really sends.
struct FaultStyle {
    // Sets the status and body of an `answer` fault as the platform would.
    void (*answer)(httplib::Response& res, int status, const std::string& body) = json_answer;
    int malformed_status = 200;
    std::string malformed_body = R"({"uri":"at://did:pl)";
    std::string malformed_type = "application/json";
};

class FaultBook {
  public:
    explicit FaultBook(FaultStyle style = {}) : m_style(std::move(style)) {}

    void inject(const std::string& route, const FakeFault& fault, int times);
    void clear();  // forgets every fault not yet used
    int count(const std::string& route) const;
    std::vector<std::string> log() const;
    // Requests inside a wrapped handler now (waiting, handled or answered).
    int in_flight() const;

    // A handler that consults the book: it waits `before`, then without a
    // fault (or with `none`, `delay`, or `create`) runs `inner`, then applies
    // the fault.
    httplib::Server::Handler wrap(const std::string& route, httplib::Server::Handler inner);

  private:
    // Counts the request as arrived and in flight, and takes the next fault
    // queued for `route`.
    std::optional<FakeFault> begin(const std::string& route);
    void end();

    const FaultStyle m_style;
    mutable std::mutex m_mutex;
    std::map<std::string, std::deque<FakeFault>> m_faults;
    std::map<std::string, int> m_counts;
    std::vector<std::string> m_log;
    int m_in_flight = 0;
};

// Replaces the response as the fault says (drop: headers, then no body).
void apply_fault(const FakeFault& fault, httplib::Response& res, const FaultStyle& style = {});

// Binds `server` to a free 127.0.0.1 port and runs it on `thread` with
// `new_task_queue` (default: a pool of 8 threads); returns the port. Throws
// std::runtime_error when it cannot bind.
int start_server(httplib::Server& server, std::thread& thread, const char* name,
                 std::function<httplib::TaskQueue*()> new_task_queue = {});
void stop_server(httplib::Server& server, std::thread& thread);

}  // namespace postsched::fakes
