// Mastodon answers: the Status fields the adapter needs, and the
// classification of every other answer into an Outcome (design.md §6).
#include <nlohmann/json.hpp>

#include "adapters/mastodon/mastodon_internal.hpp"
#include "core/time_format.hpp"

namespace postsched::adapters::mastodon {
namespace {

using nlohmann::json;

// Without a readable X-RateLimit-Reset, wait a typical window's remainder.
constexpr Millis k_rate_limit_fallback = std::chrono::minutes(5);
// A 422 for media still processing: short deferral (see the adapter).
constexpr Millis k_processing_retry = std::chrono::seconds(30);

std::string string_field(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<StatusRef> status_from(const json& status) {
    if (!status.is_object())
        return std::nullopt;
    StatusRef out;
    out.id = string_field(status, "id");
    if (out.id.empty())
        return std::nullopt;
    out.url = string_field(status, "url");
    if (out.url.empty())
        out.url = string_field(status, "uri");
    out.content = string_field(status, "content");
    out.created_at = string_field(status, "created_at");
    out.in_reply_to_id = string_field(status, "in_reply_to_id");
    return out;
}

bool mentions_processing(std::string_view error) {
    std::string lower(error);
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.find("processing") != std::string::npos ||
           lower.find("processed") != std::string::npos;
}

}  // namespace

std::optional<StatusRef> parse_status(std::string_view body) {
    const json status = json::parse(body, nullptr, false);
    if (status.is_discarded())
        return std::nullopt;
    return status_from(status);
}

std::optional<std::vector<StatusRef>> parse_status_list(std::string_view body) {
    const json list = json::parse(body, nullptr, false);
    if (list.is_discarded() || !list.is_array())
        return std::nullopt;
    std::vector<StatusRef> out;
    for (const auto& item : list) {
        if (auto status = status_from(item))
            out.push_back(std::move(*status));
    }
    return out;
}

std::string error_text(const net::HttpResponse& response) {
    const json body = json::parse(response.body, nullptr, false);
    if (!body.is_discarded() && body.is_object()) {
        std::string text = string_field(body, "error");
        if (const std::string detail = string_field(body, "error_description"); !detail.empty()) {
            text += text.empty() ? detail : ": " + detail;
        }
        if (!text.empty())
            return text;
    }
    return "HTTP " + std::to_string(response.status);
}

std::optional<Instant> rate_limit_reset(const net::HttpResponse& response) {
    const auto value = response.header("x-ratelimit-reset");
    if (!value)
        return std::nullopt;
    return parse_offset_instant(*value);
}

Outcome classify(const net::HttpResponse& response, std::string_view account, std::string_view what,
                 Instant now) {
    using Kind = Outcome::Kind;
    const long status = response.status;
    const std::string error = error_text(response);
    const std::string answered = "mastodon answered HTTP " + std::to_string(status) + " to " +
                                 std::string(what) + " for account " + in_quotes(account) + ": " +
                                 error;
    if (status == 401) {
        return Outcome::failure(Kind::auth_expired, "mastodon rejected the token for account " +
                                                        in_quotes(account) + ": " + error);
    }
    if (status == 429) {
        // Mastodon sends no Retry-After; the window's end is authoritative. A
        // reset already past (clock skew) gets the fallback, not a busy loop.
        auto reset = rate_limit_reset(response);
        if (!reset || *reset <= now)
            reset = now + k_rate_limit_fallback;
        return Outcome::failure(Kind::rate_limited, answered, reset);
    }
    if (status == 422 && mentions_processing(error)) {
        return Outcome::failure(Kind::waiting, answered, now + k_processing_retry);
    }
    if (status >= 200 && status < 300) {
        // A body we could not read: the request may have succeeded, and the
        // retry's Idempotency-Key returns the same status.
        return Outcome::failure(Kind::transient,
                                "mastodon answered HTTP " + std::to_string(status) + " to " +
                                    std::string(what) + " for account " + in_quotes(account) +
                                    " with an unreadable body");
    }
    if (status >= 500)
        return Outcome::failure(Kind::transient, answered);
    if (status >= 300 && status < 400) {
        const std::string location = response.header("location").value_or("");
        return Outcome::failure(Kind::permanent, answered + " (redirect to " + in_quotes(location) +
                                                     " not followed: check the instance url)");
    }
    return Outcome::failure(Kind::permanent, answered);  // 400, 403, 404, 410, 413, 422, ...
}

Outcome classify_transport(const net::TransportError& error, std::string_view what) {
    // Either way a retry is safe: a request that may have been delivered is
    // repeated with the same Idempotency-Key, which Mastodon honours for an
    // hour, and settle looks the post up after that.
    std::string message = "cannot reach mastodon for " + std::string(what) + ": " + error.what();
    if (error.maybe_delivered())
        message += " (the request may have been delivered)";
    return Outcome::failure(Outcome::Kind::transient, message);
}

}  // namespace postsched::adapters::mastodon
