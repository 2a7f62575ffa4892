// The fake X server: routes, Bearer and OAuth 1.0a checks, tweets, the
// chunked media upload, lookups and faults.
#include "fakes/fake_x.hpp"

#include <httplib.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "core/time_format.hpp"
#include "fakes/fake_faults.hpp"
#include "fakes/fake_x_internal.hpp"
#include "text/twitter_text.hpp"

namespace postsched::fakes {
namespace {

using nlohmann::json;
using namespace x_rules;

struct FakeUser {
    std::string id;
    std::string username;
};

void answer(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, status >= 400 ? "application/problem+json" : "application/json");
}

std::string iso_seconds(Instant t) {
    std::string s = format_instant(t);
    return s.substr(0, 19) + ".000Z";
}

// X labels problems application/problem+json, and a cut-short answer looks
// like the start of a created tweet.
FaultStyle x_fault_style() {
    return {answer, 201, R"({"data":{"id":"18)", "application/json"};
}

}  // namespace

std::string x_problem(int status) {
    switch (status) {
        case 401:
            return problem(401, "Unauthorized", "Unauthorized");
        case 402:
            return problem(402, "Payment Required",
                           "Your enrolled account does not have any credits to fulfill this "
                           "request.",
                           "https://api.x.com/2/problems/credits");
        case 403:
            return problem(403, "Forbidden",
                           "You are not allowed to create a Tweet with duplicate content.");
        case 429:
            return problem(429, "Too Many Requests", "Too Many Requests");
        default:
            return problem(status, "Service Unavailable", "Service Unavailable");
    }
}

struct FakeX::Impl {
    httplib::Server server;
    std::thread thread;
    int port = -1;
    FaultBook book{x_fault_style()};

