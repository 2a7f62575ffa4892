#pragma once
// Request checks of the fake X that do not touch the server. Private to
// tests/fakes/.
#include <optional>
#include <string>
#include <vector>

namespace postsched::fakes::x_rules {

// X's 400 invalid-request body naming one JSON path and message.
std::string invalid_request(const std::string& path, const std::string& message);
std::string problem(int status, const std::string& title, const std::string& detail,
                    const std::string& type = "about:blank");

struct TweetParams {
    std::string text;
    bool has_text = false;
    std::vector<std::string> media_ids;
    std::string in_reply_to;
};
// Parses a POST /2/tweets body as CreatePostsRequest (additionalProperties:
// false at every level). On error: the 400 body in `error`.
std::optional<TweetParams> parse_tweet_body(const std::string& body, std::string& error);

struct InitParams {
    std::string media_type;
    std::size_t total_bytes = 0;
    std::string category;
};
std::optional<InitParams> parse_initialize_body(const std::string& body, std::string& error);

struct MetadataParams {
    std::string id;
    std::optional<std::string> alt_text;
};
// A POST /2/media/metadata body: {"id", "metadata": {"alt_text": {"text"}, ...}}
// with X's own fields only; alt text up to 1,000 characters.
std::optional<MetadataParams> parse_metadata_body(const std::string& body, std::string& error);

// Text as X returns it: &, <, > escaped and URLs replaced by t.co links.
std::string rendered_text(const std::string& text);

}  // namespace postsched::fakes::x_rules
