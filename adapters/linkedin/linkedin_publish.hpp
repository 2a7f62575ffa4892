#pragma once
// The publish and settle flows of the LinkedIn adapter. Private to
// adapters/linkedin/.
#include <optional>
#include <string>
#include <string_view>

#include "adapters/linkedin/linkedin_internal.hpp"

namespace postsched::adapters::linkedin {

// Ends a flow early with this outcome.
struct Stop {
    Outcome outcome;
};

// How to speak to LinkedIn's REST API for one account.
struct Api {
    net::HttpClient& http;
    const Clock& clock;
    std::string base;  // "https://api.linkedin.com", no trailing slash
    std::string token;
    std::string version;  // LinkedIn-Version
    Millis timeout;

    // Sends to `url_or_path` (a path under base, or an absolute upload URL)
    // with the Bearer token and, for /rest/ paths, the version headers.
    // Throws Stop for transport failures and refused URLs.
    net::HttpResponse send(const std::string& method, const std::string& url_or_path,
                           std::string_view what, std::string body = {},
                           const std::string& content_type = {}, net::Headers extra = {}) const;
};

class Publication {
  public:
    Publication(Api api, const PublishRequest& request, const SaveState& save);
    // Uploads the images not yet uploaded, then creates the post.
    Outcome run();
    // An attempt interrupted while sending: if the post request may have
    // gone out, finds it among the author's recent posts (no idempotency key
    // exists), else Kind::unknown; if it never started, publishes.
    Outcome settle(Instant sending_since);

  private:
    std::optional<Outcome> prepare();
    std::optional<Outcome> upload_images();
    std::optional<Outcome> upload_one(std::size_t k);
    Outcome create_post();
    std::string post_body() const;
    Outcome answered(const net::HttpResponse& response, std::string_view what) const;
    void save_state() const;

    Api m_api;
    const PublishRequest& m_request;
    const SaveState& m_save;
    std::string m_author;
    std::string m_commentary;  // escaped
    std::string m_visibility;
    ResumeState m_state;
};

}  // namespace postsched::adapters::linkedin