    mutable std::mutex mutex;
    std::function<Instant()> now = [] {
        return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
    };
    int processing_polls = 2;
    std::map<std::string, FakeUser> bearer_users;
    struct OAuth1User {
        net::OAuth1Credentials credentials;
        FakeUser user;
    };
    std::vector<OAuth1User> oauth1_users;
    std::set<std::string> nonces;
    std::vector<FakeTweet> tweets;
    std::vector<FakeXMedia> media;
    std::vector<std::string> authorizations;
    long long next_id = 1880000000000000001;

    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port); }
    std::string new_id() { return std::to_string(next_id++); }

    // Under the lock. nullopt after answering 401.
    std::optional<FakeUser> authorize(const httplib::Request& req, httplib::Response& res,
                                      const std::string& method) {
        const std::string header = req.get_header_value("Authorization");
        authorizations.push_back(header);
        if (header.starts_with("Bearer ")) {
            if (auto it = bearer_users.find(header.substr(7)); it != bearer_users.end())
                return it->second;
        } else if (auto user = check_signature(req, header, method)) {
            return user;
        }
        answer(res, 401, x_problem(401));
        return std::nullopt;
    }

    // Recomputes the OAuth 1.0a signature over method, URL and query.
    std::optional<FakeUser> check_signature(const httplib::Request& req, const std::string& header,
                                            const std::string& method) {
        net::Params params = net::parse_oauth1_header(header);
        std::map<std::string, std::string> oauth(params.begin(), params.end());
        if (oauth["oauth_signature_method"] != "HMAC-SHA1" || oauth["oauth_nonce"].empty() ||
            oauth["oauth_timestamp"].empty() ||
            (oauth.contains("oauth_version") && oauth["oauth_version"] != "1.0")) {
            return std::nullopt;
        }
        if (!nonces.insert(oauth["oauth_nonce"]).second)
            return std::nullopt;  // a replayed nonce
        for (const auto& candidate : oauth1_users) {
            const auto& c = candidate.credentials;
            if (c.consumer_key != oauth["oauth_consumer_key"] || c.token != oauth["oauth_token"])
                continue;
            net::Params signed_params;
            for (const auto& [key, value] : params) {
                if (key != "oauth_signature")
                    signed_params.emplace_back(key, value);
            }
            for (const auto& [key, value] : req.params)
                signed_params.emplace_back(key, value);
            const std::string base =
                net::oauth1_base_string(method, base_url() + req.path, signed_params);
            if (net::oauth1_signature(base, c.consumer_secret, c.token_secret) ==
                oauth["oauth_signature"]) {
                return candidate.user;
            }
        }
        return std::nullopt;
    }

    void route(const std::string& method, const std::string& pattern, const std::string& name,
               httplib::Server::Handler inner) {
        auto handler = book.wrap(name, std::move(inner));
        if (method == "POST")
            server.Post(pattern, handler);
        else
            server.Get(pattern, handler);
    }

    bool json_body(const httplib::Request& req, httplib::Response& res) {
        if (req.get_header_value("Content-Type").starts_with("application/json"))
            return true;
        answer(res, 415,
               problem(415, "Unsupported Media Type", "Content-Type must be application/json"));
        return false;
    }

    // Under the lock: the user and parsed body of a JSON POST, or nullopt
    // after answering 401, 415 or 400.
    template <class Params>
    std::optional<std::pair<FakeUser, Params>> json_post(
        const httplib::Request& req, httplib::Response& res,
        std::optional<Params> (*parse)(const std::string&, std::string&)) {
        auto user = authorize(req, res, "POST");
        if (!user || !json_body(req, res))
            return std::nullopt;
        std::string error;
        auto params = parse(req.body, error);
        if (!params) {
            answer(res, 400, error);
            return std::nullopt;
        }
        return std::pair{*user, *params};
    }

    void serve_me(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        auto user = authorize(req, res, "GET");
        if (!user)
            return;
        answer(res, 200,
               json{{"data",
                     {{"id", user->id},
                      {"name", "Name " + user->username},
                      {"username", user->username}}}}
                   .dump());
    }

    const FakeTweet* find_tweet(const std::string& id) const {
        for (const auto& t : tweets) {
            if (t.id == id)
                return &t;
        }
        return nullptr;
    }

    FakeXMedia* find_media(const std::string& id, const std::string& user) {
        for (auto& m : media) {
            if (m.id == id && m.user_id == user)
                return &m;
        }
        return nullptr;
    }

    void serve_tweet(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const auto call = json_post(req, res, parse_tweet_body);
        if (!call)
            return;
        const auto& [user, params] = *call;
        for (const auto& id : params.media_ids) {
            const FakeXMedia* m = find_media(id, user.id);
            if (!m || !m->finalized || (!m->succeeded && m->category != "tweet_image"))
                return answer(res, 400,
                              invalid_request("$.media.media_ids", "Your media IDs are invalid."));
        }
        if (!params.in_reply_to.empty() && !find_tweet(params.in_reply_to)) {
            return answer(res, 403,
                          problem(403, "Forbidden",
                                  "You attempted to reply to a Tweet that is deleted or not "
                                  "visible to you."));
        }
        if (params.has_text &&
            !text::parse_tweet(params.text, text::TwitterTextConfig::v3()).valid) {
            return answer(res, 403, problem(403, "Forbidden", "Your Tweet text is too long."));
        }
        for (const auto& t : tweets) {
            if (t.user_id == user.id && params.has_text && t.text == params.text)
                return answer(res, 403, x_problem(403));
        }
        FakeTweet tweet{new_id(),           user.id,          params.text,
                        params.in_reply_to, params.media_ids, now()};
        tweets.push_back(tweet);
        answer(res, 201,
               json{{"data",
                     {{"id", tweet.id},
                      {"text", rendered_text(tweet.text)},
                      {"edit_history_tweet_ids", {tweet.id}}}}}
                   .dump());
    }

    void serve_user_tweets(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        if (!authorize(req, res, "GET"))
            return;
        int max = 10;
        if (req.has_param("max_results")) {
            max = std::stoi(req.get_param_value("max_results"));
            if (max < 5 || max > 100)
                return answer(res, 400,
                              invalid_request("max_results",
                                              "The `max_results` query parameter value "
                                              "is not between 5 and 100"));
        }
        std::optional<Instant> since;
        if (req.has_param("start_time")) {
            since = parse_offset_instant(req.get_param_value("start_time"));
            if (!since)
                return answer(res, 400, invalid_request("start_time", "Invalid start_time"));
        }
        json data = json::array();
        for (auto it = tweets.rbegin(); it != tweets.rend() && static_cast<int>(data.size()) < max;
             ++it) {
            if (it->user_id != req.matches[1] || (since && it->created_at < *since))
                continue;
            json t = {{"id", it->id},
                      {"text", rendered_text(it->text)},
                      {"created_at", iso_seconds(it->created_at)},
                      {"edit_history_tweet_ids", {it->id}}};
            if (!it->in_reply_to.empty())
                t["referenced_tweets"] = {{{"type", "replied_to"}, {"id", it->in_reply_to}}};
            data.push_back(t);
        }
        json body = {{"meta", {{"result_count", data.size()}}}};
        if (!data.empty())
            body["data"] = data;  // X omits "data" when nothing matched
        answer(res, 200, body.dump());
    }

    void serve_initialize(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const auto call = json_post(req, res, parse_initialize_body);
        if (!call)
            return;
        const auto& [user, params] = *call;
        FakeXMedia m;
        m.id = new_id();
        m.user_id = user.id;
        m.media_type = params.media_type;
        m.category = params.category;
        m.total_bytes = params.total_bytes;
        media.push_back(m);
        answer(res, 200,
               json{{"data",
                     {{"id", m.id}, {"media_key", "3_" + m.id}, {"expires_after_secs", 86400}}}}
                   .dump());
    }

    // Under the lock: the caller's upload named in the path, still open for
    // segments, or nullptr after answering 401 or 400.
    FakeXMedia* open_upload(const httplib::Request& req, httplib::Response& res) {
        auto user = authorize(req, res, "POST");
        if (!user)
            return nullptr;
        FakeXMedia* m = find_media(req.matches[1], user->id);
        if (!m || m->finalized) {
            answer(res, 400, invalid_request("id", "Invalid media id"));
            return nullptr;
        }
        return m;
    }

    void serve_append(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        FakeXMedia* m = open_upload(req, res);
        if (!m)
            return;
        if (!req.is_multipart_form_data() || !req.has_file("segment_index") ||
            !req.has_file("media")) {
            return answer(res, 400,
                          invalid_request("media", "segment_index and media are required"));
        }
        const int index = std::stoi(req.get_file_value("segment_index").content);
        if (index < 0 || index > 999)
            return answer(res, 400, invalid_request("segment_index", "out of range"));
        if (m->segments.size() <= static_cast<std::size_t>(index))
            m->segments.resize(static_cast<std::size_t>(index) + 1);
        m->segments[static_cast<std::size_t>(index)] = req.get_file_value("media").content;
        answer(res, 200, json{{"data", {{"expires_at", 1900000000}}}}.dump());
    }

    json media_data(FakeXMedia& m, bool poll) {
        json data = {{"id", m.id},
                     {"media_key", "3_" + m.id},
                     {"size", m.total_bytes},
                     {"expires_after_secs", 86400}};
        if (m.category == "tweet_image") {
            m.succeeded = true;
            return data;
        }
        if (poll && m.polls_left > 0)
            --m.polls_left;
        const std::string state = !poll              ? "pending"
                                  : m.polls_left > 0 ? "in_progress"
                                                     : "succeeded";
        m.succeeded = state == "succeeded";
        data["processing_info"] = {{"state", state}};
        if (!m.succeeded)
            data["processing_info"]["check_after_secs"] = 2;
        return data;
    }

    void serve_finalize(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        FakeXMedia* m = open_upload(req, res);
        if (!m)
            return;
        std::size_t size = 0;
        for (const auto& segment : m->segments)
            size += segment.size();
        if (size != m->total_bytes) {
            return answer(res, 400,
                          invalid_request("id",
                                          "Segments do not add up to provided "
                                          "total file size."));
        }
        m->finalized = true;
        m->polls_left = processing_polls;
        answer(res, 200, json{{"data", media_data(*m, false)}}.dump());
    }

    void serve_status(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        auto user = authorize(req, res, "GET");
        if (!user)
            return;
        if (req.get_param_value("command") != "STATUS")
            return answer(res, 400, invalid_request("command", "command must be STATUS"));
        FakeXMedia* m = find_media(req.get_param_value("media_id"), user->id);
        if (!m || !m->finalized)
            return answer(res, 400, invalid_request("media_id", "Invalid media id"));
        answer(res, 200, json{{"data", media_data(*m, true)}}.dump());
    }

    void serve_metadata(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        const auto call = json_post(req, res, parse_metadata_body);
        if (!call)
            return;
        const auto& [user, params] = *call;
        FakeXMedia* m = find_media(params.id, user.id);
        if (!m || !m->finalized || !m->succeeded)
            return answer(res, 400, invalid_request("$.id", "Invalid media id"));
        json data = {{"id", m->id}, {"associated_metadata", json::object()}};
        if (params.alt_text) {
            m->alt_text = *params.alt_text;
            data["associated_metadata"]["alt_text"] = {{"text", m->alt_text}};
        }
        answer(res, 200, json{{"data", data}}.dump());
    }

    void add_routes() {
        using R = const httplib::Request&;
        using W = httplib::Response&;
        route("GET", "/2/users/me", k_me, [this](R q, W s) { serve_me(q, s); });
        route("POST", "/2/tweets", k_tweets, [this](R q, W s) { serve_tweet(q, s); });
        route("GET", R"(/2/users/(\d+)/tweets)", k_user_tweets,
              [this](R q, W s) { serve_user_tweets(q, s); });
        route("POST", "/2/media/upload/initialize", k_initialize,
              [this](R q, W s) { serve_initialize(q, s); });
        route("POST", R"(/2/media/upload/(\d+)/append)", k_append,
              [this](R q, W s) { serve_append(q, s); });
        route("POST", R"(/2/media/upload/(\d+)/finalize)", k_finalize,
              [this](R q, W s) { serve_finalize(q, s); });
        route("GET", "/2/media/upload", k_status, [this](R q, W s) { serve_status(q, s); });
        route("POST", "/2/media/metadata", k_metadata, [this](R q, W s) { serve_metadata(q, s); });
    }
};

