// X answers: problem-details error text and the classification of every
// answer that is not a success (platforms doc §1.4, design.md §6).
#include <nlohmann/json.hpp>

#include "adapters/x/x_internal.hpp"

namespace postsched::adapters::x {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// Without readable reset headers, wait one rate-limit window.
constexpr Millis k_rate_limit_fallback = std::chrono::minutes(15);
// 402: credits run out; the operator tops up. Look again after an hour.
constexpr Millis k_credits_pause = std::chrono::hours(1);

std::string string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<long long> header_number(const net::HttpResponse& response, std::string_view name) {
    const auto value = response.header(name);
    if (!value || value->empty())
        return std::nullopt;
    try {
        std::size_t used = 0;
        const long long number = std::stoll(*value, &used);
        return used == value->size() ? std::optional<long long>(number) : std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The latest reset among the exhausted windows: the 15-minute one
// (x-rate-limit-*) and the 24-hour user and app caps.
std::optional<Instant> rate_limit_reset(const net::HttpResponse& response) {
    std::optional<long long> latest;
    for (const std::string prefix :
         {"x-rate-limit-", "x-user-limit-24hour-", "x-app-limit-24hour-"}) {
        const auto reset = header_number(response, prefix + "reset");
        const auto remaining = header_number(response, prefix + "remaining");
        if (!reset)
            continue;
        // The 15-minute reset counts whenever present; a 24-hour one only
        // when that cap is what ran out.
        if (prefix != "x-rate-limit-" && remaining.value_or(1) > 0)
            continue;
        latest = std::max(latest.value_or(*reset), *reset);
    }
    if (!latest)
        return std::nullopt;
    return Instant{std::chrono::seconds(*latest)};
}

}  // namespace

std::string post_url(std::string_view username, std::string_view id) {
    if (username.empty())
        return "https://x.com/i/web/status/" + std::string(id);
    return "https://x.com/" + std::string(username) + "/status/" + std::string(id);
}

std::string error_text(const net::HttpResponse& response) {
    const json body = json::parse(response.body, nullptr, false);
    if (!body.is_discarded() && body.is_object()) {
        std::string text = string_field(body, "detail");
        if (text.empty())
            text = string_field(body, "title");
        if (const auto errors = body.find("errors"); errors != body.end() && errors->is_array()) {
            for (const auto& error : *errors) {
                if (!error.is_object())
                    continue;
                std::string message = string_field(error, "message");
                if (message.empty())
                    message = string_field(error, "detail");
                if (!message.empty() && text.find(message) == std::string::npos)
                    text += text.empty() ? message : " (" + message + ")";
            }
        }
        if (text.empty())
            text = string_field(body, "error_description");
        if (!text.empty())
            return text;
    }
    return "HTTP " + std::to_string(response.status);
}

bool is_duplicate(const net::HttpResponse& response) {
    return response.status == 403 && error_text(response).find("duplicate") != std::string::npos;
}

Outcome classify(const net::HttpResponse& response, std::string_view account, std::string_view what,
                 Instant now) {
    const long status = response.status;
    const std::string error = error_text(response);
    const std::string answered = "x answered HTTP " + std::to_string(status) + " to " +
                                 std::string(what) + " for account " + in_quotes(account) + ": " +
                                 error;
    if (status == 401) {
        return Outcome::failure(Kind::auth_expired, "x rejected the credentials for account " +
                                                        in_quotes(account) + ": " + error);
    }
    if (status == 402) {
        return Outcome::failure(Kind::paused,
                                answered +
                                    " (the app's API credits are used up: top them up "
                                    "in the X developer console)",
                                now + k_credits_pause);
    }
    if (status == 429) {
        auto reset = rate_limit_reset(response);
        if (!reset || *reset <= now)
            reset = now + k_rate_limit_fallback;
        return Outcome::failure(Kind::rate_limited, answered, reset);
    }
    if (is_duplicate(response))
        return Outcome::failure(Kind::duplicate, answered);
    if (status >= 200 && status < 300) {
        return Outcome::failure(Kind::transient, "x answered HTTP " + std::to_string(status) +
                                                     " to " + std::string(what) + " for account " +
                                                     in_quotes(account) +
                                                     " with an unreadable body");
    }
    if (status >= 500)
        return Outcome::failure(Kind::transient, answered);
    return Outcome::failure(Kind::permanent, answered);
}

Outcome classify_transport(const net::TransportError& error, std::string_view what) {
    std::string message = "cannot reach x for " + std::string(what) + ": " + error.what();
    if (error.maybe_delivered())
        message += " (the request may have been delivered)";
    return Outcome::failure(Kind::transient, message);
}

}  // namespace postsched::adapters::x
