// HttpClient over libcurl: pooled easy handles, strict TLS, loopback-only
// plain http, no redirects, and transport errors that say whether the request
// may have reached the server.
#include "net/curl_http_client.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <mutex>
#include <vector>

#include "core/errors.hpp"

namespace postsched::net {
namespace {

// Idle handles kept for reuse (each keeps its own connection cache).
constexpr std::size_t k_max_idle_handles = 16;

struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, SlistDeleter>;

struct UrlDeleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

struct CurlStringDeleter {
    void operator()(char* s) const { curl_free(s); }
};

void global_init() {
    static std::once_flag s_once;
    std::call_once(s_once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw Error(Exit::software, "libcurl: global initialisation failed");
        }
    });
}

template <typename T>
void set_option(CURL* handle, CURLoption option, T value) {
    if (const CURLcode rc = curl_easy_setopt(handle, option, value); rc != CURLE_OK) {
        throw Error(Exit::software,
                    std::string("libcurl: cannot set an option: ") + curl_easy_strerror(rc));
    }
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

std::string url_part(CURLU* url, CURLUPart part) {
    char* raw = nullptr;
    if (curl_url_get(url, part, &raw, 0) != CURLUE_OK || raw == nullptr)
        return {};
    std::unique_ptr<char, CurlStringDeleter> owned(raw);
    return raw;
}

// Refuses what may not be sent: other schemes, and plain http off loopback
// (design.md §8), before any handle or socket is touched.
void check_url(const HttpRequest& request) {
    std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
    if (!url)
        throw Error(Exit::software, "libcurl: out of memory");
    const std::string shown = redact_url(request.url, request.secret_url);
    if (curl_url_set(url.get(), CURLUPART_URL, request.url.c_str(), 0) != CURLUE_OK) {
        throw Error(Exit::data, "invalid url \"" + shown + "\"");
    }
    const std::string scheme = lower(url_part(url.get(), CURLUPART_SCHEME));
    const std::string host = url_part(url.get(), CURLUPART_HOST);
    if (scheme != "https" && scheme != "http") {
        throw Error(Exit::data, "refusing url scheme \"" + scheme + "\" in \"" + shown + "\"");
    }
    if (scheme == "http" && !is_loopback_host(host)) {
        throw Error(Exit::data, "refusing plain http to " + host + ": use https");
    }
}

// What the callbacks fill in during one transfer.
struct Exchange {
    HttpResponse response;
    bool request_started = false;  // connected and about to send: maybe delivered
    char error[CURL_ERROR_SIZE] = {};
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    static_cast<Exchange*>(user)->response.body.append(data, size * count);
    return size * count;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto& headers = static_cast<Exchange*>(user)->response.headers;
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        headers.clear();  // a new response (after 100 Continue): keep only the last
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        headers.emplace_back(lower(trim(line.substr(0, colon))),
                             std::string(trim(line.substr(colon + 1))));
    }
    return size * count;
}

// Called once the connection is ready, just before the request goes out.
int on_prereq(void* user, char*, char*, int, int) {
    static_cast<Exchange*>(user)->request_started = true;
    return CURL_PREREQFUNC_OK;
}

HeaderList build_headers(const Headers& headers) {
    HeaderList list;
    const auto append = [&](const std::string& line) {
        curl_slist* grown = curl_slist_append(list.get(), line.c_str());
        if (!grown)
            throw Error(Exit::software, "libcurl: out of memory");
        (void)list.release();
        list.reset(grown);
    };
    for (const auto& [name, value] : headers) {
        if (name.find_first_of("\r\n:") != std::string::npos ||
            value.find_first_of("\r\n") != std::string::npos) {
            throw Error(Exit::software, "http header \"" + name + "\" contains a line break");
        }
        append(name + ": " + value);
    }
    append("Expect:");  // no 100-continue round trip for large uploads
    return list;
}

