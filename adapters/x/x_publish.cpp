// Posting the parts of a target as a reply chain (POST /2/tweets), resuming
// from the saved state, and finding a part whose answer was lost among the
// account's recent posts (GET /2/users/{id}/tweets).
#include "adapters/x/x_publish.hpp"

#include <nlohmann/json.hpp>

#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "core/time_format.hpp"

namespace postsched::adapters::x {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// Recent posts searched for a part whose answer was lost.
constexpr int k_lookup_limit = 20;
// Clock skew allowed between our in-flight time and X's created_at.
constexpr long long k_lookup_slack_seconds = 120;

// X's start_time form: "2026-11-28T19:51:36Z".
std::string x_time(long long unix_seconds) {
    std::string t = format_instant(from_unix_seconds(unix_seconds));
    if (const auto dot = t.find('.'); dot != std::string::npos)
        t.erase(dot, t.size() - dot - 1);
    return t;
}

}  // namespace

Publication::Publication(Api api, const PublishRequest& request, const SaveState& save,
                         const XTuning& tuning)
    : m_api(std::move(api)), m_request(request), m_save(save), m_tuning(tuning) {
    m_parts = request.parts.empty() ? std::vector<std::string>{""} : request.parts;
}

long long Publication::now_seconds() const {
    return to_unix_seconds(m_api.clock.now());
}

void Publication::save_state() const {
    m_save(dump_state(m_state));
}

std::string Publication::part_name(std::size_t i) const {
    if (m_parts.size() == 1)
        return "the post";
    return "part " + std::to_string(i + 1) + " of " + std::to_string(m_parts.size());
}

Outcome Publication::answered(const net::HttpResponse& response, std::string_view what) const {
    return classify(response, m_request.account.name, what, m_api.clock.now());
}

std::optional<Outcome> Publication::prepare() {
    try {
        m_state = parse_state(m_request.adapter_state);
    } catch (const Error& error) {
        return Outcome::failure(Kind::permanent, error.what());
    }
    m_prior_inflight = m_state.inflight;
    for (std::size_t i = 0; i < m_parts.size(); ++i) {
        if (!is_valid_utf8(m_parts[i]))
            return Outcome::failure(Kind::permanent, part_name(i) + " is not valid UTF-8");
        if (m_parts[i].empty() && !(i == 0 && !m_request.media.empty())) {
            return Outcome::failure(Kind::permanent,
                                    part_name(i) + " is empty (x needs text or media)");
        }
    }
    if (m_state.parts.size() > m_parts.size()) {
        return Outcome::failure(Kind::permanent,
                                "the saved x state has more parts than the post: it was edited");
    }
    return std::nullopt;
}

Outcome Publication::run(bool settling) {
    try {
        if (auto stop = prepare())
            return *stop;
        if (m_state.parts.empty() && !m_request.media.empty()) {
            if (auto stop = check_media())
                return *stop;
            if (auto stop = upload_media())
                return *stop;
        }
        if (auto stop = resolve_inflight(settling))
            return *stop;
        for (std::size_t i = m_state.parts.size(); i < m_parts.size(); ++i) {
            if (auto stop = post_part(i))
                return *stop;
        }
    } catch (const Stop& stop) {
        return stop.outcome;
    }
    const std::string& first = m_state.parts.front();
    return Outcome::posted(first, post_url(m_request.account.username, first));
}

// A part sent earlier whose answer never came: found → adopt its id; not
// found → send it (publish) or say unknown (settle).
std::optional<Outcome> Publication::resolve_inflight(bool settling) {
    const std::size_t next = m_state.parts.size();
    if (!m_prior_inflight || *m_prior_inflight != next || next >= m_parts.size())
        return std::nullopt;
    if (auto id = find_sent(next)) {
        m_state.parts.push_back(*id);
        m_state.inflight.reset();
        save_state();
        return std::nullopt;
    }
    if (!settling)
        return std::nullopt;
    return Outcome::failure(Kind::unknown,
                            part_name(next) + " was sent to x for account " +
                                in_quotes(m_request.account.name) +
                                " without an answer and is not among its recent posts: check "
                                "the account, then `postsched target resolve`");
}

