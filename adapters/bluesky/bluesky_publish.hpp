#pragma once
// The publish and settle flows of the Bluesky adapter. Private to
// adapters/bluesky/.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/bluesky/bluesky_internal.hpp"

namespace postsched::adapters::bluesky {

// Ends a flow early with this outcome.
struct Stop {
    Outcome outcome;
};

// How to speak to one account's PDS.
struct Api {
    net::HttpClient& http;
    const Clock& clock;
    std::string base;  // "https://host", no trailing slash
    std::string token;
    Millis timeout;

    // Sends to /xrpc/<nsid_and_query> with the Bearer token and returns any
    // HTTP answer. Throws Stop for transport failures and refused URLs.
    net::HttpResponse send(const std::string& method, const std::string& nsid_and_query,
                           std::string_view what, std::string body = {},
                           const std::string& content_type = {}) const;
};

class Publication {
  public:
    Publication(Api api, const PublishRequest& request, const SaveState& save);
    // Uploads the images, then writes each part not yet confirmed under its
    // saved record key (putRecord, swapRecord null). Posted carries part 1.
    Outcome run();
    // For an interrupted attempt: confirms saved-but-unanswered parts with
    // getRecord, then goes on as run() does (writing under the same keys
    // can never make a second post).
    Outcome settle();

  private:
    // run() and settle(): settle first confirms saved, unanswered parts.
    Outcome go(bool confirm_first);
    std::optional<Outcome> prepare();
    Outcome write_remaining();
    std::optional<Outcome> upload_blobs();
    std::optional<Outcome> write_part(std::size_t i);
    // getRecord on part i's key: true when our record is there (uri/cid kept).
    // Throws Stop when the key holds another record or the lookup fails.
    bool confirm(std::size_t i, const Outcome& if_unreadable);
    nlohmann::json build_record(std::size_t i);
    nlohmann::json facets_of(const std::string& text);
    nlohmann::json embed_of(std::size_t i, const nlohmann::json& facets) const;
    std::optional<std::string> resolve(const std::string& handle);
    std::string part_name(std::size_t i) const;
    std::string repo() const;
    std::string web_url(const std::string& rkey) const;
    Outcome answered(const net::HttpResponse& response, std::string_view what) const;
    void save_state() const;

    Api m_api;
    const PublishRequest& m_request;
    const SaveState& m_save;
    std::vector<std::string> m_parts;  // at least one (image-only posts: "")
    std::vector<std::string> m_langs;
    ResumeState m_state;
    std::map<std::string, std::optional<std::string>> m_dids;  // handle → DID
};

// Post options: {"bluesky": {"langs": ["en"]}}, or a top-level "language".
// Throws Error(Exit::data) naming the bad option.
std::vector<std::string> parse_langs(std::string_view options_json);

}  // namespace postsched::adapters::bluesky
