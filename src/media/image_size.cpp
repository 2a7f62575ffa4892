#include "media/image_size.hpp"

#include <cstdint>

namespace postsched::media {
namespace {

unsigned byte_at(std::string_view b, std::size_t i) {
    return static_cast<unsigned char>(b[i]);
}
unsigned be16(std::string_view b, std::size_t i) {
    return byte_at(b, i) << 8 | byte_at(b, i + 1);
}
unsigned le16(std::string_view b, std::size_t i) {
    return byte_at(b, i) | byte_at(b, i + 1) << 8;
}
unsigned be32(std::string_view b, std::size_t i) {
    return be16(b, i) << 16 | be16(b, i + 2);
}
unsigned le24(std::string_view b, std::size_t i) {
    return le16(b, i) | byte_at(b, i + 2) << 16;
}

std::optional<PixelSize> valid(unsigned w, unsigned h) {
    if (w == 0 || h == 0)
        return std::nullopt;
    return PixelSize{w, h};
}

// PNG: the IHDR chunk comes first (8-byte signature, length, "IHDR", w, h).
std::optional<PixelSize> png(std::string_view b) {
    if (b.size() < 24 || b.substr(12, 4) != "IHDR")
        return std::nullopt;
    return valid(be32(b, 16), be32(b, 20));
}

// JPEG: walk the marker segments to the first start-of-frame (SOF0–SOF15,
// except DHT C4, JPG C8 and DAC CC), which holds height then width.
std::optional<PixelSize> jpeg(std::string_view b) {
    std::size_t i = 2;
    while (i + 4 <= b.size()) {
        if (byte_at(b, i) != 0xFF)
            return std::nullopt;
        const unsigned marker = byte_at(b, i + 1);
        if (marker == 0xFF) {  // fill byte
            ++i;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            i += 2;  // no length
            continue;
        }
        const unsigned length = be16(b, i + 2);
        const bool sof =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (i + 9 > b.size())
                return std::nullopt;
            return valid(be16(b, i + 7), be16(b, i + 5));
        }
        if (marker == 0xDA || length < 2)
            return std::nullopt;  // image data before any frame header
        i += 2 + length;
    }
    return std::nullopt;
}

std::optional<PixelSize> gif(std::string_view b) {
    if (b.size() < 10)
        return std::nullopt;
    return valid(le16(b, 6), le16(b, 8));
}

// WebP: lossy (VP8), lossless (VP8L) and extended (VP8X) first chunks.
std::optional<PixelSize> webp(std::string_view b) {
    if (b.size() < 30)
        return std::nullopt;
    const std::string_view chunk = b.substr(12, 4);
    if (chunk == "VP8X")
        return valid(le24(b, 24) + 1, le24(b, 27) + 1);
    if (chunk == "VP8 ")
        return valid(le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF);
    if (chunk == "VP8L" && byte_at(b, 20) == 0x2F) {
        const std::uint32_t bits = static_cast<std::uint32_t>(byte_at(b, 21)) |
                                   static_cast<std::uint32_t>(byte_at(b, 22)) << 8 |
                                   static_cast<std::uint32_t>(byte_at(b, 23)) << 16 |
                                   static_cast<std::uint32_t>(byte_at(b, 24)) << 24;
        return valid((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1);
    }
    return std::nullopt;
}

}  // namespace

std::optional<PixelSize> image_size(std::string_view bytes) {
    if (bytes.starts_with("\x89PNG\r\n\x1a\n"))
        return png(bytes);
    if (bytes.starts_with("\xFF\xD8"))
        return jpeg(bytes);
    if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a"))
        return gif(bytes);
    if (bytes.starts_with("RIFF") && bytes.size() >= 12 && bytes.substr(8, 4) == "WEBP")
        return webp(bytes);
    return std::nullopt;
}

}  // namespace postsched::media
