#pragma once
// The LinkedIn adapter: the versioned Posts and Images APIs, as a member
// (urn:li:person:…) or an organization page (urn:li:organization:…)
// (platforms doc x-linkedin.md §2).
#include <memory>
#include <string_view>

#include "adapters/adapter.hpp"

namespace postsched::adapters {

std::unique_ptr<Adapter> make_linkedin_adapter(const AdapterContext& context);

// LinkedIn-Version when platforms.linkedin.version is not set (YYYYMM;
// LinkedIn serves each version for at least 12 months).
inline constexpr std::string_view k_linkedin_default_version = "202608";

}  // namespace postsched::adapters
