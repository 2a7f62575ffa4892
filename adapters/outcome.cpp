#include "adapters/adapter.hpp"

namespace postsched::adapters {

Outcome Outcome::posted(std::string id, std::string url) {
    Outcome o;
    o.kind = Kind::posted;
    o.platform_post_id = std::move(id);
    o.url = std::move(url);
    return o;
}

Outcome Outcome::failure(Kind kind, std::string message, std::optional<Instant> retry_at) {
    Outcome o;
    o.kind = kind;
    o.message = std::move(message);
    o.retry_at = retry_at;
    return o;
}

std::string_view to_string(Outcome::Kind kind) {
    switch (kind) {
        case Outcome::Kind::posted:
            return "posted";
        case Outcome::Kind::rate_limited:
            return "rate_limited";
        case Outcome::Kind::paused:
            return "paused";
        case Outcome::Kind::transient:
            return "transient";
        case Outcome::Kind::permanent:
            return "permanent";
        case Outcome::Kind::duplicate:
            return "duplicate";
        case Outcome::Kind::auth_expired:
            return "auth_expired";
        case Outcome::Kind::unknown:
            return "unknown";
        case Outcome::Kind::waiting:
            return "waiting";
    }
    return "unknown";
}

}  // namespace postsched::adapters
