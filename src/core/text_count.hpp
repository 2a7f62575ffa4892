#pragma once
// Text measured the way platforms measure it: grapheme clusters (what a reader
// sees as one character), UTF-8 validity and NFC normalisation. ICU stays in
// the .cpp so this header is cheap to include.
#include <cstddef>
#include <string>
#include <string_view>

namespace postsched {

// Extended grapheme clusters (Unicode UAX #29, ICU root locale) in `utf8`.
// An emoji ZWJ sequence, a flag or a letter with combining marks counts 1.
// Ill-formed bytes count as one U+FFFD each.
std::size_t count_graphemes(std::string_view utf8);

// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values
// past U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// Unicode Normalization Form C of `utf8` (ill-formed bytes become U+FFFD).
std::string nfc(std::string_view utf8);

// Unicode code points (what Discord, Slack and most limits "characters" mean).
std::size_t count_code_points(std::string_view utf8);
// At most `max_chars` code points, never cutting a UTF-8 sequence.
std::string truncate_chars(std::string_view utf8, std::size_t max_chars);

}  // namespace postsched
