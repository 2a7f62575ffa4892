#pragma once
#include <memory>

#include "adapters/adapter.hpp"

namespace postsched::adapters {
std::unique_ptr<Adapter> make_exec_adapter(const AdapterContext& context);
}
