#include "store/store_url.hpp"

namespace postsched::store {
namespace {

constexpr const char* k_mask = "********";

// Masks the value of every `password=` parameter after the '?'.
std::string redact_query(std::string url) {
    auto q = url.find('?');
    if (q == std::string::npos)
        return url;
    for (auto pos = q + 1; pos < url.size();) {
        auto end = url.find('&', pos);
        if (end == std::string::npos)
            end = url.size();
        auto eq = url.find('=', pos);
        if (eq != std::string::npos && eq < end && url.compare(pos, eq - pos, "password") == 0) {
            url.replace(eq + 1, end - eq - 1, k_mask);
            end = eq + 1 + std::char_traits<char>::length(k_mask);
        }
        pos = end + 1;
    }
    return url;
}

}  // namespace

std::string redact_url(const std::string& url) {
    auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return url;
    std::string out = url;
    auto authority_end = out.find_first_of("/?", scheme + 3);
    if (authority_end == std::string::npos)
        authority_end = out.size();
    // The last '@' of the authority ends the user info (a password may hold '@').
    auto at = out.rfind('@', authority_end);
    if (at != std::string::npos && at > scheme + 3) {
        auto colon = out.find(':', scheme + 3);
        if (colon != std::string::npos && colon < at)
            out.replace(colon + 1, at - colon - 1, k_mask);
    }
    return redact_query(out);
}

bool is_postgres_url(const std::string& url) {
    return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

}  // namespace postsched::store
