#include "crypto/fernet.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <memory>
#include <string>

#include "core/errors.hpp"

namespace postsched::crypto {
namespace {

constexpr unsigned char k_version = 0x80;
constexpr std::size_t k_half_key = 16;  // signing key ‖ encryption key
constexpr std::size_t k_block = 16;
constexpr std::size_t k_mac_bytes = 32;
constexpr std::size_t k_header_bytes = 1 + 8 + k_iv_bytes;  // version ‖ timestamp ‖ iv
constexpr std::uint64_t k_max_clock_skew = 60;              // seconds, as in cryptography
constexpr std::size_t k_max_input = std::size_t{1} << 30;   // 1 GiB: EVP lengths are int
constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
using Sha256 = std::array<unsigned char, 32>;

const unsigned char* bytes_of(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

// OpenSSL failing to encrypt or hash means a broken installation, not bad input.
[[noreturn]] void openssl_failure(const char* what) {
    const unsigned long code = ERR_get_error();
    std::string message = std::string("openssl: ") + what + " failed";
    if (code != 0) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        message += std::string(": ") + text;
    }
    ERR_clear_error();
    throw Error(Exit::software, message);
}

Sha256 sha256(std::string_view data) {
    Sha256 digest{};
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1) {
        openssl_failure("sha256");
    }
    return digest;
}

Sha256 hmac_sha256(const FernetKey& key, std::string_view data) {
    Sha256 mac{};
    std::size_t size = 0;
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.bytes().data(), k_half_key,
                  bytes_of(data), data.size(), mac.data(), mac.size(), &size) == nullptr ||
        size != mac.size()) {
        openssl_failure("hmac-sha256");
    }
    return mac;
}

// AES-128-CBC with PKCS7 padding. Encryption failures throw; decryption
// failures (bad padding) return nullopt.
std::optional<std::string> aes_cbc(const FernetKey& key, const unsigned char* iv,
                                   std::string_view input, bool encrypting) {
    if (input.size() > k_max_input) {
        if (encrypting) {
            throw Error(Exit::data, "cannot encrypt more than 1 GiB");
        }
        return std::nullopt;
    }
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_128_cbc(), nullptr,
                                  key.bytes().data() + k_half_key, iv, encrypting ? 1 : 0) != 1) {
        openssl_failure("aes-128-cbc setup");
    }
    std::string output(input.size() + k_block, '\0');
    auto* out = reinterpret_cast<unsigned char*>(output.data());
    int written = 0;
    int last = 0;
    if (EVP_CipherUpdate(ctx.get(), out, &written, bytes_of(input),
                         static_cast<int>(input.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), out + written, &last) != 1) {
        if (encrypting) {
            openssl_failure("aes-128-cbc");
        }
        ERR_clear_error();
        OPENSSL_cleanse(output.data(), output.size());
        return std::nullopt;
    }
    output.resize(static_cast<std::size_t>(written) + static_cast<std::size_t>(last));
    return output;
}

int alphabet_index(char c) {
    const auto at = k_alphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

// The decoded token when it has Fernet's shape, else nullopt.
std::optional<std::string> decode_token(std::string_view token) {
    auto data = urlsafe_b64decode(token);
    if (!data || data->size() < k_header_bytes + k_block + k_mac_bytes ||
        (data->size() - k_header_bytes - k_mac_bytes) % k_block != 0 ||
        static_cast<unsigned char>((*data)[0]) != k_version) {
        return std::nullopt;
    }
    return data;
}

std::uint64_t read_timestamp(std::string_view data) {
    std::uint64_t value = 0;
    for (std::size_t i = 1; i <= 8; ++i) {
        value = (value << 8) | static_cast<unsigned char>(data[i]);
    }
    return value;
}

bool ttl_allows(std::uint64_t timestamp, const TtlCheck& ttl) {
    const std::uint64_t now = ttl.now_unix_seconds;
    const bool expired = timestamp < now && now - timestamp > ttl.ttl_seconds;
    const bool from_future = timestamp > now && timestamp - now > k_max_clock_skew;
    return !expired && !from_future;
}

}  // namespace

std::optional<FernetKey> FernetKey::from_base64(std::string_view text) {
    auto raw = urlsafe_b64decode(text);
    if (!raw || raw->size() != k_key_bytes) {
        if (raw) {
            OPENSSL_cleanse(raw->data(), raw->size());
        }
        return std::nullopt;
    }
    FernetKey key;
    std::copy(raw->begin(), raw->end(), key.m_bytes.begin());
    OPENSSL_cleanse(raw->data(), raw->size());
    return key;
}

