#include "core/zoned_time.hpp"

#include <date/tz.h>

#include <cstdlib>

#include "core/errors.hpp"
#include "core/time_format.hpp"

namespace postsched {
namespace {

const date::time_zone* find_zone(std::string_view zone) {
    try {
        return date::locate_zone(zone);
    } catch (const std::exception&) {
        return nullptr;
    }
}

std::string offset_text(std::chrono::seconds off) {
    auto mins = std::chrono::duration_cast<std::chrono::minutes>(off).count();
    char sign = mins < 0 ? '-' : '+';
    mins = std::abs(mins);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", sign, static_cast<long long>(mins / 60),
                  static_cast<long long>(mins % 60));
    return buf;
}

}  // namespace

void require_zone(std::string_view zone) {
    if (!find_zone(zone))
        throw Error(Exit::data, "unknown time zone \"" + std::string(zone) +
                                    "\" (use an IANA name such as Europe/Berlin)");
}

std::string system_zone_name() {
    if (const char* tz = std::getenv("TZ"); tz && *tz) {
        std::string_view name = tz[0] == ':' ? tz + 1 : tz;
        if (find_zone(name))
            return std::string(name);
    }
    try {
        return std::string(date::current_zone()->name());
    } catch (const std::exception&) {
        return "UTC";
    }
}

ScheduleTime parse_schedule_time(std::string_view text, std::string_view zone) {
    if (auto with_offset = parse_offset_instant(text)) {
        // The offset fixes the instant; the zone is only kept for display.
        require_zone(zone);
        return {*with_offset, std::string(zone), ""};
    }
    // A local date-time read in `zone`: append nothing, parse as naive.
    auto naive = parse_utc_instant(std::string(text) + "Z");
    if (!naive)
        throw Error(Exit::data, "\"" + std::string(text) +
                                    "\" is not a date-time (use 2026-12-01T09:30, optionally "
                                    "with an offset such as +01:00)");
    const date::time_zone* tz = find_zone(zone);
    if (!tz)
        require_zone(zone);
    date::local_time<Millis> local{naive->time_since_epoch()};
    auto info = tz->get_info(local);
    if (info.result == date::local_info::nonexistent) {
        std::string from =
            date::format("%H:%M", date::local_time<std::chrono::seconds>{
                                      info.first.end.time_since_epoch() + info.first.offset});
        std::string to =
            date::format("%H:%M", date::local_time<std::chrono::seconds>{
                                      info.second.begin.time_since_epoch() + info.second.offset});
        throw Error(Exit::data, "\"" + std::string(text) + "\" does not exist in " +
                                    std::string(zone) + ": clocks jump from " + from + " to " + to +
                                    " that day (daylight saving time gap)");
    }
    if (info.result == date::local_info::ambiguous) {
        Instant earlier{local.time_since_epoch() - info.first.offset};
        return {earlier, std::string(zone),
                "\"" + std::string(text) + "\" happens twice in " + std::string(zone) +
                    " (daylight saving time ends); took the earlier one, " +
                    format_instant(earlier) + " (" + offset_text(info.first.offset) + ")"};
    }
    Instant at{local.time_since_epoch() - info.first.offset};
    return {at, std::string(zone), ""};
}

std::string format_in_zone(Instant t, std::string_view zone) {
    const date::time_zone* tz = find_zone(zone);
    if (!tz)
        return format_instant(t);
    auto zoned = date::make_zoned(tz, std::chrono::time_point_cast<std::chrono::seconds>(t));
    auto info = zoned.get_info();
    return date::format("%Y-%m-%d %H:%M ", zoned) + info.abbrev + " (" + offset_text(info.offset) +
           ")";
}

}  // namespace postsched
