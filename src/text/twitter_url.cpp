// twitter-text's URL extractor (Extractor.extractURLsWithIndices and the
// VALID_URL pattern of its Regex.java) on ICU regular expressions, which
// follow java.util.regex closely enough for the same pattern to work.
#include <unicode/idna.h>
#include <unicode/regex.h>

#include <memory>
#include <mutex>
#include <string>

#include "core/errors.hpp"
#include "text/twitter_text_internal.hpp"
#include "text/twitter_tlds.hpp"

namespace postsched::text {
namespace {

constexpr int k_max_url_length = 4096;
constexpr int k_max_tco_slug_length = 40;
constexpr int k_default_protocol_length = 8;  // "https://"

// Capture groups of the URL pattern.
constexpr int k_group_before = 2;
constexpr int k_group_url = 3;
constexpr int k_group_protocol = 4;
constexpr int k_group_domain = 5;

const std::string k_latin_accents =
    "\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u00ff\\u0100-\\u024f\\u0253\\u0254\\u0256"
    "\\u0257\\u0259\\u025b\\u0263\\u0268\\u026f\\u0272\\u0289\\u028b\\u02bb\\u0300-\\u036f"
    "\\u1e00-\\u1eff";
const std::string k_cyrillic = "\\u0400-\\u04ff";
const std::string k_invalid_chars = "\\ufffe\\ufeff\\uffff";
const std::string k_directional_chars =
    "\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069";

std::string tld_alternation(const std::vector<std::string_view>& tlds) {
    std::string out = "(?:(?:";
    for (std::size_t i = 0; i < tlds.size(); ++i) {
        if (i != 0)
            out += '|';
        out += tlds[i];
    }
    return out + ")(?=[^a-z0-9@+\\-]|$))";
}

std::string url_pattern() {
    const std::string gtld = tld_alternation(generic_tlds());
    const std::string cctld = tld_alternation(country_tlds());
    const std::string preceding =
        "(?:[^a-z0-9@\\uff20\\$#\\uff03" + k_invalid_chars + "]|[" + k_directional_chars + "]|^)";
    const std::string chars = "[a-z0-9" + k_latin_accents + "]";
    const std::string subdomain = "(?>(?:" + chars + "[" + chars.substr(1, chars.size() - 2) +
                                  "\\-_]{0,255})?" + chars + "\\.)";
    const std::string domain_name = "(?:(?:" + chars + "[" + chars.substr(1, chars.size() - 2) +
                                    "\\-]{0,255})?" + chars + "\\.)";
    const std::string punctuation = "\\-_!\"#$%&'\\(\\)*+,./:;<=>?@\\[\\]^`\\{|\\}~";
    const std::string unicode_chars = "[^" + punctuation + "\\s\\p{Z}\\u2000-\\u206f]";
    const std::string unicode_domain_name = "(?:(?:" + unicode_chars + "(?:" + unicode_chars +
                                            "|\\-){0,255})?" + unicode_chars + "\\.)";
    const std::string punycode = "(?:xn--[\\-0-9a-z]+)";
    const std::string domain = "(?:" + subdomain + "*" + domain_name + "(?:" + gtld + "|" + cctld +
                               "|" + punycode + "))|(?:(?<=https?://)(?:(?:" + domain_name + cctld +
                               ")|(?:" + unicode_domain_name + "(?:" + gtld + "|" + cctld +
                               "))))|(?:" + domain_name + cctld + "(?=/))";
    const std::string path_chars =
        "[a-z0-9!\\*';:=\\+,.\\$/%#\\[\\]\\-\\u2013_~\\|&@" + k_latin_accents + k_cyrillic + "]";
    const std::string balanced_parens = "\\((?:" + path_chars + "+|(?:" + path_chars + "*\\(" +
                                        path_chars + "+\\)" + path_chars + "*))\\)";
    const std::string path_ending =
        "[a-z0-9=_#/\\-\\+" + k_latin_accents + k_cyrillic + "]|(?:" + balanced_parens + ")";
    const std::string path = "(?:(?:" + path_chars + "*(?:" + balanced_parens + path_chars +
                             "*)*(?:" + path_ending + "))|(?:@" + path_chars + "+/))";
    const std::string query_chars = "[a-z0-9!?\\*'\\(\\);:&=\\+\\$/%#\\[\\]\\-_\\.,~|@]";
    const std::string query_ending = "[a-z0-9\\-_&=#/]";
    return "((" + preceding + ")((https?://)?(" + domain + ")(?::([0-9]++))?(/" + path +
           "*+)?(\\?" + query_chars + "*" + query_ending + ")?))";
}

std::unique_ptr<icu::RegexPattern> compile(const std::string& pattern) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError where{};
    std::unique_ptr<icu::RegexPattern> out(icu::RegexPattern::compile(
        icu::UnicodeString::fromUTF8(pattern), UREGEX_CASE_INSENSITIVE, where, status));
    if (U_FAILURE(status)) {
        throw Error(Exit::software, "icu: cannot compile the twitter-text url pattern: " +
                                        std::string(u_errorName(status)) + " at offset " +
                                        std::to_string(where.offset));
    }
    return out;
}

// RegexPattern is immutable once built and may be shared by threads; each
// call makes its own matcher.
const icu::RegexPattern& valid_url() {
    static std::once_flag once;
    static std::unique_ptr<icu::RegexPattern> pattern;
    std::call_once(once, [] { pattern = compile(url_pattern()); });
    return *pattern;
}

const icu::RegexPattern& valid_tco_url() {
    static std::once_flag once;
    static std::unique_ptr<icu::RegexPattern> pattern;
    std::call_once(once, [] {
        pattern = compile(
            "^https?://t\\.co/([a-z0-9]+)(?:\\?[a-z0-9!?\\*'\\(\\);:&=\\+\\$/%#\\[\\]\\-_\\.,~|@]*"
            "[a-z0-9\\-_&=#/])?");
    });
    return *pattern;
}

// Length of the host once IDNA-encoded (as java.net.IDN.toASCII with
// ALLOW_UNASSIGNED), or -1 when it cannot be (a label over 63 octets, ...).
int punycode_length(const icu::UnicodeString& host) {
    UErrorCode status = U_ZERO_ERROR;
    static const std::unique_ptr<icu::IDNA> idna(
        icu::IDNA::createUTS46Instance(UIDNA_DEFAULT, status));
    if (!idna)
        return -1;
    status = U_ZERO_ERROR;
    icu::UnicodeString ascii;
    icu::IDNAInfo info;
    idna->nameToASCII(host, ascii, info, status);
    constexpr uint32_t k_fatal = UIDNA_ERROR_LABEL_TOO_LONG | UIDNA_ERROR_DOMAIN_NAME_TOO_LONG |
                                 UIDNA_ERROR_EMPTY_LABEL | UIDNA_ERROR_PUNYCODE |
                                 UIDNA_ERROR_INVALID_ACE_LABEL | UIDNA_ERROR_DISALLOWED;
    if (U_FAILURE(status) || (info.getErrors() & k_fatal) != 0)
        return -1;
    return ascii.length();
}

bool valid_host_and_length(int url_length, bool has_protocol, const icu::UnicodeString& host) {
    const int ascii_length = punycode_length(host);
    if (ascii_length <= 0)
        return false;
    const int with_ascii_host = url_length + ascii_length - host.length();
    return with_ascii_host + (has_protocol ? 0 : k_default_protocol_length) <= k_max_url_length;
}

// A URL without a protocol right after one of these is not a URL.
bool invalid_before_bare_url(const icu::UnicodeString& before) {
    if (before.isEmpty())
        return false;
    const char16_t last = before.charAt(before.length() - 1);
    return last == u'-' || last == u'_' || last == u'.' || last == u'/';
}

}  // namespace

