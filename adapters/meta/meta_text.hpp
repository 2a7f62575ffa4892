#pragma once
// Text rules of the Meta platforms, checked before any request (meta.md
// §2, §3.3, §4). Private to adapters/meta/.
#include <cstddef>
#include <string_view>

#include "adapters/adapter.hpp"

namespace postsched::adapters::meta {

// "#tag" and "@name" words (a '#'/'@' at a word start followed by a word character).
std::size_t count_hashtags(std::string_view text);
std::size_t count_mentions(std::string_view text);
// http:// and https:// links.
std::size_t count_links(std::string_view text);
// Threads' length: code points, except that emoji count their UTF-8 bytes
// (astral code points 4, the U+2600–U+27BF symbols, ZWJ and U+FE0F 3).
std::size_t threads_length(std::string_view text);

// Facebook: 63,206 code points.
ContentVerdict check_facebook_text(const Account& account, std::string_view text);
// Instagram caption: 2,200 code points, 30 hashtags, 20 mentions.
ContentVerdict check_instagram_text(const Account& account, std::string_view text);
// Threads: 500 (threads_length), 5 links.
ContentVerdict check_threads_text(const Account& account, std::string_view text);

}  // namespace postsched::adapters::meta
