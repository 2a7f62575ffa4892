#pragma once
#include <memory>

#include "adapters/adapter.hpp"

namespace postsched::adapters {
enum class WebhookFlavor { discord, slack, json };
std::unique_ptr<Adapter> make_webhook_adapter(const AdapterContext& context, WebhookFlavor flavor);
}  // namespace postsched::adapters
