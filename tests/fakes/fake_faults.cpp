#include "fakes/fake_faults.hpp"

#include <stdexcept>
#include <thread>

#include "fakes/loopback_bind.hpp"

namespace postsched::fakes {

void json_answer(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json; charset=utf-8");
}

void FaultBook::inject(const std::string& route, const FakeFault& fault, int times) {
    std::lock_guard lock(m_mutex);
    for (int i = 0; i < times; ++i)
        m_faults[route].push_back(fault);
}

void FaultBook::clear() {
    std::lock_guard lock(m_mutex);
    m_faults.clear();
}

std::optional<FakeFault> FaultBook::begin(const std::string& route) {
    std::lock_guard lock(m_mutex);
    ++m_counts[route];
    ++m_in_flight;
    m_log.push_back(route);
    auto& queue = m_faults[route];
    if (queue.empty())
        return std::nullopt;
    FakeFault fault = queue.front();
    queue.pop_front();
    return fault;
}

void FaultBook::end() {
    std::lock_guard lock(m_mutex);
    --m_in_flight;
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

int FaultBook::in_flight() const {
    std::lock_guard lock(m_mutex);
    return m_in_flight;
}

httplib::Server::Handler FaultBook::wrap(const std::string& route, httplib::Server::Handler inner) {
    return [this, route, inner](const httplib::Request& req, httplib::Response& res) {
        const std::optional<FakeFault> fault = begin(route);
        if (fault && fault->before.count() > 0)
            std::this_thread::sleep_for(fault->before);
        const bool handle = !fault || fault->create || fault->action == FakeFault::Action::none ||
                            fault->action == FakeFault::Action::delay;
        if (handle)
            inner(req, res);
        if (fault)
            apply_fault(*fault, res, m_style);
        end();
    };
}

void apply_fault(const FakeFault& fault, httplib::Response& res, const FaultStyle& style) {
    switch (fault.action) {
        case FakeFault::Action::none:
            break;
        case FakeFault::Action::answer:
            res.headers.clear();
            for (const auto& [name, value] : fault.headers)
                res.set_header(name, value);
            style.answer(res, fault.status, fault.body);
            break;
        case FakeFault::Action::delay:
            std::this_thread::sleep_for(fault.delay);
            break;
        case FakeFault::Action::drop:
            // Headers go out, then the body never comes: the connection closes.
            res.status = 200;
            res.body.clear();  // a body would be sent instead of the provider
            res.set_content_provider(
                64, "application/json",
                [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
            break;
        case FakeFault::Action::malformed:
            res.status = style.malformed_status;
            res.set_content(style.malformed_body, style.malformed_type);
            break;
    }
}

int start_server(httplib::Server& server, std::thread& thread, const char* name,
                 std::function<httplib::TaskQueue*()> new_task_queue) {
    if (new_task_queue)
        server.new_task_queue = std::move(new_task_queue);
    else
        server.new_task_queue = [] { return new httplib::ThreadPool(8); };
    const int port = bind_loopback(server);
    if (port <= 0)
        throw std::runtime_error(std::string(name) + ": cannot bind 127.0.0.1");
    thread = std::thread([&server] { server.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so wait for it: a fake
    // destroyed at once (tests of refused connections) must still stop.
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
