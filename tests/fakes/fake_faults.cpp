#include "fakes/fake_faults.hpp"
#include "fakes/loopback_bind.hpp"

#include <stdexcept>
#include <thread>

namespace postsched::fakes {

void FaultBook::inject(const std::string& route, const FakeFault& fault, int times) {
    std::lock_guard lock(m_mutex);
    for (int i = 0; i < times; ++i)
        m_faults[route].push_back(fault);
}

std::optional<FakeFault> FaultBook::begin(const std::string& route) {
    std::lock_guard lock(m_mutex);
    ++m_counts[route];
    m_log.push_back(route);
    auto& queue = m_faults[route];
    if (queue.empty())
        return std::nullopt;
    FakeFault fault = queue.front();
    queue.pop_front();
    return fault;
}

int FaultBook::count(const std::string& route) const {
    std::lock_guard lock(m_mutex);
    const auto it = m_counts.find(route);
    return it == m_counts.end() ? 0 : it->second;
}

std::vector<std::string> FaultBook::log() const {
    std::lock_guard lock(m_mutex);
    return m_log;
}

httplib::Server::Handler FaultBook::wrap(const std::string& route, httplib::Server::Handler inner) {
    return [this, route, inner](const httplib::Request& req, httplib::Response& res) {
        const std::optional<FakeFault> fault = begin(route);
        const bool handle = !fault || fault->create || fault->action == FakeFault::Action::none ||
                            fault->action == FakeFault::Action::delay;
        if (handle)
            inner(req, res);
        if (fault)
            apply_fault(*fault, res);
    };
}

void apply_fault(const FakeFault& fault, httplib::Response& res) {
    switch (fault.action) {
        case FakeFault::Action::none:
            break;
        case FakeFault::Action::answer:
            res.headers.clear();
            for (const auto& [name, value] : fault.headers)
                res.set_header(name, value);
            res.status = fault.status;
            res.set_content(fault.body, "application/json; charset=utf-8");
            break;
        case FakeFault::Action::delay:
            std::this_thread::sleep_for(fault.delay);
            break;
        case FakeFault::Action::drop:
            res.status = 200;
            res.body.clear();
            res.set_content_provider(
                64, "application/json",
                [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
            break;
        case FakeFault::Action::malformed:
            res.status = 200;
            res.set_content(R"({"uri":"at://did:pl)", "application/json");
            break;
    }
}

int start_server(httplib::Server& server, std::thread& thread, const char* name) {
    server.new_task_queue = [] { return new httplib::ThreadPool(8); };
    const int port = bind_loopback(server);
    if (port <= 0)
        throw std::runtime_error(std::string(name) + ": cannot bind 127.0.0.1");
    thread = std::thread([&server] { server.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server.is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return port;
}

void stop_server(httplib::Server& server, std::thread& thread) {
    server.stop();
    if (thread.joinable())
        thread.join();
}

}  // namespace postsched::fakes
