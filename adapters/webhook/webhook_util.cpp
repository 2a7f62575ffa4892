// URL handling, secret scrubbing, character counting and Retry-After parsing
// for the webhook adapter.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <locale>
#include <sstream>

#include "adapters/webhook/webhook_internal.hpp"

namespace postsched::adapters::webhook {

namespace {

constexpr std::size_t k_min_secret_piece = 12;
constexpr double k_max_retry_after_seconds = 366.0 * 24 * 3600;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool valid_scheme(std::string_view s) {
    if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0])))
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
}

// Host of an authority "user@host:port" / "[::1]:port".
std::string host_of(std::string_view authority) {
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        return std::string(
            authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1));
    }
    return std::string(authority.substr(0, authority.find(':')));
}

// Splits on any of `separators`, dropping empty pieces.
std::vector<std::string> split_any(std::string_view s, std::string_view separators) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        const auto end = s.find_first_of(separators, start);
        const auto piece = s.substr(start, end == std::string_view::npos ? end : end - start);
        if (!piece.empty())
            out.emplace_back(piece);
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return out;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
    if (from.empty())
        return;
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
        s.replace(pos, from.size(), to);
    }
}

std::optional<Instant> parse_http_date(std::string_view value) {
    std::tm tm{};
    std::istringstream in{std::string(value)};
    in.imbue(std::locale::classic());
    in >> std::get_time(&tm, "%a, %d %b %Y %H:%M:%S");
    if (in.fail())
        return std::nullopt;
    const std::time_t t = timegm(&tm);
    if (t == static_cast<std::time_t>(-1))
        return std::nullopt;
    return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::from_time_t(t));
}

}  // namespace

std::string_view flavor_name(WebhookFlavor flavor) {
    switch (flavor) {
        case WebhookFlavor::discord:
            return "discord";
        case WebhookFlavor::slack:
            return "slack";
        case WebhookFlavor::json:
            return "webhook";
    }
    return "webhook";
}

std::optional<UrlParts> parse_url(std::string_view url) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos || !valid_scheme(url.substr(0, sep)))
        return std::nullopt;
    UrlParts p;
    p.scheme = lower(url.substr(0, sep));
    std::string_view rest = url.substr(sep + 3);
    const auto end = rest.find_first_of("/?#");
    p.host = host_of(rest.substr(0, end));
    if (p.host.empty())
        return std::nullopt;
    p.rest = end == std::string_view::npos ? "" : std::string(rest.substr(end));
    p.path = p.rest.substr(0, p.rest.find_first_of("?#"));
    if (p.path.empty())
        p.path = "/";
    return p;
}

std::string effective_url(const std::string& url, const std::string& api_base) {
    if (api_base.empty())
        return url;
    const auto parts = parse_url(url);
    if (!parts)
        return url;
    std::string base = api_base;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    if (parts->rest.empty() || parts->rest.front() != '/')
        base += '/';
    return base + parts->rest;
}

std::string append_query(std::string url, std::string_view param) {
    const auto hash = url.find('#');
    std::string fragment;
    if (hash != std::string::npos) {
        fragment = url.substr(hash);
        url.erase(hash);
    }
    url += url.find('?') == std::string::npos ? '?' : '&';
    return url.append(param).append(fragment);
}

std::vector<std::string> secret_pieces(const std::string& url, const std::string& called_url) {
    std::vector<std::string> out = {url, called_url};
    if (const auto parts = parse_url(url)) {
        if (parts->rest.size() > 1)
            out.push_back(parts->rest);
        if (parts->path.size() > 1)
            out.push_back(parts->path);
        for (auto& piece : split_any(parts->rest, "/?#&=")) {
            if (piece.size() >= k_min_secret_piece)
                out.push_back(std::move(piece));
        }
    }
    // Longest first, so a piece never hides inside an already masked longer one.
    std::sort(out.begin(), out.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    return out;
}

std::string scrub(std::string message, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets)
        replace_all(message, secret, "***");
    return message;
}

std::optional<Instant> parse_retry_after(std::string_view value, Instant now) {
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
        value.remove_prefix(1);
    }
    while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
        value.remove_suffix(1);
    }
    if (value.empty())
        return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(value.front()))) {
        std::istringstream in{std::string(value)};
        in.imbue(std::locale::classic());
        double seconds = 0;
        in >> seconds;
        if (in.fail() || !std::isfinite(seconds) || seconds < 0)
            return std::nullopt;
        seconds = std::min(seconds, k_max_retry_after_seconds);
        return now + Millis(static_cast<long long>(std::ceil(seconds * 1000.0)));
    }
    return parse_http_date(value);
}

}  // namespace postsched::adapters::webhook
