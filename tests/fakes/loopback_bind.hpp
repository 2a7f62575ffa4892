// Binds a fake's server to a free port on 127.0.0.1, answering with
// TCP_NODELAY: cpp-httplib writes an answer's header and body separately,
// and with Nagle's algorithm the body waited for the client's delayed ACK,
// about 40 ms per request on loopback (a real platform's latency is the
// fault injectors' business, not an accident of the socket).
#pragma once

#include <httplib.h>

namespace postsched::fakes {

// The port, or -1 when nothing could be bound.
inline int bind_loopback(httplib::Server& server) {
    server.set_tcp_nodelay(true);
    return server.bind_to_any_port("127.0.0.1");
}

}  // namespace postsched::fakes
