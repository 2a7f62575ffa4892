#include "scheduler/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/errors.hpp"

namespace postsched::scheduler {

std::optional<RunLock> RunLock::acquire(const std::string& path, Millis wait) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent, ec);
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw Error(Exit::cant_create,
                    "cannot open lock file \"" + path + "\": " + std::strerror(errno));
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int err = errno;
            ::close(fd);
            throw Error(Exit::io, "cannot lock \"" + path + "\": " + std::strerror(err));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::close(fd);
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return RunLock(fd);
}

RunLock::RunLock(RunLock&& other) noexcept : m_fd(other.m_fd) {
    other.m_fd = -1;
}

RunLock::~RunLock() {
    if (m_fd >= 0)
        ::close(m_fd);  // closing releases the flock
}

}  // namespace postsched::scheduler
