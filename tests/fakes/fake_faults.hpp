#pragma once
// Fault injection shared by the fake servers of Bluesky and LinkedIn: a queue
// of FakeFaults per route, request counts and a log of route names.
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

class FaultBook {
  public:
    void inject(const std::string& route, const FakeFault& fault, int times);
    // Counts the request and takes the next fault queued for `route`.
    std::optional<FakeFault> begin(const std::string& route);
    int count(const std::string& route) const;
    std::vector<std::string> log() const;

    // A handler that consults the book: without a fault (or with `none`,
    // `delay`, or `create`) it runs `inner`, then applies the fault.
    httplib::Server::Handler wrap(const std::string& route, httplib::Server::Handler inner);

  private:
    mutable std::mutex m_mutex;
    std::map<std::string, std::deque<FakeFault>> m_faults;
    std::map<std::string, int> m_counts;
    std::vector<std::string> m_log;
};

// Replaces the response as the fault says (drop: headers, then no body).
void apply_fault(const FakeFault& fault, httplib::Response& res);

// Binds `server` to a free 127.0.0.1 port and runs it on `thread`; returns
// the port. Throws std::runtime_error when it cannot bind.
int start_server(httplib::Server& server, std::thread& thread, const char* name);
void stop_server(httplib::Server& server, std::thread& thread);

}  // namespace postsched::fakes
