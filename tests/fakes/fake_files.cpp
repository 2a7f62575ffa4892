#include "fakes/fake_files.hpp"
#include "fakes/loopback_bind.hpp"

#include <httplib.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace postsched::fakes {

struct FakeFiles::Impl {
    httplib::Server server;
    std::thread thread;
    int port = 0;
    mutable std::mutex mutex;
    std::map<std::string, std::pair<std::string, std::string>> files;  // path → (type, body)
    std::map<std::string, int> fetches;
};

FakeFiles::FakeFiles() : m_impl(std::make_unique<Impl>()) {
    auto* impl = m_impl.get();
    impl->server.Get(".*", [impl](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(impl->mutex);
        ++impl->fetches[req.path];
        auto it = impl->files.find(req.path);
        if (it == impl->files.end()) {
            res.status = 404;
            return;
        }
        res.set_content(it->second.second, it->second.first.c_str());
    });
    impl->port = bind_loopback(impl->server);
    impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
    for (int i = 0; i < 5000 && !impl->server.is_running(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeFiles::~FakeFiles() {
    m_impl->server.stop();
    if (m_impl->thread.joinable())
        m_impl->thread.join();
}

void FakeFiles::put(const std::string& path, std::string body, std::string content_type) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->files[path] = {std::move(content_type), std::move(body)};
}

std::string FakeFiles::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_impl->port) + path;
}

int FakeFiles::fetches(const std::string& path) const {
    std::lock_guard lock(m_impl->mutex);
    auto it = m_impl->fetches.find(path);
    return it == m_impl->fetches.end() ? 0 : it->second;
}

std::string tiny_png() {
    static const unsigned char k_png[] = {
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
        0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
        0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78,
        0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00,
        0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82};
    return std::string(reinterpret_cast<const char*>(k_png), sizeof k_png);
}

}  // namespace postsched::fakes
