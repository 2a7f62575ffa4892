#pragma once
// Errors carry the process exit code they map to (sysexits.h values), so the
// one top-level catch in main.cpp can print "postsched: error: …" and exit.
#include <stdexcept>
#include <string>
#include <string_view>

namespace postsched {

enum class Exit : int {
    ok = 0,
    failure = 1,       // reserved: some targets failed
    usage = 64,        // EX_USAGE: bad command line
    data = 65,         // EX_DATAERR: bad input data (text, time, CSV)
    no_input = 66,     // EX_NOINPUT: a file that cannot be read
    unavailable = 69,  // EX_UNAVAILABLE: store or service unreachable
    software = 70,     // EX_SOFTWARE: internal error
    cant_create = 73,  // EX_CANTCREAT: cannot create a file
    io = 74,           // EX_IOERR
    temp_fail = 75,    // EX_TEMPFAIL: deferred, try again later (store busy, rate limited)
    no_perm = 77,      // EX_NOPERM: wrong key, permission denied
    config = 78,       // EX_CONFIG: bad configuration
};

class Error : public std::runtime_error {
  public:
    Error(Exit code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    Exit code() const { return m_code; }

  private:
    Exit m_code;
};

// `"value"`: how messages quote a name or a value.
inline std::string in_quotes(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    out.append(s);
    out += '"';
    return out;
}

}  // namespace postsched
