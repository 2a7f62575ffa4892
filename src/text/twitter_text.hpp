#pragma once
// twitter-text's weighted length (the rule X counts post length by), with the
// counting configuration as a parameter: v2 counts every code point by its
// weight, v3 (what X uses) counts each emoji sequence once. Offsets are UTF-16
// code units into the NFC-normalised text, as twitter-text reports them.
// ICU stays in the .cpp files.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace postsched::text {

struct WeightRange {
    char32_t start;
    char32_t end;  // inclusive
    int weight;
};

struct TwitterTextConfig {
    int max_weighted_length = 280;
    int scale = 100;
    int default_weight = 200;
    int transformed_url_length = 23;
    bool emoji_parsing = false;
    std::vector<WeightRange> ranges;

    static const TwitterTextConfig& v2();
    static const TwitterTextConfig& v3();  // X's current rule
};

struct TweetParse {
    int weighted_length = 0;
    int permillage = 0;
    bool valid = false;
    // Inclusive UTF-16 ranges: the whole text, and the part within the limit.
    int display_start = 0;
    int display_end = 0;
    int valid_start = 0;
    int valid_end = 0;
};

// Parses UTF-8 `text` (ill-formed bytes become U+FFFD) as twitter-text's
// parseTweet does: empty or blank text is invalid with length 0; U+FFFE,
// U+FEFF and U+FFFF make it invalid.
TweetParse parse_tweet(std::string_view text, const TwitterTextConfig& config);

struct UrlEntity {
    int start = 0;  // UTF-16 offsets into the text given, end exclusive
    int end = 0;
    std::string url;  // UTF-8
};
// The URLs twitter-text's extractor finds (with or without a protocol, valid
// top-level domain, host punycode-encodable, t.co slugs at most 40 chars).
std::vector<UrlEntity> extract_urls(std::string_view text);

}  // namespace postsched::text
