// Time parsing with zones and DST on fixed dates; durations; instant format.
#include <boost/test/unit_test.hpp>

#include "core/errors.hpp"
#include "core/time_format.hpp"
#include "core/zoned_time.hpp"

using namespace postsched;

namespace {
Instant utc(const char* text) {
    return *parse_utc_instant(text);
}
std::string message_of(const char* at, const char* zone) {
    try {
        parse_schedule_time(at, zone);
    } catch (const Error& e) {
        BOOST_TEST((e.code() == Exit::data));
        return e.what();
    }
    return "";
}
}  // namespace

BOOST_AUTO_TEST_SUITE(time_test)

BOOST_AUTO_TEST_CASE(instants_round_trip_in_fixed_width_utc) {
    Instant t = utc("2026-11-28T19:51:36.250Z");
    BOOST_TEST(format_instant(t) == "2026-11-28T19:51:36.250Z");
    BOOST_TEST(format_instant(utc("2026-01-02T03:04:05Z")) == "2026-01-02T03:04:05.000Z");
    BOOST_TEST(!parse_utc_instant("2026-11-28T19:51:36+01:00"));
    BOOST_TEST(!parse_utc_instant("2026-13-01T00:00:00Z"));
    BOOST_TEST(!parse_utc_instant("2026-02-30T00:00:00Z"));
    BOOST_TEST(!parse_utc_instant("yesterday"));
}

BOOST_AUTO_TEST_CASE(an_offset_fixes_the_instant_and_the_zone_is_kept_for_display) {
    auto t = parse_schedule_time("2026-12-01T09:30:00+01:00", "America/New_York");
    BOOST_TEST(format_instant(t.instant) == "2026-12-01T08:30:00.000Z");
    BOOST_TEST(t.zone == "America/New_York");
    BOOST_TEST(t.note.empty());
    BOOST_TEST(format_instant(parse_schedule_time("2026-12-01T09:30-0530", "UTC").instant) ==
               "2026-12-01T15:00:00.000Z");
    BOOST_TEST(format_instant(parse_schedule_time("2026-12-01 09:30Z", "UTC").instant) ==
               "2026-12-01T09:30:00.000Z");
}

BOOST_AUTO_TEST_CASE(a_local_time_is_read_in_its_zone) {
    // Winter (CET, +01:00) and summer (CEST, +02:00) in Berlin.
    BOOST_TEST(format_instant(parse_schedule_time("2026-01-15T10:00", "Europe/Berlin").instant) ==
               "2026-01-15T09:00:00.000Z");
    BOOST_TEST(format_instant(parse_schedule_time("2026-07-15T10:00", "Europe/Berlin").instant) ==
               "2026-07-15T08:00:00.000Z");
    BOOST_TEST(format_instant(parse_schedule_time("2026-07-15T10:00", "Asia/Kolkata").instant) ==
               "2026-07-15T04:30:00.000Z");
}

BOOST_AUTO_TEST_CASE(a_time_in_the_spring_gap_is_refused_naming_the_gap) {
    BOOST_TEST(message_of("2026-03-29T02:30", "Europe/Berlin") ==
               "\"2026-03-29T02:30\" does not exist in Europe/Berlin: clocks jump from 02:00 to "
               "03:00 that day (daylight saving time gap)");
    BOOST_TEST(message_of("2026-03-08T02:15", "America/New_York").find("does not exist") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_time_in_the_autumn_overlap_takes_the_earlier_instant_and_says_so) {
    auto t = parse_schedule_time("2026-10-25T02:30", "Europe/Berlin");
    BOOST_TEST(format_instant(t.instant) == "2026-10-25T00:30:00.000Z");  // still CEST
    BOOST_TEST(t.note ==
               "\"2026-10-25T02:30\" happens twice in Europe/Berlin (daylight saving time ends); "
               "took the earlier one, 2026-10-25T00:30:00.000Z (+02:00)");
    auto ny = parse_schedule_time("2026-11-01T01:30", "America/New_York");
    BOOST_TEST(format_instant(ny.instant) == "2026-11-01T05:30:00.000Z");  // EDT, -04:00
}

BOOST_AUTO_TEST_CASE(unknown_zones_and_bad_dates_are_refused) {
    BOOST_TEST(message_of("2026-12-01T09:30", "Mars/Olympus") ==
               "unknown time zone \"Mars/Olympus\" (use an IANA name such as Europe/Berlin)");
    BOOST_TEST(message_of("2026-12-41T09:30", "UTC").find("is not a date-time") !=
               std::string::npos);
    BOOST_TEST(message_of("next tuesday", "UTC").find("is not a date-time") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(display_in_zone_names_the_abbreviation_and_offset) {
    BOOST_TEST(format_in_zone(utc("2026-07-15T08:00:00Z"), "Europe/Berlin") ==
               "2026-07-15 10:00 CEST (+02:00)");
    BOOST_TEST(format_in_zone(utc("2026-01-15T09:00:00Z"), "Europe/Berlin") ==
               "2026-01-15 10:00 CET (+01:00)");
}

BOOST_AUTO_TEST_CASE(durations_parse_and_print) {
    BOOST_TEST(parse_duration("90s")->count() == 90000);
    BOOST_TEST(parse_duration("15m")->count() == 900000);
    BOOST_TEST(parse_duration("4h")->count() == 4 * 3600000);
    BOOST_TEST(parse_duration("2d")->count() == 2 * 86400000);
    BOOST_TEST(parse_duration("250ms")->count() == 250);
    BOOST_TEST(parse_duration("30")->count() == 30000);
    BOOST_TEST(!parse_duration("soon"));
    BOOST_TEST(!parse_duration("5y"));
    BOOST_TEST(!parse_duration(""));
    BOOST_TEST(format_duration(Millis{6 * 3600000}) == "6h");
    BOOST_TEST(format_duration(Millis{90000}) == "90s");
}

BOOST_AUTO_TEST_SUITE_END()