FakeX::FakeX() : m_impl(std::make_unique<Impl>()) {
    m_impl->add_routes();
    m_impl->port = start_server(m_impl->server, m_impl->thread, "fake x");
}

FakeX::~FakeX() {
    stop_server(m_impl->server, m_impl->thread);
}

std::string FakeX::base_url() const {
    return m_impl->base_url();
}

void FakeX::add_user(const std::string& bearer, const std::string& id,
                     const std::string& username) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->bearer_users[bearer] = {id, username};
}

void FakeX::add_oauth1_user(const net::OAuth1Credentials& credentials, const std::string& id,
                            const std::string& username) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->oauth1_users.push_back({credentials, {id, username}});
}

void FakeX::set_clock(std::function<Instant()> now) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->now = std::move(now);
}

void FakeX::set_processing_polls(int polls) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->processing_polls = polls;
}

void FakeX::inject(const std::string& route, FakeFault fault, int times) {
    m_impl->book.inject(route, fault, times);
}

void FakeX::fail_tweets(int status, int times) {
    FakeFault fault;
    fault.status = status;
    fault.body = x_problem(status);
    inject(k_tweets, fault, times);
}

void FakeX::rate_limit_tweets(long long reset, long long daily_reset) {
    FakeFault fault;
    fault.status = 429;
    fault.body = x_problem(429);
    fault.headers = {{"x-rate-limit-limit", "100"},
                     {"x-rate-limit-remaining", daily_reset ? "42" : "0"},
                     {"x-rate-limit-reset", std::to_string(reset)}};
    if (daily_reset != 0) {
        fault.headers.push_back({"x-user-limit-24hour-limit", "17"});
        fault.headers.push_back({"x-user-limit-24hour-remaining", "0"});
        fault.headers.push_back({"x-user-limit-24hour-reset", std::to_string(daily_reset)});
    }
    inject(k_tweets, fault);
}

std::string FakeX::seed_tweet(FakeTweet tweet) {
    std::lock_guard lock(m_impl->mutex);
    if (tweet.id.empty())
        tweet.id = m_impl->new_id();
    m_impl->tweets.push_back(tweet);
    return tweet.id;
}

std::vector<FakeTweet> FakeX::tweets() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->tweets;
}

std::vector<FakeXMedia> FakeX::media() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->media;
}

int FakeX::requests(const std::string& route) const {
    return m_impl->book.count(route);
}

std::vector<std::string> FakeX::authorizations() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->authorizations;
}

}  // namespace postsched::fakes
