// LinkedIn answers: error bodies, the duplicate's URN, and the
// classification of every other answer into an Outcome (doc §2.2, §2.4).
#include <nlohmann/json.hpp>

#include "adapters/linkedin/linkedin_internal.hpp"

namespace postsched::adapters::linkedin {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// LinkedIn publishes no rate-limit headers: a daily limit resets at 00:00
// UTC, anything else is retried after this backoff.
constexpr Millis k_throttle_backoff = std::chrono::minutes(15);

json body_of(const net::HttpResponse& response) {
    json body = json::parse(response.body, nullptr, false);
    return body.is_object() ? body : json::object();
}

std::string field(const json& body, const char* key) {
    const auto it = body.find(key);
    return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_version_error(const json& body) {
    const std::string code = field(body, "code");
    if (code == "VERSION_MISSING" || code == "NONEXISTENT_VERSION" || code == "VERSION_INVALID")
        return true;
    const std::string message = field(body, "message");
    return message.find("LinkedIn-Version") != std::string::npos ||
           message.find("Requested version") != std::string::npos;
}

Instant next_utc_midnight(Instant now) {
    return std::chrono::floor<std::chrono::days>(now) + std::chrono::days(1);
}

}  // namespace

std::string error_text(const net::HttpResponse& response) {
    const json body = body_of(response);
    std::string message = field(body, "message");
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    const std::string code = field(body, "code");
    if (message.empty())
        return code.empty() ? "HTTP " + std::to_string(response.status) : code;
    return code.empty() ? message : code + ": " + message;
}

std::optional<std::string> duplicate_of(const net::HttpResponse& response) {
    if (response.status != 422)
        return std::nullopt;
    const std::string message = field(body_of(response), "message");
    const std::string marker = "duplicate of ";
    const auto at = message.find(marker);
    if (at == std::string::npos)
        return std::nullopt;
    std::string urn;
    for (std::size_t i = at + marker.size(); i < message.size(); ++i) {
        const char c = message[i];
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != ':' && c != '_' && c != '-')
            break;
        urn += c;
    }
    if (!urn.starts_with("urn:li:"))
        return std::nullopt;
    return urn;
}

Outcome classify(const net::HttpResponse& response, std::string_view account, std::string_view what,
                 std::string_view version, Instant now) {
    const long status = response.status;
    const json body = body_of(response);
    const std::string answered = "linkedin answered HTTP " + std::to_string(status) + " to " +
                                 std::string(what) + " for account " + in_quotes(account) + ": " +
                                 error_text(response);
    if (const auto urn = duplicate_of(response)) {
        Outcome o = Outcome::failure(Kind::duplicate, answered);
        o.platform_post_id = *urn;
        o.url = post_url(*urn);
        return o;
    }
    if (status == 426 || (status == 400 && is_version_error(body))) {
        return Outcome::failure(Kind::paused,
                                answered + " (LinkedIn-Version " + std::string(version) +
                                    " is not served: set platforms.linkedin.version to a current "
                                    "YYYYMM, see LinkedIn's API versioning page)");
    }
    if (status == 401) {
        return Outcome::failure(Kind::auth_expired, "linkedin rejected the token for account " +
                                                        in_quotes(account) + ": " +
                                                        error_text(response));
    }
    if (status == 429) {
        const bool daily = field(body, "message").find(" DAY ") != std::string::npos;
        return Outcome::failure(Kind::rate_limited, answered,
                                daily ? next_utc_midnight(now) : now + k_throttle_backoff);
    }
    if (status >= 200 && status < 300) {
        return Outcome::failure(Kind::transient,
                                "linkedin answered HTTP " + std::to_string(status) + " to " +
                                    std::string(what) + " for account " + in_quotes(account) +
                                    " with an unreadable body");
    }
    if (status >= 500)
        return Outcome::failure(Kind::transient, answered);
    return Outcome::failure(Kind::permanent, answered);
}

Outcome classify_transport(const net::TransportError& error, std::string_view what) {
    // A retry is safe: a post that did arrive comes back as a 422 duplicate
    // naming its URN, which counts as posted on a retry.
    std::string message = "cannot reach linkedin for " + std::string(what) + ": " + error.what();
    if (error.maybe_delivered())
        message += " (the request may have been delivered)";
    return Outcome::failure(Outcome::Kind::transient, message);
}

}  // namespace postsched::adapters::linkedin
