#pragma once
// The media pipeline shared by all adapters: a media item is an https URL or
// a local path. `post add` checks what it can without the network (local
// files: readable, type, size; URLs: scheme and source rules); the pass
// fetches each item once and sniffs its type before handing it over.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "adapters/adapter.hpp"

namespace postsched::net {
class HttpClient;
}

namespace postsched::media {

bool is_url(std::string_view source);
// An http(s) URL whose host is loopback (127.0.0.0/8, ::1, localhost).
bool is_loopback_url(std::string_view url);

// The content type a path or URL's extension names (the query and fragment
// are ignored), or empty when it names none postsched knows.
std::string type_from_extension(std::string_view source);

// The content type from the first bytes (JPEG, PNG, GIF, WebP, MP4/MOV),
// or empty when unrecognised.
std::string sniff_content_type(std::string_view head);

// Checks one media item against one account's rules at add time and
// returns its type (sniffed from a file, guessed from a URL's extension,
// "" when unknown). Throws Error(Exit::data or Exit::no_input) naming the
// item, the account and the limit.
std::string check_for_account(const MediaRef& item, const adapters::MediaRules& rules,
                              const Account& account);

// Checks a fetched item's sniffed type and size against one account's rules
// (a URL's real type is only known once fetched). Throws Error(Exit::data).
void check_fetched(const adapters::FetchedMedia& item, const adapters::MediaRules& rules,
                   const Account& account);

// Reads or downloads items for one pass; each source is fetched once even
// when several targets use it. Thread-safe.
class MediaCache {
  public:
    MediaCache(net::HttpClient& http, std::size_t max_bytes, Millis timeout);
    // Throws Error(Exit::data) for a source that cannot be fetched or is too
    // large; the pass records that as a failure of the target.
    adapters::FetchedMedia get(const MediaRef& item);

  private:
    adapters::FetchedMedia load(const MediaRef& item);
    net::HttpClient& m_http;
    std::size_t m_max_bytes;
    Millis m_timeout;
    std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<adapters::FetchedMedia>> m_items;
};

}  // namespace postsched::media
