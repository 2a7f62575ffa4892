#pragma once
// Shared by twitter_text.cpp and twitter_url.cpp: the UTF-16 form of the
// URL extractor. Private to src/text/.
#include <unicode/unistr.h>

#include <vector>

#include "text/twitter_text.hpp"

namespace postsched::text {

struct Span {
    int start;
    int end;  // exclusive
};
std::vector<Span> url_spans(const icu::UnicodeString& text);

}  // namespace postsched::text
