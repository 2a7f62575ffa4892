// Graph error bodies and usage headers, classified into Outcomes (meta.md §5,
// Instagram's error table §3.4). Codes are read together with subcodes.
#include <algorithm>

#include "adapters/meta/graph.hpp"

namespace postsched::adapters::meta {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// A throttle whose headers name no time: the app window is a rolling hour.
constexpr Millis k_throttle_wait = std::chrono::hours(1);
// 368 "temporarily blocked": never retried at once; blocks last hours.
constexpr Millis k_blocked_wait = std::chrono::hours(2);
// The publishing quota is a rolling 24 h: look again in an hour.
constexpr Millis k_quota_wait = std::chrono::hours(1);
// 9007/2207027: the container is not ready yet.
constexpr Millis k_not_ready_wait = std::chrono::seconds(30);

int int_field(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end())
        return 0;
    if (it->is_number_integer())
        return it->get<int>();
    if (it->is_string()) {
        try {
            return std::stoi(it->get<std::string>());
        } catch (const std::exception&) {
            return 0;
        }
    }
    return 0;
}

bool is_throttle(int code) {
    return code == 4 || code == 17 || code == 32 || code == 613 || code == 341 ||
           (code >= 80000 && code <= 80014);
}

std::string token_problem(int subcode) {
    switch (subcode) {
        case 458:
            return "the app is not installed";
        case 459:
            return "the user is checkpointed";
        case 460:
            return "the password was changed";
        case 463:
            return "the token has expired";
        case 464:
            return "the user is unconfirmed";
        case 467:
            return "the token was invalidated (logged out)";
        case 492:
            return "the session is invalid";
        case 493:
            return "data access expired after 90 days";
        default:
            return "the token is invalid";
    }
}

std::string needed_permissions(std::string_view platform) {
    if (platform == "facebook")
        return "pages_manage_posts, pages_read_engagement and the CREATE_CONTENT task on the Page";
    if (platform == "instagram")
        return "instagram_basic, instagram_content_publish and pages_read_engagement (Instagram "
               "Login: instagram_business_basic, instagram_business_content_publish)";
    return "threads_basic and threads_content_publish";
}

// The largest usage percentage in an X-App-Usage / X-Page-Usage header.
int usage_percent(const std::optional<std::string>& header) {
    if (!header)
        return 0;
    const json usage = json::parse(*header, nullptr, false);
    if (!usage.is_object())
        return 0;
    int top = 0;
    for (const char* key : {"call_count", "total_cputime", "total_time"})
        top = std::max(top, int_field(usage, key));
    return top;
}

}  // namespace

GraphError parse_graph_error(const net::HttpResponse& response) {
    GraphError out;
    out.http_status = response.status;
    const json body = json::parse(response.body, nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object())
        return out;
    const json& e = body["error"];
    out.code = int_field(e, "code");
    out.subcode = int_field(e, "error_subcode");
    out.type = string_field(e, "type");
    out.message = string_field(e, "message");
    out.user_title = string_field(e, "error_user_title");
    out.user_msg = string_field(e, "error_user_msg");
    out.is_transient = e.value("is_transient", false);
    return out;
}

std::optional<Instant> usage_retry_at(const net::HttpResponse& response, Instant now) {
    if (const auto buc = response.header("x-business-use-case-usage")) {
        const json usage = json::parse(*buc, nullptr, false);
        int minutes = 0;
        if (usage.is_object()) {
            for (const auto& [id, entries] : usage.items()) {
                if (!entries.is_array())
                    continue;
                for (const auto& entry : entries) {
                    if (entry.is_object())
                        minutes =
                            std::max(minutes, int_field(entry, "estimated_time_to_regain_access"));
                }
            }
        }
        if (minutes > 0)
            return now + std::chrono::minutes(minutes);
    }
    if (usage_percent(response.header("x-app-usage")) >= 100 ||
        usage_percent(response.header("x-page-usage")) >= 100) {
        return now + k_throttle_wait;
    }
    return std::nullopt;
}

Outcome classify_graph(const net::HttpResponse& response, std::string_view platform,
                       std::string_view account, std::string_view what, Call call, Instant now) {
    const GraphError e = parse_graph_error(response);
    const std::string who = " for account " + in_quotes(account);
    std::string text = e.message.empty() ? "HTTP " + std::to_string(e.http_status) : e.message;
    if (!e.user_msg.empty() && e.user_msg != e.message)
        text += " (" + e.user_msg + ")";
    std::string codes;
    if (e.code != 0) {
        codes = " (code " + std::to_string(e.code) +
                (e.subcode ? "/" + std::to_string(e.subcode) : std::string()) + ")";
    }
    const std::string answered = std::string(platform) + " answered HTTP " +
                                 std::to_string(e.http_status) + codes + " to " +
                                 std::string(what) + who + ": " + text;
    const std::string maybe_created =
        call == Call::publish ? " (the post may have been created: it is looked up before any "
                                "repeat)"
                              : "";
    if (e.http_status == 200) {
        return Outcome::failure(Kind::transient, std::string(platform) + " answered " +
                                                     std::string(what) + who +
                                                     " with an unreadable body" + maybe_created);
    }
    if (e.code == 190 || e.code == 102 || (e.code == 0 && e.http_status == 401)) {
        return Outcome::failure(Kind::auth_expired,
                                std::string(platform) + " rejected the token of account " +
                                    in_quotes(account) + codes + ": " + token_problem(e.subcode) +
                                    ": " + text + "; reconnect the account");
    }
    if (e.code == 4 && (e.subcode == 2207051 || e.subcode == 2207050)) {
        return Outcome::failure(Kind::permanent, answered + " (restricted, not a rate limit)");
    }
    if (e.code == 9 && e.subcode == 2207042) {
        return Outcome::failure(Kind::rate_limited, answered + " (publishing quota reached)",
                                now + k_quota_wait);
    }
    if (is_throttle(e.code) || e.http_status == 429) {
        return Outcome::failure(Kind::rate_limited, answered,
                                usage_retry_at(response, now).value_or(now + k_throttle_wait));
    }
    if (e.code == 368) {
        const Instant usage = usage_retry_at(response, now).value_or(now);
        return Outcome::failure(Kind::rate_limited, answered + " (temporarily blocked)",
                                std::max(usage, now + k_blocked_wait));
    }
    if (e.code == 506)
        return Outcome::failure(Kind::duplicate, answered);
    if (e.code == 10 || (e.code >= 200 && e.code <= 299)) {
        return Outcome::failure(Kind::permanent, answered + "; the token lacks a permission (" +
                                                     std::string(platform) + " needs " +
                                                     needed_permissions(platform) + ")");
    }
    if (e.code == 9007 && e.subcode == 2207027)
        return Outcome::failure(Kind::waiting, answered, now + k_not_ready_wait);
    if (e.code == 1 || e.code == 2 || e.code == -1 || e.code == -2 || e.is_transient ||
        e.http_status >= 500) {
        return Outcome::failure(Kind::transient, answered + maybe_created);
    }
    return Outcome::failure(Kind::permanent, answered);
}

Outcome classify_transport(const net::TransportError& error, std::string_view platform,
                           std::string_view what, Call call) {
    std::string message =
        "cannot reach " + std::string(platform) + " for " + std::string(what) + ": " + error.what();
    if (error.maybe_delivered() && call == Call::publish)
        message += " (the post may have been created: it is looked up before any repeat)";
    else if (error.maybe_delivered())
        message += " (the request may have been delivered)";
    return Outcome::failure(Outcome::Kind::transient, message);
}

}  // namespace postsched::adapters::meta
