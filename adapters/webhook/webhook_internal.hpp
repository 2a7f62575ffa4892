#pragma once
// Pieces shared by the webhook adapter's files: URL handling (the URL is the
// secret), the per-flavor request builders and answer classifiers. Private to
// adapters/webhook/.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/webhook/webhook_adapter.hpp"
#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "net/http_client.hpp"

namespace postsched::adapters::webhook {

std::string_view flavor_name(WebhookFlavor flavor);

// The parts of an absolute URL this adapter cares about.
struct UrlParts {
    std::string scheme;  // lower-cased
    std::string host;    // without user info and port
    std::string path;    // from the first '/' up to '?' or '#'; "/" when absent
    std::string rest;    // path plus query and fragment, as given
};
std::optional<UrlParts> parse_url(std::string_view url);

// The URL actually called: a non-empty `api_base` replaces scheme, host and
// port, keeping path and query (tests point webhooks at the fakes this way).
std::string effective_url(const std::string& url, const std::string& api_base);
// Adds `param` ("wait=true") to the query.
std::string append_query(std::string url, std::string_view param);

// The substrings of a webhook URL that must never appear in a message: the
// whole URL (as given and as called), its path and its longer path segments
// and query values.
std::vector<std::string> secret_pieces(const std::string& url, const std::string& called_url);
// `message` with every secret piece replaced by "***".
std::string scrub(std::string message, const std::vector<std::string>& secrets);

// The value of a Retry-After header: delay-seconds (decimals accepted) or an
// HTTP date. nullopt when unreadable.
std::optional<Instant> parse_retry_after(std::string_view value, Instant now);

// Everything a classifier needs besides the response.
struct AnswerContext {
    std::string_view account;    // account name, for messages
    std::string_view target_id;  // the id when the platform returns none
    Instant now;
};

// Builds the request for part `part` of `request` (media ride on part 0 for
// Discord; the json flavor sends every part in one request, `part` ignored).
// Throws Error(Exit::data) for content the flavor cannot carry.
net::HttpRequest build_request(WebhookFlavor flavor, const PublishRequest& request,
                               std::size_t part, const std::string& url);
// Classifies an HTTP answer (design.md §6). The message may quote the body,
// never the URL.
Outcome classify(WebhookFlavor flavor, const net::HttpResponse& response,
                 const AnswerContext& context);

}  // namespace postsched::adapters::webhook