std::string Publication::tweet_body(std::size_t i) const {
    json body = json::object();
    if (!m_parts[i].empty())
        body["text"] = m_parts[i];
    if (i == 0 && !m_state.media.empty()) {
        json ids = json::array();
        for (const auto& m : m_state.media)
            ids.push_back(m.id);
        body["media"] = {{"media_ids", ids}};
    }
    if (i > 0)
        body["reply"] = {{"in_reply_to_tweet_id", m_state.parts[i - 1]}};
    return body.dump();
}

std::optional<Outcome> Publication::post_part(std::size_t i) {
    const std::string what = part_name(i);
    m_state.inflight = i;
    m_state.inflight_at = now_seconds();
    save_state();  // before the request: a lost answer is looked up, not resent blindly
    const auto response = m_api.send("POST", "/2/tweets", what, tweet_body(i), "application/json");
    if (response.status == 201 || response.status == 200) {
        const json body = json::parse(response.body, nullptr, false);
        const json* data = body.is_object() && body.contains("data") ? &body["data"] : nullptr;
        if (data && data->is_object() && data->contains("id") && (*data)["id"].is_string()) {
            m_state.parts.push_back((*data)["id"].get<std::string>());
            m_state.inflight.reset();
            save_state();
            return std::nullopt;
        }
    }
    if (is_duplicate(response)) {
        // Our own earlier request for this part may have got through.
        if (m_prior_inflight == i) {
            if (auto id = find_sent(i)) {
                m_state.parts.push_back(*id);
                m_state.inflight.reset();
                save_state();
                return std::nullopt;
            }
        }
        m_state.inflight.reset();
        save_state();
        // Not ours: the same text was posted before. On a resumed target the
        // pass would take a duplicate for our own earlier success, so it is
        // a plain rejection there.
        Outcome outcome = answered(response, what);
        if (m_request.resuming)
            outcome.kind = Kind::permanent;
        return outcome;
    }
    if (response.status >= 400 && response.status < 500) {
        m_state.inflight.reset();  // refused: nothing was created
        save_state();
    }
    return answered(response, what);
}

// The id of part `i` if the account posted it since it went in flight: same
// text (URLs aside) and, past the first part, a reply to the previous one.
std::optional<std::string> Publication::find_sent(std::size_t i) {
    const std::string& user = m_request.account.platform_account_id;
    if (user.empty())
        return std::nullopt;
    std::string path = "/2/users/" + net::url_encode(user) +
                       "/tweets?max_results=" + std::to_string(k_lookup_limit) +
                       "&tweet.fields=created_at%2Creferenced_tweets";
    if (m_state.inflight_at > 0)
        path +=
            "&start_time=" + net::url_encode(x_time(m_state.inflight_at - k_lookup_slack_seconds));
    const auto response = m_api.send("GET", path, "the lookup of " + part_name(i));
    if (response.status != 200)
        throw Stop{answered(response, "the lookup of " + part_name(i))};
    const json body = json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("data") || !body["data"].is_array())
        return std::nullopt;  // no posts in the window: X omits "data"
    const std::string want = comparable(m_parts[i]);
    for (const auto& post : body["data"]) {
        if (!post.is_object() || !post.contains("id") || !post["id"].is_string())
            continue;
        if (comparable(post.value("text", std::string())) != want)
            continue;
        if (i > 0) {
            bool replies = false;
            for (const auto& ref : post.value("referenced_tweets", json::array())) {
                replies = replies || (ref.value("type", "") == "replied_to" &&
                                      ref.value("id", "") == m_state.parts[i - 1]);
            }
            if (!replies)
                continue;
        }
        return post["id"].get<std::string>();
    }
    return std::nullopt;
}

}  // namespace postsched::adapters::x
