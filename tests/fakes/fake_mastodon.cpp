// The fake Mastodon server: routes, auth, validation, idempotency and faults.
#include "fakes/fake_mastodon.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "fakes/counting_task_queue.hpp"
#include "fakes/fake_faults.hpp"
#include "fakes/fake_mastodon_internal.hpp"

namespace postsched::fakes {
namespace {

using nlohmann::json;
using namespace mastodon_rules;

constexpr int k_rate_limit = 300;
const char* const k_not_found = "Record not found";

struct FakeAccount {
    std::string token;
    std::string id;
    std::string username;
    std::vector<std::string> scopes;
};

// Hierarchical scopes: "write" covers "write:statuses".
bool has_scope(const std::vector<std::string>& granted, const std::string& needed) {
    for (const auto& scope : granted) {
        if (scope == needed || needed.starts_with(scope + ":"))
            return true;
    }
    return false;
}

void answer(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json; charset=utf-8");
}

void error(httplib::Response& res, int status, const std::string& message) {
    answer(res, status, json{{"error", message}}.dump());
}

// A cut-short answer looks like the start of a status.
FaultStyle mastodon_fault_style() {
    return {answer, 200, R"({"id":"1090","url":"ht)", "application/json; charset=utf-8"};
}

bool is_image(const std::string& type) {
    return type == "image/jpeg" || type == "image/png" || type == "image/gif" ||
           type == "image/webp";
}

bool is_video(const std::string& type) {
    return type == "video/mp4" || type == "video/webm" || type == "video/quicktime";
}

// Every value of a form or multipart field.
std::vector<std::string> field_values(const httplib::Request& req, const std::string& name) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < req.get_param_value_count(name); ++i) {
        values.push_back(req.get_param_value(name, i));
    }
    for (auto [it, end] = req.files.equal_range(name); it != end; ++it) {
        values.push_back(it->second.content);
    }
    return values;
}

// POST /api/v1/statuses parameters from a JSON, form or multipart body.
std::optional<StatusParams> read_status_params(const httplib::Request& req) {
    const std::string type = req.get_header_value("Content-Type");
    if (type.starts_with("application/json"))
        return status_params_from_json(req.body);
    if (!type.starts_with("application/x-www-form-urlencoded") && !req.is_multipart_form_data()) {
        return std::nullopt;
    }
    return status_params_from_fields(
        [&](const std::string& name) { return field_values(req, name); });
}

}  // namespace

struct FakeMastodon::Impl {
    httplib::Server server;
    std::thread thread;
    int port = -1;
    FaultBook book{mastodon_fault_style()};

