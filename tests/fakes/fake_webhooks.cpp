#include "fakes/fake_webhooks.hpp"
#include "fakes/loopback_bind.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

namespace postsched::fakes {

namespace {

using nlohmann::json;

constexpr std::size_t k_thread_pool = 16;
constexpr int k_start_wait_ms = 5000;
constexpr std::size_t k_discord_max_chars = 2000;
constexpr std::size_t k_discord_max_files = 10;
constexpr unsigned long long k_first_snowflake = 1200000000000000000ULL;
constexpr std::string_view k_channel_id = "998877665544332211";

std::size_t count_code_points(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

bool is_json_request(const httplib::Request& req) {
    return starts_with(req.get_header_value("Content-Type"), "application/json");
}

void answer_json(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
}

void answer_text(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "text/html");
}

std::string text_or_empty(const json& j, const char* key) {
    if (!j.is_object() || !j.contains(key) || !j[key].is_string())
        return {};
    return j[key].get<std::string>();
}

// The JSON payload of a Discord request (body, or payload_json of a
// multipart upload, whose files[n] are counted into `hook`); null when the
// request carries neither.
json read_discord(const httplib::Request& req, ReceivedHook& hook) {
    if (is_json_request(req)) {
        hook.body = req.body;
    } else if (req.is_multipart_form_data() && req.has_file("payload_json")) {
        hook.body = req.get_file_value("payload_json").content;
        for (const auto& [name, part] : req.files) {
            if (!starts_with(name, "files["))
                continue;
            ++hook.files;
            hook.file_types.push_back(part.content_type);
        }
    } else {
        return nullptr;
    }
    json payload = json::parse(hook.body, nullptr, false);
    if (payload.is_object()) {
        hook.text = text_or_empty(payload, "content");
        hook.username = text_or_empty(payload, "username");
    }
    return payload;
}

// Discord's 400 answer for a payload it refuses, if it does.
std::optional<json> discord_refusal(const json& payload, const ReceivedHook& hook) {
    if (payload.is_null() || (hook.text.empty() && hook.files == 0 && payload.is_object())) {
        return json{{"message", "Cannot send an empty message"}, {"code", 50006}};
    }
    if (!payload.is_object()) {
        return json{{"message", "The request body contains invalid JSON."}, {"code", 50109}};
    }
    if (count_code_points(hook.text) > k_discord_max_chars) {
        return json{{"content", json::array({"Must be 2000 or fewer in length."})}};
    }
    if (hook.files > k_discord_max_files) {
        return json{{"message", "Maximum number of attachments exceeded"}, {"code", 30015}};
    }
    return std::nullopt;
}

}  // namespace

struct FakeWebhooks::Impl {
    httplib::Server server;
    std::thread thread;
    int port = 0;

    mutable std::mutex mutex;
    std::deque<HookFault> faults;
    std::chrono::milliseconds delay{0};
    std::map<HookKind, std::vector<ReceivedHook>> received;
    std::map<HookKind, std::size_t> requests;
    std::map<std::string, json> deliveries;  // JSON receiver: Idempotency-Key → answer
    unsigned long long next_id = k_first_snowflake;

    Impl();
    std::string base() const { return "http://127.0.0.1:" + std::to_string(port); }
    std::string new_id() {
        const std::lock_guard lock(mutex);
        return std::to_string(next_id++);
    }
    void record(ReceivedHook hook) {
        const std::lock_guard lock(mutex);
        received[hook.kind].push_back(std::move(hook));
    }

    // Counts the request and takes the fault that applies to it, if any.
    std::optional<HookFault> begin(HookKind kind);
    void apply(const HookFault& fault, httplib::Response& res) const;
    // Runs `handle` under the fault rules for `kind`.
    template <typename Handler>
    void serve(HookKind kind, httplib::Response& res, Handler handle);

    void discord(const httplib::Request& req, httplib::Response& res);
    void slack(const httplib::Request& req, httplib::Response& res);
    void generic(const httplib::Request& req, httplib::Response& res);
};

FakeWebhooks::Impl::Impl() {
    server.new_task_queue = [] { return new httplib::ThreadPool(k_thread_pool); };
    // One request per connection: no keep-alive wait delays stop().
    server.set_keep_alive_max_count(1);
    server.Post(R"(/api/webhooks/([^/]+)/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                    serve(HookKind::discord, res, [&] { discord(req, res); });
                });
    server.Post(R"(/services/(.*))", [this](const httplib::Request& req, httplib::Response& res) {
        serve(HookKind::slack, res, [&] { slack(req, res); });
    });
    server.Post(R"(/hooks/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
        serve(HookKind::json, res, [&] { generic(req, res); });
    });
}

