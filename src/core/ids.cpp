#include "core/ids.hpp"

#include <openssl/evp.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <stdexcept>

namespace postsched {
namespace {

// The kernel's CSPRNG (getrandom(2)), not OpenSSL's: ids are made by every
// command, and OpenSSL's first RAND_bytes loads its default provider, a few
// milliseconds that an idle `run` (one id for its runs row) should not pay.
void fill_random(unsigned char* out, std::size_t n) {
    while (n > 0) {
        const ssize_t got = ::getrandom(out, n, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            throw std::runtime_error("random number generator failed");
        out += got;
        n -= static_cast<std::size_t>(got);
    }
}

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        s += k_digits[p[i] >> 4];
        s += k_digits[p[i] & 15];
    }
    return s;
}

}  // namespace

std::string new_uuid_v7(Instant at) {
    std::array<unsigned char, 16> b{};
    fill_random(b.data(), b.size());
    auto ms = static_cast<unsigned long long>(at.time_since_epoch().count());
    for (int i = 0; i < 6; ++i)
        b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
    b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0f));  // version 7
    b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3f));  // RFC 9562 variant
    std::string h = hex(b.data(), b.size());
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20);
}

UuidV7Sequence::UuidV7Sequence(Instant at)
    : m_ms(static_cast<unsigned long long>(at.time_since_epoch().count())) {
    unsigned char seed[16];
    fill_random(seed, sizeof seed);
    m_counter = m_mix = 0;
    for (int i = 0; i < 8; ++i) {
        m_counter = m_counter << 8 | seed[i];
        m_mix = m_mix << 8 | seed[8 + i];
    }
    m_counter &= (1ULL << 40) - 1;  // a random start with room for 2^42 - 2^40 more ids
}

std::string UuidV7Sequence::next() {
    unsigned long long counter = m_counter++;
    if (m_counter >> 42) {  // the counter ran out: move on a millisecond (RFC 9562 §6.2)
        ++m_ms;
        m_counter = 0;
    }
    // splitmix64: cheap, well-spread bits for the tail; uniqueness comes from
    // the counter, not from these.
    unsigned long long z = (m_mix += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    std::array<unsigned char, 16> b{};
    for (int i = 0; i < 6; ++i)
        b[i] = static_cast<unsigned char>(m_ms >> (40 - 8 * i));
    // version 7 | counter bits 41..30 (12 bits of rand_a)
    b[6] = static_cast<unsigned char>(0x70 | ((counter >> 38) & 0x0f));
    b[7] = static_cast<unsigned char>(counter >> 30);
    // variant | counter bits 29..24, then counter bits 23..0
    b[8] = static_cast<unsigned char>(0x80 | ((counter >> 24) & 0x3f));
    b[9] = static_cast<unsigned char>(counter >> 16);
    b[10] = static_cast<unsigned char>(counter >> 8);
    b[11] = static_cast<unsigned char>(counter);
    for (int i = 0; i < 4; ++i)
        b[12 + i] = static_cast<unsigned char>(z >> (8 * i));
    std::string h = hex(b.data(), b.size());
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20);
}

std::string random_hex(std::size_t bytes) {
    std::string raw(bytes, '\0');
    fill_random(reinterpret_cast<unsigned char*>(raw.data()), bytes);
    return hex(reinterpret_cast<const unsigned char*>(raw.data()), bytes);
}

std::string sha256_hex(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return hex(digest, size);
}

}  // namespace postsched
