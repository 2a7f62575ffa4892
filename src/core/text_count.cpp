#include "core/text_count.hpp"

#include <algorithm>

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <cstdint>
#include <memory>

#include "core/errors.hpp"

namespace postsched {
namespace {

icu::UnicodeString to_unicode(std::string_view utf8) {
    return icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
}

// Creating a break iterator loads rule data; keep one per thread (they are
// not thread-safe, and the publish pool counts text on several threads).
icu::BreakIterator& character_iterator() {
    thread_local std::unique_ptr<icu::BreakIterator> t_iterator;
    if (!t_iterator) {
        UErrorCode status = U_ZERO_ERROR;
        t_iterator.reset(
            icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
        if (U_FAILURE(status) || !t_iterator) {
            throw Error(Exit::software,
                        std::string("icu: cannot create a character break iterator: ") +
                            u_errorName(status));
        }
    }
    return *t_iterator;
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0.
std::size_t sequence_length(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80)
        return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        n = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        n = 3;
        if (lead == 0xE0)
            lo = 0xA0;  // overlong
        if (lead == 0xED)
            hi = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        n = 4;
        if (lead == 0xF0)
            lo = 0x90;  // overlong
        if (lead == 0xF4)
            hi = 0x8F;  // past U+10FFFF
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi)
        return 0;
    for (std::size_t k = 2; k < n; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF)
            return 0;
    }
    return n;
}

}  // namespace

std::size_t count_graphemes(std::string_view utf8) {
    if (utf8.empty())
        return 0;
    const icu::UnicodeString text = to_unicode(utf8);
    icu::BreakIterator& it = character_iterator();
    it.setText(text);
    std::size_t count = 0;
    it.first();
    while (it.next() != icu::BreakIterator::DONE)
        ++count;
    return count;
}

bool is_valid_utf8(std::string_view bytes) {
    for (std::size_t i = 0; i < bytes.size();) {
        const std::size_t n = sequence_length(bytes, i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

std::string nfc(std::string_view utf8) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* normalizer = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) {
        throw Error(Exit::software,
                    std::string("icu: cannot load nfc data: ") + u_errorName(status));
    }
    const icu::UnicodeString normalized = normalizer->normalize(to_unicode(utf8), status);
    if (U_FAILURE(status)) {
        throw Error(Exit::software, std::string("icu: nfc failed: ") + u_errorName(status));
    }
    std::string out;
    normalized.toUTF8String(out);
    return out;
}

std::size_t count_code_points(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string truncate_chars(std::string_view s, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80)
            continue;
        if (chars++ == max_chars)
            return std::string(s.substr(0, i));
    }
    return std::string(s);
}

}  // namespace postsched
