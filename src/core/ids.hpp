#pragma once
#include <string>

#include "core/clock.hpp"

namespace postsched {

// A UUIDv7 (RFC 9562): 48-bit Unix milliseconds then random bits, so ids sort
// by creation time and index well.
std::string new_uuid_v7(Instant at);

// A short random token (hex) for claim tokens and OAuth state.
std::string random_hex(std::size_t bytes);

// Lower-case hex SHA-256 of `data` (derived platform-side keys).
std::string sha256_hex(const std::string& data);

}  // namespace postsched

namespace postsched {

// UUIDv7s for many ids made at once (a bulk import): all carry `at`, and a
// 42-bit counter from a random start (RFC 9562 §6.2, method 1) follows the
// timestamp, so they sort in the order made, unique without a random draw
// each. In order, they go to the end of an index instead of all over it.
class UuidV7Sequence {
  public:
    explicit UuidV7Sequence(Instant at);
    std::string next();

  private:
    unsigned long long m_ms;
    unsigned long long m_counter;  // 42 bits used
    unsigned long long m_mix;      // for the 32 bits after the counter
};

}  // namespace postsched
