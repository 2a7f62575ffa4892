#pragma once
// The lexicon checks of the fake Bluesky (app.bsky.feed.post and its
// facets and embeds), written independently of the adapter. Private to
// tests/fakes/.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace postsched::fakes::bluesky_rules {

struct Lookups {
    // Whether `cid` is a blob this account uploaded, and its size.
    std::function<std::optional<std::size_t>(const std::string& cid)> blob_size;
    // The cid of the record at an at:// uri, or empty.
    std::function<std::string(const std::string& uri)> record_cid;
    std::size_t max_image_bytes = 1000000;
};

// The text after "Invalid app.bsky.feed.post record: ", or "" when valid.
std::string invalid_post(const nlohmann::json& record, const Lookups& lookups);

bool valid_tid(const std::string& rkey);

// A fake CID for a record or blob: "bafyrei" + a stable hash of `content`.
std::string fake_cid(const std::string& content, const char* prefix = "bafyrei");

}  // namespace postsched::fakes::bluesky_rules
