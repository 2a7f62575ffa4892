#include "core/text_links.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace postsched {
namespace {

bool is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i])
            return false;
    }
    return true;
}

}  // namespace

std::size_t url_length_at(std::string_view s, std::size_t i) {
    if (i > 0) {
        const unsigned char before = static_cast<unsigned char>(s[i - 1]);
        if (std::isalnum(before) || before == '@' || before == '#' || before == '$')
            return 0;
    }
    const std::string_view rest = s.substr(i);
    const std::size_t scheme = starts_with_ci(rest, "https://")  ? 8
                               : starts_with_ci(rest, "http://") ? 7
                                                                 : 0;
    if (scheme == 0 || scheme >= rest.size())
        return 0;
    const unsigned char first = static_cast<unsigned char>(rest[scheme]);
    if (!std::isalnum(first) && first < 0x80)
        return 0;
    std::size_t end = scheme;
    while (end < rest.size() && !is_space(static_cast<unsigned char>(rest[end])) &&
           std::strchr("<>\"", rest[end]) == nullptr) {
        ++end;
    }
    for (;;) {
        const std::string_view url = rest.substr(0, end);
        if (std::strchr(".,;:!?'", url.back()) != nullptr) {
            --end;
        } else if (url.back() == ')' && std::count(url.begin(), url.end(), '(') <
                                            std::count(url.begin(), url.end(), ')')) {
            --end;
        } else {
            break;
        }
    }
    return end;
}

}  // namespace postsched