FernetKey FernetKey::derive(std::string_view secret) {
    FernetKey key;
    key.m_bytes = sha256(secret);
    return key;
}

FernetKey FernetKey::generate() {
    FernetKey key;
    if (RAND_bytes(key.m_bytes.data(), static_cast<int>(key.m_bytes.size())) != 1) {
        openssl_failure("RAND_bytes");
    }
    return key;
}

std::string FernetKey::to_base64() const {
    return urlsafe_b64encode(
        std::string_view(reinterpret_cast<const char*>(m_bytes.data()), m_bytes.size()));
}

std::string FernetKey::fingerprint() const {
    static constexpr char k_hex[] = "0123456789abcdef";
    const Sha256 digest =
        sha256(std::string_view(reinterpret_cast<const char*>(m_bytes.data()), m_bytes.size()));
    std::string text;
    for (std::size_t i = 0; i < 4; ++i) {
        text += k_hex[digest[i] >> 4];
        text += k_hex[digest[i] & 0xf];
    }
    return text;
}

bool FernetKey::operator==(const FernetKey& other) const {
    return CRYPTO_memcmp(m_bytes.data(), other.m_bytes.data(), m_bytes.size()) == 0;
}

FernetKey::~FernetKey() {
    OPENSSL_cleanse(m_bytes.data(), m_bytes.size());
}

std::string encrypt(const FernetKey& key, std::string_view plaintext, std::uint64_t unix_seconds) {
    Iv iv{};
    if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) {
        openssl_failure("RAND_bytes");
    }
    return encrypt(key, plaintext, unix_seconds, iv);
}

std::string encrypt(const FernetKey& key, std::string_view plaintext, std::uint64_t unix_seconds,
                    const Iv& iv) {
    std::string data(1, static_cast<char>(k_version));
    for (int shift = 56; shift >= 0; shift -= 8) {
        data += static_cast<char>((unix_seconds >> shift) & 0xff);
    }
    data.append(reinterpret_cast<const char*>(iv.data()), iv.size());
    data += *aes_cbc(key, iv.data(), plaintext, true);
    const Sha256 mac = hmac_sha256(key, data);
    data.append(reinterpret_cast<const char*>(mac.data()), mac.size());
    return urlsafe_b64encode(data);
}

std::optional<std::string> decrypt(const FernetKey& key, std::string_view token,
                                   std::optional<TtlCheck> ttl) {
    const auto data = decode_token(token);
    if (!data) {
        return std::nullopt;
    }
    if (ttl && !ttl_allows(read_timestamp(*data), *ttl)) {
        return std::nullopt;
    }
    const std::string_view signed_part =
        std::string_view(*data).substr(0, data->size() - k_mac_bytes);
    const Sha256 expected = hmac_sha256(key, signed_part);
    if (CRYPTO_memcmp(expected.data(), bytes_of(*data) + signed_part.size(), k_mac_bytes) != 0) {
        return std::nullopt;
    }
    const auto* iv = bytes_of(*data) + 1 + 8;
    return aes_cbc(key, iv, signed_part.substr(k_header_bytes), false);
}

bool is_well_formed_token(std::string_view token) {
    return decode_token(token).has_value();
}

std::optional<std::uint64_t> token_timestamp(std::string_view token) {
    const auto data = decode_token(token);
    if (!data) {
        return std::nullopt;
    }
    return read_timestamp(*data);
}

std::string urlsafe_b64encode(std::string_view bytes) {
    std::string text;
    text.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = 0;
        for (std::size_t j = 0; j < 3; ++j) {
            group = (group << 8) | (j < n ? static_cast<unsigned char>(bytes[i + j]) : 0u);
        }
        for (std::size_t j = 0; j < 4; ++j) {
            text += j <= n ? k_alphabet[(group >> (18 - 6 * j)) & 0x3f] : '=';
        }
    }
    return text;
}

std::optional<std::string> urlsafe_b64decode(std::string_view text) {
    std::size_t padding = 0;
    while (padding < 2 && !text.empty() && text.back() == '=') {
        text.remove_suffix(1);
        ++padding;
    }
    if ((padding > 0 && (text.size() + padding) % 4 != 0) || text.size() % 4 == 1) {
        return std::nullopt;
    }
    std::string bytes;
    bytes.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const int value = alphabet_index(c);
        if (value < 0) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes += static_cast<char>((buffer >> bits) & 0xff);
        }
    }
    return bytes;
}

}  // namespace postsched::crypto
