#pragma once
// Pixel dimensions read from an image's header (PNG, JPEG, GIF, WebP), for
// platforms that want an aspect ratio with each image (Bluesky).
#include <optional>
#include <string_view>

namespace postsched::media {

struct PixelSize {
    unsigned width = 0;
    unsigned height = 0;
};

// Width and height from the header bytes; nullopt when the format is not
// recognised or the header is cut short. Only headers are read, never pixels.
std::optional<PixelSize> image_size(std::string_view bytes);

}  // namespace postsched::media
