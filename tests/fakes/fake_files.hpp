#pragma once
// A static file server on 127.0.0.1 for media URLs in tests; counts fetches.
#include <memory>
#include <string>

namespace postsched::fakes {

class FakeFiles {
  public:
    FakeFiles();
    ~FakeFiles();
    FakeFiles(const FakeFiles&) = delete;
    FakeFiles& operator=(const FakeFiles&) = delete;
    // Serves `body` at `path` ("/pic.png") with `content_type`.
    void put(const std::string& path, std::string body, std::string content_type);
    std::string url(const std::string& path) const;
    int fetches(const std::string& path) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// A valid 1×1 PNG image.
std::string tiny_png();

}  // namespace postsched::fakes
