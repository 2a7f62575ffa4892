// The fake X's body checks, as the OpenAPI schema states them
// (CreatePostsRequest and the media initialize body: no unknown fields).
#include <nlohmann/json.hpp>

#include <regex>
#include <set>

#include "core/text_count.hpp"
#include "fakes/fake_x_internal.hpp"
#include "text/twitter_text.hpp"

namespace postsched::fakes::x_rules {
namespace {

using nlohmann::json;

const char* const k_invalid_type = "https://api.twitter.com/2/problems/invalid-request";

const std::set<std::string> k_tweet_fields = {"text",
                                              "media",
                                              "reply",
                                              "quote_tweet_id",
                                              "poll",
                                              "reply_settings",
                                              "community_id",
                                              "share_with_followers",
                                              "for_super_followers_only",
                                              "nullcast",
                                              "geo",
                                              "made_with_ai",
                                              "paid_partnership",
                                              "card_uri",
                                              "direct_message_deep_link",
                                              "edit_options"};
const std::set<std::string> k_media_fields = {"media_ids", "tagged_user_ids", "preview_media_id",
                                              "title", "description"};
const std::set<std::string> k_reply_fields = {"in_reply_to_tweet_id", "exclude_reply_user_ids",
                                              "auto_populate_reply_metadata"};
const std::set<std::string> k_init_fields = {"media_type", "total_bytes", "media_category",
                                             "additional_owners", "shared"};
const std::set<std::string> k_metadata_fields = {"alt_text",
                                                 "allow_download_status",
                                                 "audience_policy",
                                                 "content_expiration",
                                                 "domain_restrictions",
                                                 "found_media_origin",
                                                 "geo_restrictions",
                                                 "management_info",
                                                 "preview_image",
                                                 "sensitive_media_warning",
                                                 "shared_info",
                                                 "sticker_info",
                                                 "upload_source"};

// The first key of `object` not in `allowed`, as a JSON path, or "".
std::string unknown_field(const json& object, const std::set<std::string>& allowed,
                          const std::string& prefix) {
    for (const auto& [key, value] : object.items()) {
        if (!allowed.contains(key))
            return prefix + "." + key;
    }
    return "";
}

std::string additional(const std::string& path) {
    return invalid_request(path, path +
                                     ": is not defined in the schema and the schema does not "
                                     "allow additional properties");
}

}  // namespace

std::string problem(int status, const std::string& title, const std::string& detail,
                    const std::string& type) {
    return json{{"title", title}, {"detail", detail}, {"type", type}, {"status", status}}.dump();
}

std::string invalid_request(const std::string& path, const std::string& message) {
    return json{
        {"errors",
         json::array({{{"parameters", {{path, json::array({"{}"})}}}, {"message", message}}})},
        {"title", "Invalid Request"},
        {"detail", "One or more parameters to your request was invalid."},
        {"type", k_invalid_type}}
        .dump();
}

std::optional<TweetParams> parse_tweet_body(const std::string& body, std::string& error) {
    const json request = json::parse(body, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
        error = invalid_request("$", "$: the request body is not a JSON object");
        return std::nullopt;
    }
    if (auto path = unknown_field(request, k_tweet_fields, "$"); !path.empty()) {
        error = additional(path);
        return std::nullopt;
    }
    TweetParams out;
    if (request.contains("text")) {
        if (!request["text"].is_string()) {
            error = invalid_request("$.text", "$.text: string found, but expected string");
            return std::nullopt;
        }
        out.text = request["text"].get<std::string>();
        out.has_text = true;
    }
    if (request.contains("media")) {
        const json& media = request["media"];
        if (!media.is_object()) {
            error = invalid_request("$.media", "$.media: expected object");
            return std::nullopt;
        }
        if (auto path = unknown_field(media, k_media_fields, "$.media"); !path.empty()) {
            error = additional(path);
            return std::nullopt;
        }
        const json ids = media.value("media_ids", json());
        static const std::regex k_id("^[0-9]{1,19}$");
        if (!ids.is_array() || ids.empty() || ids.size() > 4) {
            error = invalid_request("$.media.media_ids",
                                    "$.media.media_ids: there must be between 1 and 4 items");
            return std::nullopt;
        }
        for (const auto& id : ids) {
            if (!id.is_string() || !std::regex_match(id.get<std::string>(), k_id)) {
                error = invalid_request("$.media.media_ids",
                                        "$.media.media_ids: does not match ^[0-9]{1,19}$");
                return std::nullopt;
            }
            out.media_ids.push_back(id.get<std::string>());
        }
    }
    if (request.contains("reply")) {
        const json& reply = request["reply"];
        if (!reply.is_object()) {
            error = invalid_request("$.reply", "$.reply: expected object");
            return std::nullopt;
        }
        if (auto path = unknown_field(reply, k_reply_fields, "$.reply"); !path.empty()) {
            error = additional(path);
            return std::nullopt;
        }
        if (!reply.contains("in_reply_to_tweet_id") || !reply["in_reply_to_tweet_id"].is_string()) {
            error = invalid_request("$.reply",
                                    "$.reply.in_reply_to_tweet_id: is missing but it is required");
            return std::nullopt;
        }
        out.in_reply_to = reply["in_reply_to_tweet_id"].get<std::string>();
    }
    if (!out.has_text && out.media_ids.empty()) {
        error = invalid_request("$", "$.text: is missing but it is required");
        return std::nullopt;
    }
    return out;
}

std::optional<MetadataParams> parse_metadata_body(const std::string& body, std::string& error) {
    const json request = json::parse(body, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
        error = invalid_request("$", "$: the request body is not a JSON object");
        return std::nullopt;
    }
    if (auto path = unknown_field(request, {"id", "metadata"}, "$"); !path.empty()) {
        error = additional(path);
        return std::nullopt;
    }
    if (!request.contains("id") || !request["id"].is_string()) {
        error = invalid_request("$.id", "$.id: is missing but it is required");
        return std::nullopt;
    }
    MetadataParams out;
    out.id = request["id"].get<std::string>();
    const json metadata = request.value("metadata", json::object());
    if (!metadata.is_object()) {
        error = invalid_request("$.metadata", "$.metadata: must be an object");
        return std::nullopt;
    }
    if (auto path = unknown_field(metadata, k_metadata_fields, "$.metadata"); !path.empty()) {
        error = additional(path);
        return std::nullopt;
    }
    if (metadata.contains("alt_text")) {
        const json& alt = metadata["alt_text"];
        if (!alt.is_object() || !alt.contains("text") || !alt["text"].is_string()) {
            error = invalid_request("$.metadata.alt_text.text",
                                    "$.metadata.alt_text.text: is missing but it is required");
            return std::nullopt;
        }
        if (auto path = unknown_field(alt, {"text"}, "$.metadata.alt_text"); !path.empty()) {
            error = additional(path);
            return std::nullopt;
        }
        out.alt_text = alt["text"].get<std::string>();
        if (postsched::count_code_points(*out.alt_text) > 1000) {
            error = invalid_request("$.metadata.alt_text.text",
                                    "$.metadata.alt_text.text: must be at most 1000 characters");
            return std::nullopt;
        }
    }
    return out;
}

std::optional<InitParams> parse_initialize_body(const std::string& body, std::string& error) {
    const json request = json::parse(body, nullptr, false);
    if (request.is_discarded() || !request.is_object()) {
        error = invalid_request("$", "$: the request body is not a JSON object");
        return std::nullopt;
    }
    if (auto path = unknown_field(request, k_init_fields, "$"); !path.empty()) {
        error = additional(path);
        return std::nullopt;
    }
    static const std::set<std::string> k_types = {"image/jpeg", "image/png", "image/gif",
                                                  "image/webp", "video/mp4"};
    static const std::set<std::string> k_categories = {"tweet_image", "tweet_gif", "tweet_video"};
    InitParams out;
    if (!request.contains("media_type") || !request["media_type"].is_string() ||
        !k_types.contains(request["media_type"].get<std::string>())) {
        error = invalid_request("$.media_type", "$.media_type: is not a supported media type");
        return std::nullopt;
    }
    if (!request.contains("total_bytes") || !request["total_bytes"].is_number_unsigned() ||
        request["total_bytes"].get<std::size_t>() == 0) {
        error = invalid_request("$.total_bytes", "$.total_bytes: is missing but it is required");
        return std::nullopt;
    }
    if (!request.contains("media_category") || !request["media_category"].is_string() ||
        !k_categories.contains(request["media_category"].get<std::string>())) {
        error = invalid_request("$.media_category", "$.media_category: is not a valid category");
        return std::nullopt;
    }
    out.media_type = request["media_type"].get<std::string>();
    out.total_bytes = request["total_bytes"].get<std::size_t>();
    out.category = request["media_category"].get<std::string>();
    return out;
}

std::string rendered_text(const std::string& text) {
    std::string shortened;
    std::size_t from = 0;
    int n = 0;
    for (const auto& url : text::extract_urls(text)) {
        const auto at = text.find(url.url, from);
        if (at == std::string::npos)
            continue;
        shortened.append(text, from, at - from).append("https://t.co/Fake" + std::to_string(++n));
        from = at + url.url.size();
    }
    shortened.append(text, from);
    std::string out;
    for (char c : shortened) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else
            out += c;
    }
    return out;
}

}  // namespace postsched::fakes::x_rules