std::optional<HookFault> FakeWebhooks::Impl::begin(HookKind kind) {
    const std::lock_guard lock(mutex);
    ++requests[kind];
    for (auto it = faults.begin(); it != faults.end(); ++it) {
        if (it->kind && *it->kind != kind)
            continue;
        if (it->skip > 0) {
            --it->skip;
            return std::nullopt;
        }
        HookFault fault = *it;
        if (--it->times == 0)
            faults.erase(it);
        return fault;
    }
    return std::nullopt;
}

void FakeWebhooks::Impl::apply(const HookFault& fault, httplib::Response& res) const {
    std::this_thread::sleep_for(fault.delay);
    if (fault.drop_connection) {
        // Headers go out, then the body provider fails: the connection closes
        // with the answer incomplete, as when a server dies mid-response.
        res.status = 200;
        res.set_content_provider(
            64, "application/json",
            [](std::size_t, std::size_t, httplib::DataSink&) { return false; });
        return;
    }
    res.status = fault.status;
    res.set_content(fault.body, fault.content_type);
    for (const auto& [name, value] : fault.headers)
        res.set_header(name, value);
}

template <typename Handler>
void FakeWebhooks::Impl::serve(HookKind kind, httplib::Response& res, Handler handle) {
    const auto fault = begin(kind);
    std::chrono::milliseconds pause;
    {
        const std::lock_guard lock(mutex);
        pause = delay;
    }
    std::this_thread::sleep_for(pause);
    if (fault && !fault->deliver)
        return apply(*fault, res);
    handle();
    if (fault) {
        res = httplib::Response();
        apply(*fault, res);
    }
}

void FakeWebhooks::Impl::discord(const httplib::Request& req, httplib::Response& res) {
    if (req.matches[1].str() != k_discord_id) {
        return answer_json(res, 404, {{"message", "Unknown Webhook"}, {"code", 10015}});
    }
    if (req.matches[2].str() != k_discord_token) {
        return answer_json(res, 401, {{"message", "Invalid Webhook Token"}, {"code", 50027}});
    }
    ReceivedHook hook;
    hook.kind = HookKind::discord;
    hook.path = req.path;
    const json payload = read_discord(req, hook);
    if (const auto refusal = discord_refusal(payload, hook))
        return answer_json(res, 400, *refusal);
    json attachments = json::array();
    if (payload.contains("attachments") && payload["attachments"].is_array()) {
        for (const auto& a : payload["attachments"]) {
            hook.descriptions.push_back(text_or_empty(a, "description"));
            attachments.push_back({{"id", new_id()}, {"filename", text_or_empty(a, "filename")}});
        }
    }
    hook.id = new_id();
    const json message = {{"id", hook.id},
                          {"type", 0},
                          {"content", hook.text},
                          {"channel_id", k_channel_id},
                          {"webhook_id", k_discord_id},
                          {"attachments", attachments},
                          {"author",
                           {{"bot", true},
                            {"id", k_discord_id},
                            {"username", hook.username.empty() ? "Captain Hook" : hook.username}}}};
    record(std::move(hook));
    if (req.get_param_value("wait") != "true") {
        res.status = 204;
        return;
    }
    answer_json(res, 200, message);
}

void FakeWebhooks::Impl::slack(const httplib::Request& req, httplib::Response& res) {
    const std::string expected = "/services/" + std::string(k_slack_team) + "/" +
                                 std::string(k_slack_bot) + "/" + std::string(k_slack_secret);
    if (req.path != expected)
        return answer_text(res, 404, "no_service");
    const json payload = json::parse(req.body, nullptr, false);
    if (!is_json_request(req) || !payload.is_object()) {
        return answer_text(res, 400, "invalid_payload");
    }
    ReceivedHook hook;
    hook.kind = HookKind::slack;
    hook.path = req.path;
    hook.body = req.body;
    hook.text = text_or_empty(payload, "text");
    if (hook.text.empty())
        return answer_text(res, 400, "no_text");
    record(std::move(hook));
    answer_text(res, 200, "ok");
}

