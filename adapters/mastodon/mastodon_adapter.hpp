#pragma once
#include <memory>

#include "adapters/adapter.hpp"

namespace postsched::adapters {
std::unique_ptr<Adapter> make_mastodon_adapter(const AdapterContext& context);

// Waiting on media processing (POST /api/v2/media answered 202). Defaults suit
// a cron pass; tests shorten them. After `media_poll_attempts` polls still
// processing, publish defers the target by `media_retry_delay`.
struct MastodonTuning {
    Millis media_poll_interval{2000};
    int media_poll_attempts = 5;
    Millis media_retry_delay{30000};
};
std::unique_ptr<Adapter> make_mastodon_adapter_tuned(const AdapterContext& context,
                                                     const MastodonTuning& tuning);
}  // namespace postsched::adapters
