#pragma once
// Schedule times as people type them: an instant with an offset, or a local
// date-time read in an IANA zone (DST gaps refused, overlaps resolved early).
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace postsched {

struct ScheduleTime {
    Instant instant;
    std::string zone;  // IANA name kept for display
    std::string note;  // e.g. the ambiguity resolved; empty when nothing to say
};

// Throws Error(Exit::data) naming the zone or the DST gap.
ScheduleTime parse_schedule_time(std::string_view text, std::string_view zone);

// Checks an IANA zone name; throws Error(Exit::data) when unknown.
void require_zone(std::string_view zone);

// The system's own zone name (TZ, /etc/localtime), "UTC" when unknown.
std::string system_zone_name();

// "2026-03-29 10:00 CEST (+02:00)" style display of an instant in a zone.
std::string format_in_zone(Instant t, std::string_view zone);

}  // namespace postsched