std::vector<Span> url_spans(const icu::UnicodeString& text) {
    std::vector<Span> out;
    if (text.indexOf(u'.') < 0)
        return out;
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::RegexMatcher> matcher(valid_url().matcher(text, status));
    if (U_FAILURE(status))
        return out;
    while (matcher->find(status) && U_SUCCESS(status)) {
        const icu::UnicodeString protocol = matcher->group(k_group_protocol, status);
        if (protocol.isEmpty() && invalid_before_bare_url(matcher->group(k_group_before, status)))
            continue;
        icu::UnicodeString url = matcher->group(k_group_url, status);
        const int start = matcher->start(k_group_url, status);
        int end = matcher->end(k_group_url, status);
        std::unique_ptr<icu::RegexMatcher> tco(valid_tco_url().matcher(url, status));
        if (tco && tco->find(status)) {
            if (tco->group(1, status).length() > k_max_tco_slug_length)
                continue;
            url = tco->group(status);
            end = start + url.length();
        }
        const icu::UnicodeString host = matcher->group(k_group_domain, status);
        if (U_FAILURE(status))
            break;
        if (valid_host_and_length(url.length(), !protocol.isEmpty(), host))
            out.push_back({start, end});
    }
    return out;
}

std::vector<UrlEntity> extract_urls(std::string_view text) {
    const icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
        icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    std::vector<UrlEntity> out;
    for (const Span& span : url_spans(unicode)) {
        UrlEntity entity{span.start, span.end, {}};
        unicode.tempSubStringBetween(span.start, span.end).toUTF8String(entity.url);
        out.push_back(std::move(entity));
    }
    return out;
}

}  // namespace postsched::text
