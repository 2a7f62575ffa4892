#pragma once
// Temporary files for an import: standard input spooled so it can be read
// twice (a check pass, then the write), and output held back until commit.
#include <iosfwd>
#include <string>

namespace postsched::importer {

// A new, empty file in $TMPDIR (else /tmp), mode 0600, removed when this
// object goes away. Throws Error(Exit::cant_create).
class TempFile {
  public:
    explicit TempFile(const std::string& stem);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
};

// Copies `in` to `file`; throws Error(Exit::io) when writing fails.
void spool(std::istream& in, const TempFile& file);

}  // namespace postsched::importer
