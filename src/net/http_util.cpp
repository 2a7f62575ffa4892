// The free helpers of http_client.hpp: header lookup, log redaction and body
// encoders. Nothing here touches the network.
#include <algorithm>
#include <array>
#include <cctype>
#include <random>

#include "net/http_client.hpp"

namespace postsched::net {
namespace {

constexpr std::string_view k_mask = "***";

// Query keys whose values are credentials (compared case-insensitively).
constexpr std::array<std::string_view, 11> k_secret_query_keys = {
    "access_token", "token",     "code",          "client_secret",     "password",     "key",
    "secret",       "signature", "refresh_token", "fb_exchange_token", "code_verifier"};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && lower(a) == lower(b);
}

bool is_secret_key(std::string_view key) {
    const std::string k = lower(key);
    return std::find(k_secret_query_keys.begin(), k_secret_query_keys.end(), k) !=
           k_secret_query_keys.end();
}

// "a=1&access_token=x" → "a=1&access_token=***".
std::string redact_query(std::string_view query) {
    std::string out;
    std::size_t start = 0;
    bool first = true;
    while (start <= query.size()) {
        std::size_t end = query.find('&', start);
        if (end == std::string_view::npos)
            end = query.size();
        const std::string_view pair = query.substr(start, end - start);
        const std::size_t eq = pair.find('=');
        if (!first)
            out += '&';
        first = false;
        if (eq != std::string_view::npos && is_secret_key(pair.substr(0, eq))) {
            out.append(pair.substr(0, eq + 1)).append(k_mask);
        } else {
            out.append(pair);
        }
        start = end + 1;
    }
    return out;
}

struct UrlParts {
    std::string_view scheme;     // "https"
    std::string_view authority;  // "host:port", user info removed
    bool had_user_info = false;
    std::string_view path;      // "/a/b"
    std::string_view query;     // without '?'
    std::string_view fragment;  // without '#'
    bool has_query = false;
    bool has_fragment = false;
};

UrlParts split_url(std::string_view url) {
    UrlParts p;
    std::string_view rest = url;
    if (const auto colon = rest.find("://"); colon != std::string_view::npos) {
        p.scheme = rest.substr(0, colon);
        rest.remove_prefix(colon + 3);
    }
    const std::size_t auth_end = std::min(rest.find_first_of("/?#"), rest.size());
    std::string_view authority = rest.substr(0, auth_end);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        p.had_user_info = true;
        authority.remove_prefix(at + 1);
    }
    p.authority = authority;
    rest.remove_prefix(auth_end);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
        p.fragment = rest.substr(hash + 1);
        p.has_fragment = true;
        rest = rest.substr(0, hash);
    }
    if (const auto q = rest.find('?'); q != std::string_view::npos) {
        p.query = rest.substr(q + 1);
        p.has_query = true;
        rest = rest.substr(0, q);
    }
    p.path = rest;
    return p;
}

std::string random_boundary() {
    thread_local std::mt19937_64 t_rng{std::random_device{}()};
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out = "postsched-";
    for (int i = 0; i < 32; ++i)
        out += k_hex[t_rng() % 16];
    return out;
}

// Quoted-string value for Content-Disposition: no quotes or line breaks.
std::string disposition_value(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '"') {
            out += "%22";
        } else if (c == '\r' || c == '\n') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string multipart_body(const std::vector<MultipartPart>& parts, std::string_view boundary) {
    std::string body;
    for (const auto& part : parts) {
        body.append("--").append(boundary).append("\r\n");
        body.append("Content-Disposition: form-data; name=\"")
            .append(disposition_value(part.name))
            .append("\"");
        if (!part.filename.empty()) {
            body.append("; filename=\"").append(disposition_value(part.filename)).append("\"");
        }
        body.append("\r\n");
        if (!part.content_type.empty()) {
            body.append("Content-Type: ").append(part.content_type).append("\r\n");
        }
        body.append("\r\n").append(part.value).append("\r\n");
    }
    body.append("--").append(boundary).append("--\r\n");
    return body;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (equals_ignore_case(key, name))
            return value;
    }
    return std::nullopt;
}

std::string redact_url(std::string_view url, bool secret_url) {
    const UrlParts p = split_url(url);
    std::string out;
    if (!p.scheme.empty())
        out.append(p.scheme).append("://");
    if (p.had_user_info)
        out.append(k_mask).append("@");
    out.append(p.authority);
    if (secret_url)
        return out.append("/").append(k_mask);
    out.append(p.path);
    if (p.has_query)
        out.append("?").append(redact_query(p.query));
    if (p.has_fragment)
        out.append("#").append(redact_query(p.fragment));
    return out;
}

std::string redact_header(std::string_view name, std::string_view value) {
    const std::string n = lower(name);
    if (n == "authorization" || n == "proxy-authorization") {
        const auto space = value.find(' ');
        if (space == std::string_view::npos)
            return std::string(k_mask);
        return std::string(value.substr(0, space + 1)).append(k_mask);
    }
    if (n == "cookie" || n == "set-cookie" || n.find("token") != std::string::npos ||
        n.find("secret") != std::string::npos || n.find("api-key") != std::string::npos ||
        n.find("signature") != std::string::npos) {
        return std::string(k_mask);
    }
    return std::string(value);
}

std::string url_encode(std::string_view s) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += k_hex[c >> 4];
            out += k_hex[c & 0x0F];
        }
    }
    return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [key, value] : fields) {
        if (!out.empty())
            out += '&';
        out.append(url_encode(key)).append("=").append(url_encode(value));
    }
    return out;
}

MultipartBody build_multipart(const std::vector<MultipartPart>& parts) {
    // A random boundary that none of the values contains (checked, since an
    // uploaded file could hold any bytes).
    for (;;) {
        const std::string boundary = random_boundary();
        const bool clash = std::any_of(parts.begin(), parts.end(), [&](const MultipartPart& p) {
            return p.value.find(boundary) != std::string::npos;
        });
        if (clash)
            continue;
        return {"multipart/form-data; boundary=" + boundary, multipart_body(parts, boundary)};
    }
}

}  // namespace postsched::net
