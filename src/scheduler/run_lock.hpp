#pragma once
// The pass lock: flock(2) on a file opened close-on-exec, so no child (the
// exec adapter's commands) inherits it and it dies with the process.
#include <optional>
#include <string>

#include "core/clock.hpp"

namespace postsched::scheduler {

class RunLock {
  public:
    // Tries to lock `path` (created 0600 when missing), waiting up to `wait`
    // (zero: no wait). Returns nullopt when another process holds it. Throws
    // Error(Exit::cant_create) when the file cannot be opened.
    static std::optional<RunLock> acquire(const std::string& path, Millis wait);
    RunLock(RunLock&& other) noexcept;
    RunLock& operator=(RunLock&&) = delete;
    RunLock(const RunLock&) = delete;
    ~RunLock();

  private:
    explicit RunLock(int fd) : m_fd(fd) {}
    int m_fd = -1;
};

}  // namespace postsched::scheduler
