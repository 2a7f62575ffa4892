#include "fakes/fake_bluesky_rules.hpp"

#include <cstdint>
#include <cstring>
#include <optional>

#include "core/text_count.hpp"

namespace postsched::fakes::bluesky_rules {
namespace {

using nlohmann::json;

bool is_string(const json& o, const char* key) {
    return o.is_object() && o.contains(key) && o[key].is_string();
}

std::string check_facets(const json& facets, std::size_t text_bytes) {
    if (!facets.is_array())
        return "Record/facets must be an array";
    for (const auto& f : facets) {
        if (!f.is_object() || !f.contains("index") || !f["index"].is_object())
            return "Record/facets/index must be an object";
        const json& index = f["index"];
        if (!index.contains("byteStart") || !index["byteStart"].is_number_unsigned() ||
            !index.contains("byteEnd") || !index["byteEnd"].is_number_unsigned())
            return "Record/facets/index/byteStart must be an integer";
        const auto start = index["byteStart"].get<std::size_t>();
        const auto end = index["byteEnd"].get<std::size_t>();
        if (start >= end || end > text_bytes)
            return "Record/facets/index is outside the text";
        if (!f.contains("features") || !f["features"].is_array() || f["features"].empty())
            return "Record/facets/features must be a non-empty array";
        for (const auto& feature : f["features"]) {
            const std::string type = feature.value("$type", "");
            if (type == "app.bsky.richtext.facet#link" && is_string(feature, "uri"))
                continue;
            if (type == "app.bsky.richtext.facet#mention" && is_string(feature, "did") &&
                feature["did"].get<std::string>().starts_with("did:"))
                continue;
            if (type == "app.bsky.richtext.facet#tag" && is_string(feature, "tag") &&
                count_graphemes(feature["tag"].get<std::string>()) <= 64)
                continue;
            return "Record/facets/features has an invalid feature";
        }
    }
    return "";
}

std::string check_images(const json& embed, const Lookups& lookups) {
    if (!embed.contains("images") || !embed["images"].is_array() || embed["images"].empty())
        return "Record/embed/images must be a non-empty array";
    if (embed["images"].size() > 4)
        return "Record/embed/images must not have more than 4 elements";
    for (const auto& image : embed["images"]) {
        if (!is_string(image, "alt"))
            return "Record/embed/images/0 must have the property \"alt\"";
        const json& blob = image.value("image", json());
        if (blob.value("$type", "") != "blob" || !blob.contains("ref") ||
            !is_string(blob["ref"], "$link") || !is_string(blob, "mimeType"))
            return "Record/embed/images/0/image should be a blob ref";
        const auto size = lookups.blob_size(blob["ref"]["$link"].get<std::string>());
        if (!size)
            return "Record/embed/images/0/image: blob not found";
        if (*size > lookups.max_image_bytes)
            return "Record/embed/images/0/image file too large";
        if (image.contains("aspectRatio")) {
            const json& ratio = image["aspectRatio"];
            if (!ratio.is_object() || !ratio.value("width", json()).is_number_unsigned() ||
                !ratio.value("height", json()).is_number_unsigned() ||
                ratio["width"].get<long long>() < 1 || ratio["height"].get<long long>() < 1)
                return "Record/embed/images/0/aspectRatio must have integer width and height >= 1";
        }
    }
    return "";
}

std::string check_embed(const json& embed, const Lookups& lookups) {
    const std::string type = embed.value("$type", "");
    if (type == "app.bsky.embed.images")
        return check_images(embed, lookups);
    if (type == "app.bsky.embed.external") {
        const json& ext = embed.value("external", json());
        if (!is_string(ext, "uri") || !is_string(ext, "title") || !is_string(ext, "description"))
            return "Record/embed/external must have uri, title and description";
        return "";
    }
    return "Record/embed has an unknown $type";
}

std::string check_reply(const json& reply, const Lookups& lookups) {
    for (const char* key : {"root", "parent"}) {
        const json& ref = reply.value(key, json());
        if (!is_string(ref, "uri") || !is_string(ref, "cid"))
            return std::string("Record/reply/") + key + " must be a strong ref";
        if (lookups.record_cid(ref["uri"].get<std::string>()) != ref["cid"].get<std::string>())
            return std::string("Record/reply/") + key + " does not name an existing record";
    }
    return "";
}

}  // namespace

std::string invalid_post(const json& record, const Lookups& lookups) {
    if (!record.is_object())
        return "Record must be an object";
    if (record.value("$type", "") != "app.bsky.feed.post")
        return "Record/$type must be app.bsky.feed.post";
    if (!is_string(record, "text"))
        return "Record must have the property \"text\"";
    const std::string text = record["text"].get<std::string>();
    if (text.size() > 3000)
        return "Record/text must not be longer than 3000 characters";
    if (count_graphemes(text) > 300)
        return "Record/text must not be longer than 300 graphemes";
    if (!is_string(record, "createdAt"))
        return "Record must have the property \"createdAt\"";
    if (record.contains("langs") && (!record["langs"].is_array() || record["langs"].size() > 3))
        return "Record/langs must not have more than 3 elements";
    if (record.contains("facets")) {
        if (auto why = check_facets(record["facets"], text.size()); !why.empty())
            return why;
    }
    if (record.contains("embed")) {
        if (auto why = check_embed(record["embed"], lookups); !why.empty())
            return why;
    }
    if (record.contains("reply"))
        return check_reply(record["reply"], lookups);
    return "";
}

bool valid_tid(const std::string& rkey) {
    static const char* k_alphabet = "234567abcdefghijklmnopqrstuvwxyz";
    if (rkey.size() != 13 || std::strchr("234567abcdefghij", rkey[0]) == nullptr)
        return false;
    for (char c : rkey) {
        if (c == '\0' || std::strchr(k_alphabet, c) == nullptr)
            return false;
    }
    return true;
}

std::string fake_cid(const std::string& content, const char* prefix) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : content) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    static const char* k_b32 = "abcdefghijklmnopqrstuvwxyz234567";
    std::string out = prefix;
    for (int i = 0; i < 52; ++i) {
        out += k_b32[h % 32];
        h = h * 6364136223846793005ULL + 1442695040888963407ULL;
    }
    return out;
}

}  // namespace postsched::fakes::bluesky_rules