    mutable std::mutex mutex;
    std::function<Instant()> now = [] {
        return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
    };
    std::size_t max_characters = 500;
    int video_polls = 2;
    Millis idempotency_ttl = std::chrono::hours(1);
    bool instance_v2 = true;
    std::map<std::string, FakeAccount> accounts;  // by token
    std::vector<FakeStatus> statuses;
    std::vector<FakeMedia> media;
    struct Remembered {
        std::string status_id;
        Instant at;
    };
    std::map<std::string, Remembered> idempotency;  // "<account id>:<key>"
    int authorized = 0;  // requests with a valid token, for X-RateLimit-Remaining
    std::shared_ptr<std::atomic<int>> connections = std::make_shared<std::atomic<int>>(0);
    long long next_id = 109000000000000001;

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port); }
    std::string new_id() { return std::to_string(next_id++); }

    const FakeAccount* account_by_id(const std::string& id) const {
        for (const auto& [token, account] : accounts) {
            if (account.id == id)
                return &account;
        }
        return nullptr;
    }

    // Under the lock. nullptr after answering 401/403.
    const FakeAccount* authorize(const httplib::Request& req, httplib::Response& res,
                                 const std::vector<std::string>& any_of_scopes) {
        const std::string header = req.get_header_value("Authorization");
        const auto it =
            header.starts_with("Bearer ") ? accounts.find(header.substr(7)) : accounts.end();
        if (it == accounts.end()) {
            error(res, 401, "The access token is invalid");
            return nullptr;
        }
        const int used = authorized++;
        res.set_header("X-RateLimit-Limit", std::to_string(k_rate_limit));
        res.set_header("X-RateLimit-Remaining",
                       std::to_string(std::max(0, k_rate_limit - used - 1)));
        res.set_header("X-RateLimit-Reset", iso_micro(now() + std::chrono::minutes(5)));
        for (const auto& scope : any_of_scopes) {
            if (has_scope(it->second.scopes, scope))
                return &it->second;
        }
        error(res, 403, "This action is outside the authorized scopes");
        return nullptr;
    }

    void route(bool post, const std::string& pattern, const std::string& name,
               httplib::Server::Handler inner) {
        auto handler = book.wrap(name, std::move(inner));
        if (post)
            server.Post(pattern, handler);
        else
            server.Get(pattern, handler);
    }

    void serve_verify(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const FakeAccount* account = authorize(req, res, {"profile", "read:accounts"});
        if (!account)
            return;
        answer(res, 200,
               json{{"id", account->id},
                    {"username", account->username},
                    {"acct", account->username},
                    {"display_name", "Display " + account->username},
                    {"url", base_url() + "/@" + account->username}}
                   .dump());
    }

    void serve_instance(bool v2, httplib::Response& res) {
        std::lock_guard lock(mutex);
        if (v2 && !instance_v2)
            return error(res, 404, k_not_found);
        if (!v2 && !instance_v2) {
            return answer(res, 200,
                          json{{"uri", "127.0.0.1"}, {"max_toot_chars", max_characters}}.dump());
        }
        const json configuration = {
            {"statuses",
             {{"max_characters", max_characters},
              {"max_media_attachments", 4},
              {"characters_reserved_per_url", 23}}},
            {"media_attachments",
             {{"supported_mime_types",
               {"image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/webm"}},
              {"image_size_limit", 16777216},
              {"video_size_limit", 103809024},
              {"description_limit", 1500}}}};
        answer(res, 200, json{{"domain", "127.0.0.1"}, {"configuration", configuration}}.dump());
    }

    void serve_upload(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const FakeAccount* account = authorize(req, res, {"write:media"});
        if (!account)
            return;
        const char* invalid = "Validation failed: File content type is invalid, File is invalid";
        if (!req.is_multipart_form_data() || !req.has_file("file"))
            return error(res, 422, invalid);
        const auto file = req.get_file_value("file");
        const bool video = is_video(file.content_type);
        if (file.content.empty() || (!video && !is_image(file.content_type))) {
            return error(res, 422, invalid);
        }
        FakeMedia item{new_id(),
                       account->id,
                       file.content_type,
                       file.filename,
                       req.has_file("description") ? req.get_file_value("description").content : "",
                       file.content.size(),
                       video ? video_polls : 0};
        media.push_back(item);
        answer(res, video ? 202 : 200, media_json(item, base_url(), !video));
    }

    void serve_media_poll(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const FakeAccount* account = authorize(req, res, {"write:media"});
        if (!account)
            return;
        for (auto& item : media) {
            if (item.id != req.matches[1] || item.account_id != account->id)
                continue;
            if (item.polls_left > 0)
                --item.polls_left;
            const bool ready = item.polls_left == 0;
            return answer(res, ready ? 200 : 206, media_json(item, base_url(), ready));
        }
        error(res, 404, k_not_found);
    }

    // Mastodon's PostStatusService order: reply target, idempotency, media, text.
    void serve_status(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const FakeAccount* account = authorize(req, res, {"write:statuses"});
        if (!account)
            return;
        const auto params = read_status_params(req);
        if (!params)
            return error(res, 422, "Validation failed: the request body cannot be read");
        if (!params->in_reply_to_id.empty() && !find_status(params->in_reply_to_id)) {
            return error(res, 404, k_not_found);
        }
        const std::string key = req.get_header_value("Idempotency-Key");
        const std::string memo = account->id + ":" + key;
        if (const auto it = idempotency.find(memo); !key.empty() && it != idempotency.end()) {
            if (now() - it->second.at < idempotency_ttl) {
                return answer(
                    res, 200,
                    status_json(*find_status(it->second.status_id), base_url(), account->username));
            }
            idempotency.erase(it);
        }
        if (const std::string why = invalid_status(*params, media, account->id, max_characters);
            !why.empty()) {
            return error(res, 422, why);
        }
        FakeStatus status{new_id(),
                          account->id,
                          params->status,
                          params->spoiler_text,
                          params->visibility.empty() ? "public" : params->visibility,
                          params->language,
                          params->sensitive,
                          params->in_reply_to_id,
                          params->media_ids,
                          key,
                          now()};
        statuses.push_back(status);
        if (!key.empty())
            idempotency[memo] = {status.id, now()};
        answer(res, 200, status_json(status, base_url(), account->username));
    }

    const FakeStatus* find_status(const std::string& id) const {
        for (const auto& status : statuses) {
            if (status.id == id)
                return &status;
        }
        return nullptr;
    }

    void serve_account_statuses(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        if (!authorize(req, res, {"read:statuses"}))
            return;
        const FakeAccount* owner = account_by_id(req.matches[1]);
        if (!owner)
            return error(res, 404, k_not_found);
        std::size_t limit = 20;
        if (req.has_param("limit"))
            limit = std::min<std::size_t>(40, std::stoul(req.get_param_value("limit")));
        json list = json::array();
        for (auto it = statuses.rbegin(); it != statuses.rend() && list.size() < limit; ++it) {
            if (it->account_id == owner->id)
                list.push_back(json::parse(status_json(*it, base_url(), owner->username)));
        }
        answer(res, 200, list.dump());
    }

    void add_routes() {
        using R = const httplib::Request&;
        using W = httplib::Response&;
        route(false, "/api/v1/accounts/verify_credentials", k_verify,
              [this](R q, W s) { serve_verify(q, s); });
        route(false, "/api/v2/instance", k_instance_v2,
              [this](R, W s) { serve_instance(true, s); });
        route(false, "/api/v1/instance", k_instance_v1,
              [this](R, W s) { serve_instance(false, s); });
        route(true, "/api/v2/media", k_media, [this](R q, W s) { serve_upload(q, s); });
        route(false, R"(/api/v1/media/(\w+))", k_media_poll,
              [this](R q, W s) { serve_media_poll(q, s); });
        route(true, "/api/v1/statuses", k_statuses, [this](R q, W s) { serve_status(q, s); });
        route(false, R"(/api/v1/accounts/(\w+)/statuses)", k_account_statuses,
              [this](R q, W s) { serve_account_statuses(q, s); });
    }
};

