#pragma once
// HttpClient over libcurl. libcurl stays in the .cpp: callers see only the
// HttpClient interface of http_client.hpp.
#include <chrono>
#include <memory>
#include <string_view>

#include "net/http_client.hpp"

namespace postsched::net {

// A thread-safe client that reuses connections: easy handles are pooled and
// handed to one request at a time, so several threads can send at once.
// TLS peer and host verification are always on; only http and https are
// spoken, plain http only to loopback hosts; redirects are not followed.
// `connect_timeout` bounds the TCP+TLS handshake; each request's `timeout`
// bounds the whole exchange.
std::unique_ptr<HttpClient> make_curl_http_client(std::chrono::milliseconds connect_timeout);

// True for "localhost", 127.0.0.0/8 and ::1 (with or without brackets): the
// only hosts plain http may be sent to. Exposed for tests.
bool is_loopback_host(std::string_view host);

}  // namespace postsched::net
