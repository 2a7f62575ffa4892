#include "core/time_format.hpp"

#include <date/date.h>
#include <charconv>

#include <sstream>

namespace postsched {
namespace {

bool parse_int(std::string_view s, int& out) {
    if (s.empty())
        return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

// Parses "YYYY-MM-DD[T ]HH:MM[:SS[.fff…]]" into a local (offset-less) time and
// returns the remainder (the zone designator, if any).
std::optional<std::pair<date::local_time<Millis>, std::string_view>> parse_local_prefix(
    std::string_view t) {
    int y, mo, d, h, mi, s = 0, ms = 0;
    if (t.size() < 16 || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != ' ') ||
        t[13] != ':')
        return std::nullopt;
    if (!parse_int(t.substr(0, 4), y) || !parse_int(t.substr(5, 2), mo) ||
        !parse_int(t.substr(8, 2), d) || !parse_int(t.substr(11, 2), h) ||
        !parse_int(t.substr(14, 2), mi))
        return std::nullopt;
    std::size_t pos = 16;
    if (pos < t.size() && t[pos] == ':') {
        if (pos + 3 > t.size() || !parse_int(t.substr(pos + 1, 2), s))
            return std::nullopt;
        pos += 3;
        if (pos < t.size() && (t[pos] == '.' || t[pos] == ',')) {
            std::size_t end = pos + 1;
            while (end < t.size() && t[end] >= '0' && t[end] <= '9')
                ++end;
            std::string frac(t.substr(pos + 1, end - pos - 1));
            if (frac.empty())
                return std::nullopt;
            frac.resize(3, '0');
            ms = std::stoi(frac.substr(0, 3));
            pos = end;
        }
    }
    auto ymd = date::year{y} / mo / d;
    if (!ymd.ok() || h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    auto local = date::local_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
                 std::chrono::seconds{s} + Millis{ms};
    return std::pair{date::local_time<Millis>{local}, t.substr(pos)};
}

// "Z", "+HH:MM", "+HHMM", "+HH" → offset; nullopt when not a designator.
std::optional<std::chrono::minutes> parse_designator(std::string_view z) {
    if (z == "Z" || z == "z")
        return std::chrono::minutes{0};
    if (z.size() < 3 || (z[0] != '+' && z[0] != '-'))
        return std::nullopt;
    int h, m = 0;
    if (!parse_int(z.substr(1, 2), h))
        return std::nullopt;
    std::string_view rest = z.substr(3);
    if (!rest.empty() && rest[0] == ':')
        rest.remove_prefix(1);
    if (!rest.empty() && (rest.size() != 2 || !parse_int(rest, m)))
        return std::nullopt;
    if (h > 23 || m > 59)
        return std::nullopt;
    auto off = std::chrono::minutes{h * 60 + m};
    return z[0] == '-' ? -off : off;
}

}  // namespace

std::string format_instant(Instant t) {
    // By hand: date::format goes through an ostringstream, and bulk writes
    // format several instants per row.
    auto days = std::chrono::floor<date::days>(t);
    date::year_month_day ymd{days};
    int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999)
        return date::format("%Y-%m-%dT%H:%M:%SZ", t);
    long long ms = (t - days).count();
    std::string s = "0000-00-00T00:00:00.000Z";
    auto put = [&](std::size_t at, long long value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10)
            s[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    };
    put(0, year, 4);
    put(5, static_cast<unsigned>(ymd.month()), 2);
    put(8, static_cast<unsigned>(ymd.day()), 2);
    put(11, ms / 3600000, 2);
    put(14, ms / 60000 % 60, 2);
    put(17, ms / 1000 % 60, 2);
    put(20, ms % 1000, 3);
    return s;
}

std::optional<Instant> parse_offset_instant(std::string_view text) {
    auto local = parse_local_prefix(text);
    if (!local)
        return std::nullopt;
    auto off = parse_designator(local->second);
    if (!off)
        return std::nullopt;
    return Instant{local->first.time_since_epoch()} - *off;
}

std::optional<Instant> parse_utc_instant(std::string_view text) {
    auto local = parse_local_prefix(text);
    if (!local)
        return std::nullopt;
    auto off = parse_designator(local->second);
    if (!off || off->count() != 0)
        return std::nullopt;
    return Instant{local->first.time_since_epoch()};
}

std::optional<Millis> parse_duration(std::string_view text) {
    // "90s", "15m", "4h", "2d", "1w", "500ms", or a bare number of seconds.
    if (text.empty())
        return std::nullopt;
    std::size_t i = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9')
        ++i;
    long long n;
    auto [p, ec] = std::from_chars(text.data(), text.data() + i, n);
    if (ec != std::errc() || i == 0)
        return std::nullopt;
    std::string_view unit = text.substr(i);
    if (unit.empty() || unit == "s")
        return Millis{n * 1000};
    if (unit == "ms")
        return Millis{n};
    if (unit == "m" || unit == "min")
        return Millis{n * 60000};
    if (unit == "h")
        return Millis{n * 3600000};
    if (unit == "d")
        return Millis{n * 86400000};
    if (unit == "w")
        return Millis{n * 7 * 86400000};
    return std::nullopt;
}

std::string format_duration(Millis d) {
    long long ms = d.count();
    if (ms % 86400000 == 0 && ms != 0)
        return std::to_string(ms / 86400000) + "d";
    if (ms % 3600000 == 0 && ms != 0)
        return std::to_string(ms / 3600000) + "h";
    if (ms % 60000 == 0 && ms != 0)
        return std::to_string(ms / 60000) + "m";
    if (ms % 1000 == 0)
        return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

long long to_unix_seconds(Instant t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

Instant from_unix_seconds(long long s) {
    return Instant{Millis{s * 1000}};
}

}  // namespace postsched
