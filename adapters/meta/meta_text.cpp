// Text rules of Facebook Pages, Instagram captions and Threads posts.
#include "adapters/meta/meta_text.hpp"

#include "adapters/meta/graph.hpp"
#include "core/text_count.hpp"

namespace postsched::adapters::meta {
namespace {

constexpr std::size_t k_facebook_chars = 63206;
constexpr std::size_t k_instagram_chars = 2200;
constexpr std::size_t k_instagram_hashtags = 30;
constexpr std::size_t k_instagram_mentions = 20;
constexpr std::size_t k_threads_chars = 500;
constexpr std::size_t k_threads_links = 5;

bool is_word_byte(unsigned char c) {
    return std::isalnum(c) || c == '_' || c >= 0x80;
}

std::size_t count_marked(std::string_view text, char mark) {
    std::size_t n = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != mark)
            continue;
        const bool starts = i == 0 || !is_word_byte(static_cast<unsigned char>(text[i - 1]));
        if (starts && is_word_byte(static_cast<unsigned char>(text[i + 1])))
            ++n;
    }
    return n;
}

ContentVerdict base_verdict(std::string_view text, std::size_t limit) {
    ContentVerdict v;
    v.limit = limit;
    v.check_utf8(text);
    return v;
}

std::string who(const Account& account) {
    return account.platform + " account " + in_quotes(account.name);
}

}  // namespace

std::size_t count_hashtags(std::string_view text) {
    return count_marked(text, '#');
}

std::size_t count_mentions(std::string_view text) {
    return count_marked(text, '@');
}

std::size_t count_links(std::string_view text) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = text.find("http", at)) != std::string_view::npos; ++at) {
        const std::string_view rest = text.substr(at);
        const bool starts = at == 0 || !is_word_byte(static_cast<unsigned char>(text[at - 1]));
        if (starts && (rest.starts_with("http://") || rest.starts_with("https://")))
            ++n;
    }
    return n;
}

std::size_t threads_length(std::string_view text) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        len = std::min(len, text.size() - i);
        char32_t cp = 0;
        if (len == 3) {
            cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3F) << 6) |
                 (static_cast<unsigned char>(text[i + 2]) & 0x3F);
        }
        const bool emoji_bmp = (cp >= 0x2600 && cp <= 0x27BF) || cp == 0x200D || cp == 0xFE0F;
        n += len == 4 ? 4 : emoji_bmp ? 3 : 1;
        i += len;
    }
    return n;
}

ContentVerdict check_facebook_text(const Account& account, std::string_view text) {
    ContentVerdict v = base_verdict(text, k_facebook_chars);
    if (!v.ok)
        return v;
    v.count = count_code_points(text);
    if (v.count > v.limit) {
        v.refuse("text is " + std::to_string(v.count) + " characters, over the limit of " +
                 std::to_string(v.limit) + " for " + who(account));
    }
    return v;
}

ContentVerdict check_instagram_text(const Account& account, std::string_view text) {
    ContentVerdict v = base_verdict(text, k_instagram_chars);
    if (!v.ok)
        return v;
    v.count = count_code_points(text);
    const std::size_t tags = count_hashtags(text);
    const std::size_t mentions = count_mentions(text);
    if (v.count > v.limit) {
        v.refuse("caption is " + std::to_string(v.count) + " characters, over the limit of " +
                 std::to_string(v.limit) + " for " + who(account));
    } else if (tags > k_instagram_hashtags) {
        v.refuse("caption has " + std::to_string(tags) + " hashtags, over the limit of " +
                 std::to_string(k_instagram_hashtags) + " for " + who(account));
    } else if (mentions > k_instagram_mentions) {
        v.refuse("caption has " + std::to_string(mentions) + " @mentions, over the limit of " +
                 std::to_string(k_instagram_mentions) + " for " + who(account));
    }
    return v;
}

ContentVerdict check_threads_text(const Account& account, std::string_view text) {
    ContentVerdict v = base_verdict(text, k_threads_chars);
    if (!v.ok)
        return v;
    v.count = threads_length(text);
    const std::size_t links = count_links(text);
    if (v.count > v.limit) {
        v.refuse("text is " + std::to_string(v.count) +
                 " characters (emoji count their UTF-8 bytes), over the limit of " +
                 std::to_string(v.limit) + " for " + who(account));
    } else if (links > k_threads_links) {
        v.refuse("text has " + std::to_string(links) + " links, over the limit of " +
                 std::to_string(k_threads_links) + " for " + who(account));
    }
    return v;
}

}  // namespace postsched::adapters::meta
