// A cpp-httplib task queue that counts the connections it holds, queued or
// being served. A client killed right after writing a request leaves that
// request to a server thread that may not have started on it yet: only the
// connection count sees it (a handler-level count would read zero).
#pragma once

#include <httplib.h>

#include <atomic>
#include <functional>
#include <memory>

namespace postsched::fakes {

class CountingTaskQueue : public httplib::TaskQueue {
  public:
    CountingTaskQueue(std::size_t threads, std::shared_ptr<std::atomic<int>> open)
        : m_pool(threads), m_open(std::move(open)) {}

    void enqueue(std::function<void()> fn) override {
        ++*m_open;
        m_pool.enqueue([fn = std::move(fn), open = m_open] {
            fn();
            --*open;
        });
    }
    void shutdown() override { m_pool.shutdown(); }

  private:
    httplib::ThreadPool m_pool;
    std::shared_ptr<std::atomic<int>> m_open;
};

}  // namespace postsched::fakes
