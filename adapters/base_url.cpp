#include "adapters/base_url.hpp"

namespace postsched::adapters {

std::string normalized_base_url(std::string host_or_url) {
    std::string base = std::move(host_or_url);
    if (base.find("://") == std::string::npos)
        base = "https://" + base;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    return base;
}

}  // namespace postsched::adapters
