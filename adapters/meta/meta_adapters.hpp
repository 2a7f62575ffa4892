#pragma once
// Factories of the Graph API adapters: Facebook Pages, Instagram (professional
// accounts, container flow) and Threads.
#include <memory>

#include "adapters/adapter.hpp"

namespace postsched::adapters {
std::unique_ptr<Adapter> make_facebook_adapter(const AdapterContext& context);
std::unique_ptr<Adapter> make_instagram_adapter(const AdapterContext& context);
std::unique_ptr<Adapter> make_threads_adapter(const AdapterContext& context);
}  // namespace postsched::adapters
