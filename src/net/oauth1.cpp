// RFC 5849 signing: base string, HMAC-SHA1 signature, Authorization header.
#include "net/oauth1.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

#include "core/errors.hpp"
#include "net/http_client.hpp"

namespace postsched::net {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// RFC 5849 §3.4.1.2: lower-case scheme and host, no default port, no query
// or fragment.
std::string base_uri(std::string_view url) {
    url = url.substr(0, url.find_first_of("?#"));
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        return std::string(url);
    const std::string scheme = lower(url.substr(0, scheme_end));
    std::string_view rest = url.substr(scheme_end + 3);
    const auto slash = rest.find('/');
    std::string authority = lower(rest.substr(0, slash));
    const std::string path =
        slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    const std::string default_port = scheme == "https" ? ":443" : scheme == "http" ? ":80" : "";
    if (!default_port.empty() && authority.size() > default_port.size() &&
        authority.ends_with(default_port)) {
        authority.resize(authority.size() - default_port.size());
    }
    return scheme + "://" + authority + path;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
            hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string base64(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3), '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

}  // namespace

Params parse_form(std::string_view form) {
    Params out;
    while (!form.empty()) {
        const auto amp = form.find('&');
        const std::string_view pair = form.substr(0, amp);
        form = amp == std::string_view::npos ? std::string_view() : form.substr(amp + 1);
        if (pair.empty())
            continue;
        const auto eq = pair.find('=');
        out.emplace_back(percent_decode(pair.substr(0, eq), true),
                         eq == std::string_view::npos ? std::string()
                                                      : percent_decode(pair.substr(eq + 1), true));
    }
    return out;
}

std::string oauth1_base_string(std::string_view method, std::string_view url,
                               const Params& params) {
    std::vector<std::pair<std::string, std::string>> encoded;
    for (const auto& [key, value] : params)
        encoded.emplace_back(url_encode(key), url_encode(value));
    const auto query_start = url.find('?');
    if (query_start != std::string_view::npos) {
        std::string_view query = url.substr(query_start + 1);
        query = query.substr(0, query.find('#'));
        for (const auto& [key, value] : parse_form(query))
            encoded.emplace_back(url_encode(key), url_encode(value));
    }
    std::sort(encoded.begin(), encoded.end());
    std::string normalized;
    for (const auto& [key, value] : encoded) {
        if (!normalized.empty())
            normalized += '&';
        normalized.append(key).append("=").append(value);
    }
    std::string upper(method);
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return upper + "&" + url_encode(base_uri(url)) + "&" + url_encode(normalized);
}

std::string oauth1_signature(std::string_view base_string, std::string_view consumer_secret,
                             std::string_view token_secret) {
    const std::string key = url_encode(consumer_secret) + "&" + url_encode(token_secret);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(base_string.data()), base_string.size(), digest,
             &size) == nullptr) {
        throw Error(Exit::software, "openssl: HMAC-SHA1 failed");
    }
    return base64(digest, size);
}

std::string oauth1_authorization(std::string_view method, std::string_view url,
                                 const Params& body_params, const OAuth1Credentials& credentials,
                                 std::string_view nonce, std::string_view timestamp) {
    Params oauth = {{"oauth_consumer_key", credentials.consumer_key},
                    {"oauth_nonce", std::string(nonce)},
                    {"oauth_signature_method", "HMAC-SHA1"},
                    {"oauth_timestamp", std::string(timestamp)},
                    {"oauth_token", credentials.token},
                    {"oauth_version", "1.0"}};
    Params all = oauth;
    all.insert(all.end(), body_params.begin(), body_params.end());
    const std::string signature =
        oauth1_signature(oauth1_base_string(method, url, all), credentials.consumer_secret,
                         credentials.token_secret);
    oauth.emplace_back("oauth_signature", signature);
    std::sort(oauth.begin(), oauth.end());
    std::string header = "OAuth ";
    for (std::size_t i = 0; i < oauth.size(); ++i) {
        if (i != 0)
            header += ", ";
        header += url_encode(oauth[i].first) + "=\"" + url_encode(oauth[i].second) + "\"";
    }
    return header;
}

std::string oauth1_nonce() {
    static constexpr char k_alphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char random[32];
    if (RAND_bytes(random, sizeof random) != 1)
        throw Error(Exit::software, "openssl: RAND_bytes failed");
    std::string out;
    for (unsigned char byte : random)
        out += k_alphabet[byte % 62];
    return out;
}

Params parse_oauth1_header(std::string_view header) {
    Params out;
    if (!header.starts_with("OAuth "))
        return out;
    std::string_view rest = header.substr(6);
    while (!rest.empty()) {
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == ','))
            rest.remove_prefix(1);
        const auto eq = rest.find('=');
        if (eq == std::string_view::npos)
            break;
        const std::string key(rest.substr(0, eq));
        rest.remove_prefix(eq + 1);
        std::string value;
        if (!rest.empty() && rest.front() == '"') {
            const auto close = rest.find('"', 1);
            if (close == std::string_view::npos)
                return {};
            value = std::string(rest.substr(1, close - 1));
            rest.remove_prefix(close + 1);
        } else {
            const auto comma = rest.find(',');
            value = std::string(rest.substr(0, comma));
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma);
        }
        out.emplace_back(percent_decode(key, false), percent_decode(value, false));
    }
    return out;
}

}  // namespace postsched::net
