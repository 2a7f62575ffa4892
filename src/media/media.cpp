#include "media/media.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "core/text_count.hpp"
#include "net/curl_http_client.hpp"
#include "net/http_client.hpp"

namespace postsched::media {
namespace {

std::string human_bytes(std::size_t n) {
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        return std::to_string(n / 1024 / 1024) + " MiB";
    if (n >= 1000 * 1000 && n % (1000 * 1000) == 0)
        return std::to_string(n / 1000 / 1000) + " MB";
    return std::to_string(n) + " bytes";
}

// " for a GIF" when a per-type rule set the limit that was passed.
std::string type_limit_note(const adapters::MediaRules& rules, const std::string& type) {
    const auto* rule = rules.rule_for(type);
    if (!rule || rule->max_bytes == 0)
        return "";
    return " for a " + rule->label;
}

std::string read_head(const std::string& path, std::size_t n) {
    std::ifstream in(path, std::ios::binary);
    std::string buf(n, '\0');
    in.read(buf.data(), static_cast<std::streamsize>(n));
    buf.resize(static_cast<std::size_t>(in.gcount()));
    return buf;
}

void check_type(const std::string& type, const MediaRef& item, const adapters::MediaRules& rules,
                const Account& account) {
    if (rules.types.empty() || type.empty())
        return;
    if (std::find(rules.types.begin(), rules.types.end(), type) == rules.types.end()) {
        std::string list;
        for (const auto& t : rules.types)
            list += (list.empty() ? "" : ", ") + t;
        throw Error(Exit::data, "media \"" + item.source + "\" is " + type + ", which " +
                                    account.platform + " account \"" + account.name +
                                    "\" does not take (accepted: " + list + ")");
    }
}

}  // namespace

std::string type_from_extension(std::string_view source) {
    auto q = source.find_first_of("?#");
    std::string path(source.substr(0, q));
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (ext == ".jpg" || ext == ".jpeg")
        return "image/jpeg";
    if (ext == ".png")
        return "image/png";
    if (ext == ".gif")
        return "image/gif";
    if (ext == ".webp")
        return "image/webp";
    if (ext == ".mp4" || ext == ".m4v")
        return "video/mp4";
    if (ext == ".mov")
        return "video/quicktime";
    return "";
}

bool is_loopback_url(std::string_view url) {
    auto rest = url.substr(url.find("://") + 3);
    auto host = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = host.rfind('@'); at != std::string_view::npos)
        host = host.substr(at + 1);
    if (!host.empty() && host[0] == '[')
        return host.rfind("[::1]", 0) == 0;
    host = host.substr(0, host.find(':'));
    return net::is_loopback_host(host);
}

