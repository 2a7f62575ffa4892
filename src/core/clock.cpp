#include "core/clock.hpp"

#include <cstdlib>

#include "core/errors.hpp"
#include "core/time_format.hpp"

namespace postsched {

Instant SystemClock::now() const {
    return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

std::unique_ptr<Clock> make_process_clock() {
    if (const char* pinned = std::getenv("POSTSCHED_NOW"); pinned && *pinned) {
        auto at = parse_offset_instant(pinned);
        if (!at)
            throw Error(Exit::usage, std::string("POSTSCHED_NOW: \"") + pinned +
                                         "\" is not an ISO-8601 instant");
        return std::make_unique<FixedClock>(*at);
    }
    return std::make_unique<SystemClock>();
}

}  // namespace postsched