void FakeWebhooks::Impl::generic(const httplib::Request& req, httplib::Response& res) {
    const json payload = json::parse(req.body, nullptr, false);
    if (!is_json_request(req) || !payload.is_object()) {
        return answer_json(res, 400, {{"error", "the body must be a JSON object"}});
    }
    const std::string key = req.get_header_value("Idempotency-Key");
    std::unique_lock lock(mutex);
    if (!key.empty()) {
        if (const auto it = deliveries.find(key); it != deliveries.end()) {
            return answer_json(res, 200, it->second);
        }
    }
    ReceivedHook hook;
    hook.kind = HookKind::json;
    hook.path = req.path;
    hook.body = req.body;
    hook.text = text_or_empty(payload, "text");
    hook.idempotency_key = key;
    if (payload.contains("media") && payload["media"].is_array()) {
        hook.files = payload["media"].size();
    }
    hook.id = "gen-" + std::to_string(next_id++);
    const json answer = {{"id", hook.id}, {"url", base() + "/posts/" + hook.id}};
    if (!key.empty())
        deliveries[key] = answer;
    received[HookKind::json].push_back(std::move(hook));
    lock.unlock();
    answer_json(res, 200, answer);
}

FakeWebhooks::FakeWebhooks() : m_impl(std::make_unique<Impl>()) {
    m_impl->port = bind_loopback(m_impl->server);
    if (m_impl->port <= 0) {
        throw std::runtime_error("fake webhooks: cannot bind 127.0.0.1");
    }
    m_impl->thread = std::thread([impl = m_impl.get()] { impl->server.listen_after_bind(); });
    // stop() before the accept loop runs would be lost and the join would hang.
    for (int i = 0; i < k_start_wait_ms && !m_impl->server.is_running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!m_impl->server.is_running()) {
        m_impl->server.stop();
        m_impl->thread.join();
        throw std::runtime_error("fake webhooks: the server did not start");
    }
}

FakeWebhooks::~FakeWebhooks() {
    m_impl->server.stop();
    if (m_impl->thread.joinable())
        m_impl->thread.join();
}

std::string FakeWebhooks::base_url() const {
    return m_impl->base();
}

std::string FakeWebhooks::discord_url() const {
    return discord_url(k_discord_id, k_discord_token);
}

std::string FakeWebhooks::discord_url(std::string_view id, std::string_view token) const {
    return base_url() + "/api/webhooks/" + std::string(id) + "/" + std::string(token);
}

std::string FakeWebhooks::slack_url() const {
    return base_url() + "/services/" + std::string(k_slack_team) + "/" + std::string(k_slack_bot) +
           "/" + std::string(k_slack_secret);
}

std::string FakeWebhooks::json_url() const {
    return base_url() + "/hooks/" + std::string(k_json_secret);
}

void FakeWebhooks::add_fault(HookFault fault) {
    if (fault.times == 0)
        return;
    const std::lock_guard lock(m_impl->mutex);
    m_impl->faults.push_back(std::move(fault));
}

void FakeWebhooks::set_delay(std::chrono::milliseconds delay) {
    const std::lock_guard lock(m_impl->mutex);
    m_impl->delay = delay;
}

std::vector<ReceivedHook> FakeWebhooks::received(HookKind kind) const {
    const std::lock_guard lock(m_impl->mutex);
    const auto it = m_impl->received.find(kind);
    return it == m_impl->received.end() ? std::vector<ReceivedHook>{} : it->second;
}

std::size_t FakeWebhooks::request_count(HookKind kind) const {
    const std::lock_guard lock(m_impl->mutex);
    const auto it = m_impl->requests.find(kind);
    return it == m_impl->requests.end() ? 0 : it->second;
}

void FakeWebhooks::reset() {
    const std::lock_guard lock(m_impl->mutex);
    m_impl->faults.clear();
    m_impl->delay = std::chrono::milliseconds(0);
    m_impl->received.clear();
    m_impl->requests.clear();
    m_impl->deliveries.clear();
}

}  // namespace postsched::fakes
