#pragma once
// The one way postsched speaks HTTP. Adapters get an HttpClient& so tests can
// point them at fake servers on 127.0.0.1; no libcurl type crosses this file.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace postsched::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    Headers headers;
    std::string body;
    // Set when the URL itself is a secret (webhook URLs): logs show only the host.
    bool secret_url = false;
    std::chrono::milliseconds timeout{30000};
};

struct HttpResponse {
    long status = 0;
    Headers headers;  // names lower-cased
    std::string body;
    // First value of a header (name compared case-insensitively), or nullopt.
    std::optional<std::string> header(std::string_view name) const;
};

// A request that got no HTTP answer. `maybe_delivered` is true when the
// request may have reached the server (timeout or reset after sending), so
// the caller must treat the outcome as ambiguous rather than "not sent".
class TransportError : public std::runtime_error {
  public:
    TransportError(const std::string& what, bool maybe_delivered)
        : std::runtime_error(what), m_maybe_delivered(maybe_delivered) {}
    bool maybe_delivered() const { return m_maybe_delivered; }

  private:
    bool m_maybe_delivered;
};

class HttpClient {
  public:
    virtual ~HttpClient() = default;
    // Sends one request and returns whatever status the server answered.
    // Throws TransportError when no answer arrived; throws Error(Exit::data)
    // for a URL that is refused (plain http to a non-loopback host).
    // Safe to call from several threads at once.
    virtual HttpResponse send(const HttpRequest& request) = 0;
};

// URL form of a request fit for logs: query values of sensitive keys, user
// info and (for secret URLs) the whole path replaced by "***".
std::string redact_url(std::string_view url, bool secret_url);
// Header value fit for logs ("Bearer ***" for Authorization and tokens).
std::string redact_header(std::string_view name, std::string_view value);

// Percent-encoding for form bodies and query strings (RFC 3986 unreserved kept).
std::string url_encode(std::string_view s);
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// multipart/form-data body builder for file uploads.
struct MultipartPart {
    std::string name;
    std::string value;
    std::string filename;      // empty for a plain field
    std::string content_type;  // for files
};
struct MultipartBody {
    std::string content_type;  // "multipart/form-data; boundary=…"
    std::string body;
};
MultipartBody build_multipart(const std::vector<MultipartPart>& parts);

}  // namespace postsched::net
