// Bluesky answers: XRPC error bodies and the classification of every answer
// that is not the expected success into an Outcome (platforms doc §6).
#include <charconv>

#include "adapters/bluesky/bluesky_internal.hpp"
#include "core/time_format.hpp"

namespace postsched::adapters::bluesky {
namespace {

using nlohmann::json;
using Kind = Outcome::Kind;

// Without a readable reset, wait the length of the usual window.
constexpr Millis k_rate_limit_fallback = std::chrono::minutes(5);

std::optional<long long> whole_number(const std::optional<std::string>& text) {
    if (!text)
        return std::nullopt;
    long long n = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (ec != std::errc() || end != text->data() + text->size() || n < 0)
        return std::nullopt;
    return n;
}

// Retry-After (seconds, newest servers) first, then ratelimit-reset (epoch).
Instant rate_limit_until(const net::HttpResponse& response, Instant now) {
    if (const auto seconds = whole_number(response.header("retry-after"))) {
        return now + std::chrono::seconds(*seconds);
    }
    if (const auto epoch = whole_number(response.header("ratelimit-reset"))) {
        const Instant reset = from_unix_seconds(*epoch);
        if (reset > now)
            return reset;
    }
    return now + k_rate_limit_fallback;
}

}  // namespace

XrpcError xrpc_error(const net::HttpResponse& response) {
    const json body = json::parse(response.body, nullptr, false);
    XrpcError out;
    if (!body.is_discarded() && body.is_object()) {
        if (const auto it = body.find("error"); it != body.end() && it->is_string())
            out.error = it->get<std::string>();
        if (const auto it = body.find("message"); it != body.end() && it->is_string())
            out.message = it->get<std::string>();
    }
    return out;
}

std::string error_text(const net::HttpResponse& response) {
    const XrpcError e = xrpc_error(response);
    if (e.error.empty() && e.message.empty())
        return "HTTP " + std::to_string(response.status);
    if (e.message.empty())
        return e.error;
    return e.error.empty() ? e.message : e.error + ": " + e.message;
}

Outcome classify(const net::HttpResponse& response, std::string_view account, std::string_view what,
                 Instant now) {
    const long status = response.status;
    const std::string error = xrpc_error(response).error;
    const std::string answered = "bluesky answered HTTP " + std::to_string(status) + " to " +
                                 std::string(what) + " for account " + in_quotes(account) + ": " +
                                 error_text(response);
    // An expired access token is HTTP 400 ExpiredToken, not 401.
    if (status == 401 || (status == 400 && (error == "ExpiredToken" || error == "InvalidToken"))) {
        return Outcome::failure(Kind::auth_expired, "bluesky rejected the session of account " +
                                                        in_quotes(account) + ": " +
                                                        error_text(response));
    }
    if (status == 429)
        return Outcome::failure(Kind::rate_limited, answered, rate_limit_until(response, now));
    if (status >= 200 && status < 300) {
        return Outcome::failure(Kind::transient, "bluesky answered HTTP " + std::to_string(status) +
                                                     " to " + std::string(what) + " for account " +
                                                     in_quotes(account) +
                                                     " with an unreadable body");
    }
    if (status >= 500 && status != 501)
        return Outcome::failure(Kind::transient, answered);
    return Outcome::failure(Kind::permanent, answered);
}

Outcome classify_transport(const net::TransportError& error, std::string_view what) {
    std::string message = "cannot reach bluesky for " + std::string(what) + ": " + error.what();
    if (error.maybe_delivered())
        message += " (the request may have been delivered)";
    return Outcome::failure(Kind::transient, message);
}

}  // namespace postsched::adapters::bluesky
