#pragma once
#include <cstddef>
#include <memory>

#include "adapters/adapter.hpp"

namespace postsched::adapters {
std::unique_ptr<Adapter> make_x_adapter(const AdapterContext& context);

// Media upload chunking; tests shorten it to exercise several APPENDs.
struct XTuning {
    std::size_t chunk_bytes = 1024 * 1024;
};
std::unique_ptr<Adapter> make_x_adapter_tuned(const AdapterContext& context, const XTuning& tuning);
}  // namespace postsched::adapters
