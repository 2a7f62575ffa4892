#pragma once
// Fernet (https://github.com/fernet/spec), byte-compatible with Python's
// `cryptography.fernet`: a store written by one can be read by the other.
//
//   token = urlsafe_b64(0x80 ‖ timestamp (u64, big-endian) ‖ iv (16) ‖
//                       AES-128-CBC-PKCS7(ciphertext) ‖ HMAC-SHA256 (32))
//
// The HMAC covers everything before it and is keyed with the first 16 bytes of
// the key; AES uses the last 16. Tokens are written with '=' padding, as Python
// writes them, and read with or without it.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace postsched::crypto {

inline constexpr std::size_t k_key_bytes = 32;
inline constexpr std::size_t k_iv_bytes = 16;
using Iv = std::array<unsigned char, k_iv_bytes>;

// 32 raw key bytes: signing key ‖ encryption key. The bytes are wiped when the
// object dies; nothing here ever prints them.
class FernetKey {
  public:
    // A key in text form: url-safe base64 of exactly 32 bytes, as
    // Fernet.generate_key() writes it (44 characters ending in '='); the
    // unpadded 43-character form is accepted too. Anything else: nullopt.
    static std::optional<FernetKey> from_base64(std::string_view text);

    // The key for a secret that is not itself a Fernet key (a passphrase):
    // its bytes are sha256(secret), i.e. in Python
    //     Fernet(base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest()))
    // No salt or stretching, so a weak passphrase gives a weak key; it exists
    // so that a seed deployment's SECRET_KEY keeps working.
    static FernetKey derive(std::string_view secret);

    // A fresh key from the OpenSSL CSPRNG (RAND_bytes).
    static FernetKey generate();

    // The standard text form (44 characters, padded). Secret: never log it.
    std::string to_base64() const;

    // First 8 hex digits of sha256 of the 32 raw key bytes: names a key in
    // messages without revealing it.
    std::string fingerprint() const;

    const std::array<unsigned char, k_key_bytes>& bytes() const { return m_bytes; }
    bool operator==(const FernetKey& other) const;

    FernetKey(const FernetKey&) = default;
    FernetKey& operator=(const FernetKey&) = default;
    ~FernetKey();

  private:
    FernetKey() = default;
    std::array<unsigned char, k_key_bytes> m_bytes{};
};

// Encrypts with a fresh random IV; `unix_seconds` becomes the token's timestamp.
std::string encrypt(const FernetKey& key, std::string_view plaintext, std::uint64_t unix_seconds);

// Same with a given IV: for reproducible test vectors only. Reusing an IV
// with the same key leaks plaintext relations; production code must not.
std::string encrypt(const FernetKey& key, std::string_view plaintext, std::uint64_t unix_seconds,
                    const Iv& iv);

// Optional age check, as Python's decrypt(token, ttl): the token is refused
// when older than `ttl_seconds` at `now_unix_seconds`, or more than 60 s in
// the future.
struct TtlCheck {
    std::uint64_t now_unix_seconds = 0;
    std::uint64_t ttl_seconds = 0;
};

// The plaintext, or nullopt when the token is malformed (bad base64, wrong
// version byte, short, ciphertext not whole blocks), its HMAC does not match
// this key (compared in constant time), its padding is bad, or `ttl` refuses it.
std::optional<std::string> decrypt(const FernetKey& key, std::string_view token,
                                   std::optional<TtlCheck> ttl = std::nullopt);

// True when `token` has the shape of a Fernet token (url-safe base64, version
// 0x80, long enough, whole cipher blocks), whatever key made it. Lets callers
// tell "wrong key" from "not a token at all".
bool is_well_formed_token(std::string_view token);

// The token's timestamp (unix seconds), without checking the HMAC.
std::optional<std::uint64_t> token_timestamp(std::string_view token);

// url-safe base64 (RFC 4648 §5) with '=' padding, and its inverse, which accepts
// the padding or its absence but nothing else outside the alphabet.
std::string urlsafe_b64encode(std::string_view bytes);
std::optional<std::string> urlsafe_b64decode(std::string_view text);

}  // namespace postsched::crypto
