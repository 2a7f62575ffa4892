// twitter-text's parseTweet: the weighted length of a post (platforms doc
// §1.5), from the NFC form of the text, with URLs counted as
// transformed_url_length and, under v3, each emoji sequence as one
// default-weight character.
#include "text/twitter_text.hpp"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <memory>

#include "core/errors.hpp"
#include "text/twitter_text_internal.hpp"

namespace postsched::text {
namespace {

// twitter-text's config/v2.json and config/v3.json share these ranges.
const std::vector<WeightRange> k_light_ranges = {
    {0x0000, 0x10FF, 100}, {0x2000, 0x200D, 100}, {0x2010, 0x201F, 100}, {0x2032, 0x2037, 100}};

icu::UnicodeString normalized(std::string_view utf8) {
    const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status))
        throw Error(Exit::software, std::string("icu: no NFC normaliser: ") + u_errorName(status));
    icu::UnicodeString out = nfc->normalize(text, status);
    if (U_FAILURE(status))
        throw Error(Exit::software, std::string("icu: cannot normalise: ") + u_errorName(status));
    return out;
}

bool is_blank(const icu::UnicodeString& text) {
    for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
        const UChar32 c = text.char32At(i);
        // java.lang.String.trim(): everything up to U+0020 is blank.
        if (c > 0x20)
            return false;
    }
    return true;
}

bool is_invalid_char(UChar32 c) {
    return c == 0xFFFE || c == 0xFEFF || c == 0xFFFF;
}

int weight_of(UChar32 c, const TwitterTextConfig& config) {
    for (const auto& range : config.ranges) {
        if (static_cast<char32_t>(c) >= range.start && static_cast<char32_t>(c) <= range.end)
            return range.weight;
    }
    return config.default_weight;
}

// Code points that continue an emoji sequence: ZWJ, variation selector 16,
// the keycap mark, skin tones and tag characters (flags of regions).
bool is_emoji_component(UChar32 c) {
    return c == 0x200D || c == 0xFE0F || c == 0x20E3 || (c >= 0xE0020 && c <= 0xE007F) ||
           u_hasBinaryProperty(c, UCHAR_EMOJI_MODIFIER);
}

// Where the emoji sequence starting at `begin` ends within the grapheme
// cluster [begin, end), or `begin` when the cluster is no emoji. A pictograph
// in a light range (©, ®) or a keycap base (#, *, 0-9) is an emoji only with
// a presentation selector or a keycap mark after it.
int32_t emoji_end(const icu::UnicodeString& text, int32_t begin, int32_t end) {
    const UChar32 first = text.char32At(begin);
    const bool pictograph = u_hasBinaryProperty(first, UCHAR_EXTENDED_PICTOGRAPHIC);
    const bool regional = u_hasBinaryProperty(first, UCHAR_REGIONAL_INDICATOR);
    const bool emoji_base = u_hasBinaryProperty(first, UCHAR_EMOJI);
    if (!pictograph && !regional && !emoji_base)
        return begin;
    int32_t last = text.moveIndex32(begin, 1);
    bool qualified = false;
    for (int32_t i = last; i < end; i = text.moveIndex32(i, 1)) {
        const UChar32 c = text.char32At(i);
        const bool part = is_emoji_component(c) ||
                          u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
                          u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR);
        if (!part)
            break;
        qualified = qualified || c == 0xFE0F || c == 0x20E3;
        last = text.moveIndex32(i, 1);
    }
    if (pictograph && (first >= 0x1100 || qualified))
        return last;
    if (regional || (emoji_base && qualified))
        return last;
    return begin;
}

// Emoji sequences, start → end, in UTF-16 offsets (grapheme clusters by ICU).
std::vector<Span> emoji_spans(const icu::UnicodeString& text) {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> clusters(
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !clusters)
        throw Error(Exit::software, std::string("icu: no break iterator: ") + u_errorName(status));
    clusters->setText(text);
    std::vector<Span> out;
    int32_t begin = clusters->first();
    for (int32_t end = clusters->next(); end != icu::BreakIterator::DONE;
         begin = end, end = clusters->next()) {
        const int32_t stop = emoji_end(text, begin, end);
        if (stop > begin)
            out.push_back({begin, stop});
    }
    return out;
}

// The entity starting at `offset`, if any (spans are sorted by start).
const Span* span_at(const std::vector<Span>& spans, std::size_t& next, int32_t offset) {
    while (next < spans.size() && spans[next].start < offset)
        ++next;
    return next < spans.size() && spans[next].start == offset ? &spans[next] : nullptr;
}

}  // namespace

const TwitterTextConfig& TwitterTextConfig::v2() {
    static const TwitterTextConfig k_config{280, 100, 200, 23, false, k_light_ranges};
    return k_config;
}

const TwitterTextConfig& TwitterTextConfig::v3() {
    static const TwitterTextConfig k_config{280, 100, 200, 23, true, k_light_ranges};
    return k_config;
}

TweetParse parse_tweet(std::string_view utf8, const TwitterTextConfig& config) {
    TweetParse result;
    const icu::UnicodeString original = icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    const icu::UnicodeString text = normalized(utf8);
    if (text.isEmpty() || is_blank(original))
        return result;
    const int scaled_max = config.max_weighted_length * config.scale;
    const std::vector<Span> urls = url_spans(text);
    const std::vector<Span> emoji = config.emoji_parsing ? emoji_spans(text) : std::vector<Span>{};
    std::size_t next_url = 0;
    std::size_t next_emoji = 0;
    bool invalid = false;
    int weighted = 0;
    int32_t offset = 0;
    int32_t valid_offset = 0;
    while (offset < text.length()) {
        int32_t step = 0;
        if (const Span* url = span_at(urls, next_url, offset)) {
            weighted += config.transformed_url_length * config.scale;
            step = url->end - url->start;
        } else if (const Span* sequence = span_at(emoji, next_emoji, offset)) {
            weighted += config.default_weight;
            step = sequence->end - sequence->start;
        } else {
            const UChar32 c = text.char32At(offset);
            weighted += weight_of(c, config);
            invalid = invalid || is_invalid_char(c);
            step = U16_LENGTH(c);
        }
        offset += step;
        if (!invalid && weighted <= scaled_max)
            valid_offset += step;
    }
    const int32_t normalization_shift = original.length() - text.length();
    result.weighted_length = weighted / config.scale;
    result.valid = !invalid && result.weighted_length <= config.max_weighted_length;
    result.permillage = result.weighted_length * 1000 / config.max_weighted_length;
    result.display_end = offset + normalization_shift - 1;
    result.valid_end = valid_offset + normalization_shift - 1;
    return result;
}

}  // namespace postsched::text
