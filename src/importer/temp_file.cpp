#include "importer/temp_file.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/errors.hpp"

namespace postsched::importer {

TempFile::TempFile(const std::string& stem) {
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/" + stem + "-XXXXXX";
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
        throw Error(Exit::cant_create,
                    "cannot create a temporary file \"" + tmpl + "\": " + std::strerror(errno));
    ::close(fd);
    m_path = tmpl;
}

TempFile::~TempFile() {
    std::error_code ec;
    std::filesystem::remove(m_path, ec);
}

void spool(std::istream& in, const TempFile& file) {
    std::ofstream out(file.path(), std::ios::binary | std::ios::trunc);
    std::vector<char> buf(1 << 16);
    while (in && out) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        out.write(buf.data(), in.gcount());
    }
    out.flush();
    if (!out)
        throw Error(Exit::io, "cannot write the temporary file \"" + file.path() +
                                  "\" (standard input is copied there to be read twice)");
}

}  // namespace postsched::importer
