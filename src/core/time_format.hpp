#pragma once
// Instants as text: stored as fixed-width UTC ("2026-11-28T19:51:36.000Z") so
// text order is time order in SQLite; durations as "90s", "15m", "4h", "2d".
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace postsched {

std::string format_instant(Instant t);
// Parses the fixed-width UTC form written by format_instant (and a few
// variants: no millis, "+00:00"). Returns nullopt on anything else.
std::optional<Instant> parse_utc_instant(std::string_view text);
// Like parse_utc_instant but with any numeric offset ("…+02:00").
std::optional<Instant> parse_offset_instant(std::string_view text);

std::optional<Millis> parse_duration(std::string_view text);
std::string format_duration(Millis d);

// Whole seconds since the Unix epoch.
long long to_unix_seconds(Instant t);
Instant from_unix_seconds(long long s);

}  // namespace postsched
