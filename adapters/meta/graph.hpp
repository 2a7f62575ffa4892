#pragma once
// Pieces shared by the Facebook, Instagram and Threads adapters (platforms
// doc meta.md §0, §5): the versioned Graph URL, the token, the error body,
// usage headers and the classification of every answer into an Outcome.
// Private to adapters/meta/.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/adapter.hpp"
#include "core/errors.hpp"
#include "net/http_client.hpp"

namespace postsched::config {
struct PlatformConfig;
}

namespace postsched::adapters::meta {

// Ends a flow early with this outcome (transport failures, error answers).
struct Stop {
    Outcome outcome;
};

using Params = std::vector<std::pair<std::string, std::string>>;

// What a request does. A publish call that fails ambiguously (HTTP 5xx, code
// 1/2, a lost answer) may still have created the post: the caller saved that
// it was sent, and looks the post up before any repeat.
enum class Call { read, create, publish };

// The `error` object of a Graph error body; code 0 when the body has none.
struct GraphError {
    long http_status = 0;
    int code = 0;
    int subcode = 0;
    std::string type;
    std::string message;
    std::string user_title;
    std::string user_msg;
    bool is_transient = false;
};
GraphError parse_graph_error(const net::HttpResponse& response);

// How to speak to one account on one Graph host.
struct Graph {
    net::HttpClient& http;
    const Clock& clock;
    std::string platform;  // "facebook", "instagram", "threads": named in messages
    std::string base;      // "https://graph.facebook.com", no trailing slash
    std::string version;   // "v26.0"
    std::string token;     // sent as Authorization: Bearer, never in the URL
    Millis timeout;
    std::string account;  // the account's name, for messages

    // Sends `params` as the query (GET, DELETE) or a form body (POST) to
    // base/version/path. Throws Stop for transport failures and refused URLs.
    net::HttpResponse send(const std::string& method, const std::string& path, const Params& params,
                           std::string_view what, Call call) const;
    // The JSON object of a 200 answer; anything else throws Stop with the
    // classified outcome.
    nlohmann::json call(const std::string& method, const std::string& path, const Params& params,
                        std::string_view what, Call call) const;
    // POST as multipart/form-data (file uploads); the JSON of a 200 answer.
    nlohmann::json upload(const std::string& path, const std::vector<net::MultipartPart>& parts,
                          std::string_view what, Call call) const;
    Outcome classify(const net::HttpResponse& response, std::string_view what, Call call) const;

  private:
    net::HttpResponse exchange(net::HttpRequest& request, std::string_view what, Call call) const;
    nlohmann::json object_or_stop(const net::HttpResponse& response, std::string_view what,
                                  Call call) const;
};

// A Graph timestamp ("2026-01-02T03:00:00+0000", offset without a colon).
std::optional<Instant> parse_graph_time(std::string_view text);

// A Graph for `account` on `platform`: api_base and graph_version from the
// config, else the defaults given.
Graph make_graph(net::HttpClient& http, const Clock& clock, const config::PlatformConfig& platform,
                 std::string_view name, std::string_view default_base,
                 std::string_view default_version, const Account& account, std::string token);

// When X-Business-Use-Case-Usage (estimated_time_to_regain_access, minutes),
// X-App-Usage or X-Page-Usage (percent, throttled at 100) say the budget is
// back; nullopt when no header says so.
std::optional<Instant> usage_retry_at(const net::HttpResponse& response, Instant now);

// Classification of a Graph answer that is not the expected success.
Outcome classify_graph(const net::HttpResponse& response, std::string_view platform,
                       std::string_view account, std::string_view what, Call call, Instant now);
Outcome classify_transport(const net::TransportError& error, std::string_view platform,
                           std::string_view what, Call call);

// Text of a string field of a JSON object, else "".
std::string string_field(const nlohmann::json& object, const char* key);
// Without leading and trailing white space (texts compared in post lookups).
std::string trimmed(std::string_view s);
// An Error for `account add`: the outcome's message, the exit code from its kind.
[[noreturn]] void throw_for_account(const Outcome& outcome);

// A Graph id or error: account add reads the account's node.
AccountProfile read_profile(const Graph& graph, const std::string& node, const std::string& fields,
                            const char* username_key);

}  // namespace postsched::adapters::meta
