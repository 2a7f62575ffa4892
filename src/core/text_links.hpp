#pragma once
// Finding http(s) links in plain text, shared by the adapters that count or
// mark up links (Mastodon's length rule, Bluesky's link facets).
#include <cstddef>
#include <string_view>

namespace postsched {

// Byte length of the http(s) URL starting at `i` (twitter-text's rules,
// simplified: not after a letter, digit, @, # or $; up to whitespace; trailing
// punctuation and an unbalanced ')' left out), or 0 when none starts there.
std::size_t url_length_at(std::string_view s, std::size_t i);

}  // namespace postsched
