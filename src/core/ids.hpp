#pragma once
#include <string>

#include "core/clock.hpp"

namespace postsched {

// A UUIDv7 (RFC 9562): 48-bit Unix milliseconds then random bits, so ids sort
// by creation time and index well.
std::string new_uuid_v7(Instant at);

// A short random token (hex) for claim tokens and OAuth state.
std::string random_hex(std::size_t bytes);

}  // namespace postsched
