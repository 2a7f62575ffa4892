#pragma once
// The top-level domains twitter-text recognises in URLs (generated list).
#include <string_view>
#include <vector>

namespace postsched::text {

const std::vector<std::string_view>& generic_tlds();
const std::vector<std::string_view>& country_tlds();

}  // namespace postsched::text