void set_method(CURL* handle, const HttpRequest& request) {
    if (request.method == "GET") {
        set_option(handle, CURLOPT_HTTPGET, 1L);
        return;
    }
    if (request.method == "HEAD") {
        set_option(handle, CURLOPT_NOBODY, 1L);
        return;
    }
    if (request.method != "POST")
        set_option(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    set_option(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    set_option(handle, CURLOPT_POSTFIELDS, request.body.data());
}

class HandlePool {
  public:
    EasyHandle acquire() {
        {
            std::lock_guard lock(m_mutex);
            if (!m_free.empty()) {
                EasyHandle handle = std::move(m_free.back());
                m_free.pop_back();
                return handle;
            }
        }
        EasyHandle handle(curl_easy_init());
        if (!handle)
            throw Error(Exit::software, "libcurl: cannot create a handle");
        return handle;
    }

    // curl_easy_reset keeps live connections and caches, drops every option.
    void release(EasyHandle handle) {
        curl_easy_reset(handle.get());
        std::lock_guard lock(m_mutex);
        if (m_free.size() < k_max_idle_handles)
            m_free.push_back(std::move(handle));
    }

  private:
    std::mutex m_mutex;
    std::vector<EasyHandle> m_free;
};

// Gives a pooled handle back when a send ends, however it ends.
class Lease {
  public:
    explicit Lease(HandlePool& pool) : m_pool(pool), m_handle(pool.acquire()) {}
    ~Lease() { m_pool.release(std::move(m_handle)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    CURL* get() const { return m_handle.get(); }

  private:
    HandlePool& m_pool;
    EasyHandle m_handle;
};

class CurlHttpClient final : public HttpClient {
  public:
    explicit CurlHttpClient(std::chrono::milliseconds connect_timeout)
        : m_connect_timeout(connect_timeout) {
        global_init();
    }

    HttpResponse send(const HttpRequest& request) override {
        check_url(request);
        const std::string shown = redact_url(request.url, request.secret_url);
        Lease lease(m_pool);
        Exchange exchange;
        const HeaderList headers = build_headers(request.headers);
        configure(lease.get(), request, exchange, headers.get());

        const auto started = std::chrono::steady_clock::now();
        const CURLcode rc = curl_easy_perform(lease.get());
        const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
        if (rc != CURLE_OK) {
            const std::string why = exchange.error[0] ? exchange.error : curl_easy_strerror(rc);
            spdlog::debug("{} {} -> {} ({} ms)", request.method, shown, why, ms);
            throw TransportError(request.method + " " + shown + " failed: " + why,
                                 exchange.request_started);
        }
        curl_easy_getinfo(lease.get(), CURLINFO_RESPONSE_CODE, &exchange.response.status);
        spdlog::debug("{} {} -> {} ({} ms)", request.method, shown, exchange.response.status, ms);
        return std::move(exchange.response);
    }

  private:
    void configure(CURL* handle, const HttpRequest& request, Exchange& exchange,
                   curl_slist* headers) const {
        set_option(handle, CURLOPT_URL, request.url.c_str());
        set_option(handle, CURLOPT_PROTOCOLS_STR, "http,https");
        set_option(handle, CURLOPT_SSL_VERIFYPEER, 1L);
        set_option(handle, CURLOPT_SSL_VERIFYHOST, 2L);  // 2: the name must match
        set_option(handle, CURLOPT_FOLLOWLOCATION, 0L);
        set_option(handle, CURLOPT_NOSIGNAL, 1L);  // timeouts without SIGALRM: threads
        set_option(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_connect_timeout.count()));
        set_option(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
        set_option(handle, CURLOPT_ACCEPT_ENCODING, "");
        set_option(handle, CURLOPT_USERAGENT, "postsched/" POSTSCHED_VERSION);
        set_option(handle, CURLOPT_HTTPHEADER, headers);
        set_option(handle, CURLOPT_ERRORBUFFER, exchange.error);
        set_option(handle, CURLOPT_WRITEFUNCTION, on_body);
        set_option(handle, CURLOPT_WRITEDATA, static_cast<void*>(&exchange));
        set_option(handle, CURLOPT_HEADERFUNCTION, on_header);
        set_option(handle, CURLOPT_HEADERDATA, static_cast<void*>(&exchange));
        set_option(handle, CURLOPT_PREREQFUNCTION, on_prereq);
        set_option(handle, CURLOPT_PREREQDATA, static_cast<void*>(&exchange));
        set_method(handle, request);
    }

    std::chrono::milliseconds m_connect_timeout;
    HandlePool m_pool;
};

}  // namespace

bool is_loopback_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    const std::string h = lower(host);
    if (h == "localhost")
        return true;
    unsigned char v4[4];
    if (inet_pton(AF_INET, h.c_str(), v4) == 1)
        return v4[0] == 127;
    unsigned char v6[16];
    if (inet_pton(AF_INET6, h.c_str(), v6) == 1) {
        static constexpr unsigned char k_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                                         0, 0, 0, 0, 0, 0, 0, 1};
        return std::memcmp(v6, k_loopback, sizeof v6) == 0;
    }
    return false;
}

std::unique_ptr<HttpClient> make_curl_http_client(std::chrono::milliseconds connect_timeout) {
    return std::make_unique<CurlHttpClient>(connect_timeout);
}

}  // namespace postsched::net