FakeMastodon::FakeMastodon(int threads) : m_impl(std::make_unique<Impl>()) {
    m_impl->add_routes();
    m_impl->port = start_server(
        m_impl->server, m_impl->thread, "fake mastodon", [threads, open = m_impl->connections] {
            return new CountingTaskQueue(static_cast<std::size_t>(threads), open);
        });
}

FakeMastodon::~FakeMastodon() {
    stop_server(m_impl->server, m_impl->thread);
}

std::string FakeMastodon::base_url() const {
    return m_impl->base_url();
}
int FakeMastodon::port() const {
    return m_impl->port;
}

void FakeMastodon::add_account(const std::string& token, const std::string& id,
                               const std::string& username, std::vector<std::string> scopes) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->accounts[token] = {token, id, username, std::move(scopes)};
}

void FakeMastodon::set_clock(std::function<Instant()> now) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->now = std::move(now);
}

void FakeMastodon::set_max_characters(std::size_t max) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->max_characters = max;
}

void FakeMastodon::set_video_polls(int polls_before_ready) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->video_polls = polls_before_ready;
}

void FakeMastodon::set_idempotency_ttl(Millis ttl) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->idempotency_ttl = ttl;
}

void FakeMastodon::set_instance_v2(bool available) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->instance_v2 = available;
}

void FakeMastodon::inject(const std::string& route, FakeFault fault, int times) {
    m_impl->book.inject(route, fault, times);
}

void FakeMastodon::clear_faults() {
    m_impl->book.clear();
}

void FakeMastodon::fail_statuses(int status, std::string body, int times) {
    FakeFault fault;
    fault.status = status;
    fault.body = std::move(body);
    inject(k_statuses, fault, times);
}

void FakeMastodon::rate_limit_statuses(const std::string& reset_iso, int times) {
    FakeFault fault;
    fault.status = 429;
    fault.body = R"({"error":"Too many requests"})";
    fault.headers = {{"X-RateLimit-Limit", "300"},
                     {"X-RateLimit-Remaining", "0"},
                     {"X-RateLimit-Reset", reset_iso}};
    inject(k_statuses, fault, times);
}

void FakeMastodon::delay_statuses(Millis delay, int times) {
    FakeFault fault;
    fault.action = FakeFault::Action::delay;
    fault.delay = delay;
    fault.create = true;
    inject(k_statuses, fault, times);
}

void FakeMastodon::drop_statuses(bool create, int times) {
    FakeFault fault;
    fault.action = FakeFault::Action::drop;
    fault.create = create;
    inject(k_statuses, fault, times);
}

void FakeMastodon::malformed_statuses(bool create, int times) {
    FakeFault fault;
    fault.action = FakeFault::Action::malformed;
    fault.create = create;
    inject(k_statuses, fault, times);
}

std::string FakeMastodon::seed_status(FakeStatus status) {
    std::lock_guard lock(m_impl->mutex);
    if (status.id.empty())
        status.id = m_impl->new_id();
    m_impl->statuses.push_back(status);
    return status.id;
}

std::vector<FakeStatus> FakeMastodon::statuses() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->statuses;
}

std::vector<FakeMedia> FakeMastodon::media() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->media;
}

int FakeMastodon::status_requests() const {
    return requests(k_statuses);
}

int FakeMastodon::requests(const std::string& route) const {
    return m_impl->book.count(route);
}

int FakeMastodon::in_flight() const {
    return std::max(m_impl->book.in_flight(), m_impl->connections->load());
}

std::vector<std::string> FakeMastodon::request_log() const {
    return m_impl->book.log();
}

}  // namespace postsched::fakes