bool is_url(std::string_view s) {
    return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

std::string sniff_content_type(std::string_view h) {
    auto starts = [&](std::string_view magic, std::size_t at = 0) {
        return h.size() >= at + magic.size() && h.substr(at, magic.size()) == magic;
    };
    if (starts("\xFF\xD8\xFF"))
        return "image/jpeg";
    if (starts("\x89PNG\r\n\x1A\n"))
        return "image/png";
    if (starts("GIF87a") || starts("GIF89a"))
        return "image/gif";
    if (starts("RIFF") && starts("WEBP", 8))
        return "image/webp";
    if (starts("ftypqt", 4))
        return "video/quicktime";
    if (starts("ftyp", 4))
        return "video/mp4";
    return "";
}

std::string check_for_account(const MediaRef& item, const adapters::MediaRules& rules,
                              const Account& account) {
    std::string who = account.platform + " account \"" + account.name + "\"";
    if (!rules.supported)
        throw Error(Exit::data, who + " takes no media (\"" + item.source + "\")");
    if (const std::size_t n = count_code_points(item.alt);
        rules.max_alt_chars != 0 && n > rules.max_alt_chars)
        throw Error(Exit::data, "the alt text of media \"" + item.source + "\" is " +
                                    std::to_string(n) + " characters, over the " +
                                    std::to_string(rules.max_alt_chars) + " of " + who);
    if (is_url(item.source)) {
        if (item.source.rfind("http://", 0) == 0 && !is_loopback_url(item.source))
            throw Error(Exit::data, "media \"" + item.source +
                                        "\": use https (plain http is "
                                        "accepted only for loopback hosts)");
        std::string type = type_from_extension(item.source);
        if (type.empty() && rules.urls_only)
            throw Error(Exit::data, "media \"" + item.source +
                                        "\": the URL's path must end in the file's extension "
                                        "(.jpg, .mp4, .mov, ...): " +
                                        who +
                                        " fetches media itself and is told whether each item "
                                        "is an image or a video");
        check_type(type, item, rules, account);
        return type;
    }
    if (rules.urls_only)
        throw Error(Exit::data, "media \"" + item.source + "\" is a local file, but " + who +
                                    " only takes public https URLs (the platform fetches media "
                                    "itself)");
    std::error_code ec;
    auto size = std::filesystem::file_size(item.source, ec);
    if (ec || !std::ifstream(item.source))
        throw Error(Exit::no_input, "media \"" + item.source + "\" cannot be read");
    std::string type = sniff_content_type(read_head(item.source, 32));
    if (type.empty())
        throw Error(Exit::data, "media \"" + item.source +
                                    "\" is not an image or video postsched recognises (JPEG, "
                                    "PNG, GIF, WebP, MP4, MOV)");
    check_type(type, item, rules, account);
    if (size > rules.max_bytes_for(type))
        throw Error(Exit::data, "media \"" + item.source + "\" is " + human_bytes(size) +
                                    ", over the " + human_bytes(rules.max_bytes_for(type)) +
                                    " limit of " + who + type_limit_note(rules, type));
    return type;
}

void check_fetched(const adapters::FetchedMedia& item, const adapters::MediaRules& rules,
                   const Account& account) {
    MediaRef ref{item.source, item.alt};
    check_type(item.content_type, ref, rules, account);
    const std::size_t limit = rules.max_bytes_for(item.content_type);
    if (item.bytes.size() > limit)
        throw Error(Exit::data, "media \"" + item.source + "\" is " +
                                    human_bytes(item.bytes.size()) + ", over the " +
                                    human_bytes(limit) + " limit of " + account.platform +
                                    " account \"" + account.name + "\"" +
                                    type_limit_note(rules, item.content_type));
}

MediaCache::MediaCache(net::HttpClient& http, std::size_t max_bytes, Millis timeout)
    : m_http(http), m_max_bytes(max_bytes), m_timeout(timeout) {}

adapters::FetchedMedia MediaCache::get(const MediaRef& item) {
    {
        std::lock_guard lock(m_mutex);
        auto it = m_items.find(item.source);
        if (it != m_items.end()) {
            auto copy = *it->second;
            copy.alt = item.alt;
            return copy;
        }
    }
    auto loaded = std::make_shared<adapters::FetchedMedia>(load(item));
    std::lock_guard lock(m_mutex);
    m_items.emplace(item.source, loaded);
    return *loaded;
}

adapters::FetchedMedia MediaCache::load(const MediaRef& item) {
    adapters::FetchedMedia m{item.source, item.alt, "", ""};
    if (is_url(item.source)) {
        net::HttpRequest req;
        req.url = item.source;
        req.timeout = m_timeout;
        net::HttpResponse res;
        try {
            res = m_http.send(req);
        } catch (const net::TransportError& e) {
            throw Error(Exit::unavailable,
                        "media \"" + net::redact_url(item.source, false) + "\": " + e.what());
        }
        if (res.status != 200)
            throw Error(Exit::data, "media \"" + net::redact_url(item.source, false) + "\": HTTP " +
                                        std::to_string(res.status));
        m.bytes = std::move(res.body);
    } else {
        std::ifstream in(item.source, std::ios::binary);
        if (!in)
            throw Error(Exit::no_input, "media \"" + item.source + "\" cannot be read");
        m.bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    if (m.bytes.size() > m_max_bytes)
        throw Error(Exit::data, "media \"" + item.source + "\" is " + human_bytes(m.bytes.size()) +
                                    ", over the " + human_bytes(m_max_bytes) + " fetch limit");
    m.content_type = sniff_content_type(std::string_view(m.bytes).substr(0, 32));
    if (m.content_type.empty())
        throw Error(Exit::data, "media \"" + item.source + "\" is not a recognised image or video");
    return m;
}

}  // namespace postsched::media
