// posix_spawn rather than fork: it is safe in a threaded program (the pass
// publishes from a worker pool) and glibc closes every descriptor from 3 up
// in the child (posix_spawn_file_actions_addclosefrom_np, close_range or a
// /proc/self/fd walk), whether or not it was opened O_CLOEXEC.
#include "adapters/exec/exec_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <thread>
#include <utility>

#include "core/errors.hpp"

namespace postsched::adapters::exec {

namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr const char* k_shell = "/bin/sh";
// Longest wait in poll(): how soon the command's exit is noticed when it
// closed its outputs early.
constexpr Millis k_poll_slice{20};
// How long output is still read after the command exited, should a
// background child of it keep the pipes open.
constexpr Millis k_drain_grace{200};
// Reads per descriptor per poll round, so a chatty command cannot keep us
// from checking the deadline.
constexpr int k_reads_per_round = 16;

// An owned file descriptor.
class Fd {
  public:
    Fd() = default;
    explicit Fd(int fd) : m_fd(fd) {}
    Fd(Fd&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            m_fd = std::exchange(other.m_fd, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return m_fd; }
    bool is_open() const { return m_fd >= 0; }
    void reset() {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }

  private:
    int m_fd = -1;
};

struct Pipe {
    Fd read;
    Fd write;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw Error(Exit::io, std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    return Pipe{Fd(fds[0]), Fd(fds[1])};
}

void set_nonblocking(const Fd& fd) {
    if (!fd.is_open())
        return;
    const int flags = ::fcntl(fd.get(), F_GETFL);
    ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
}

// Blocks SIGPIPE in this thread while we write to the command's stdin: a
// command that exits without reading must give us EPIPE, not end the
// process. A SIGPIPE our writes raised is consumed before the mask returns.
class SigpipeBlock {
  public:
    SigpipeBlock() {
        sigemptyset(&m_set);
        sigaddset(&m_set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;
    ~SigpipeBlock() {
        sigset_t pending;
        sigemptyset(&pending);
        if (sigismember(&m_old, SIGPIPE) != 1 && sigpending(&pending) == 0 &&
            sigismember(&pending, SIGPIPE) == 1) {
            const timespec zero{};
            sigtimedwait(&m_set, nullptr, &zero);
        }
        pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
    }

  private:
    sigset_t m_set;
    sigset_t m_old;
};

// Spawns `/bin/sh -c command` in a new process group with default signal
// handling, an empty signal mask and the pipes as descriptors 0-2.
pid_t spawn(const std::string& command, const std::vector<std::string>& environment, const Pipe& in,
            const Pipe& out, const Pipe& err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.read.get(), STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, out.write.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write.get(), STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t signals;
    sigemptyset(&signals);
    posix_spawnattr_setsigmask(&attr, &signals);
    sigfillset(&signals);
    sigdelset(&signals, SIGKILL);
    sigdelset(&signals, SIGSTOP);
    posix_spawnattr_setsigdefault(&attr, &signals);

    std::string arg0 = "sh", arg1 = "-c", arg2 = command;
    char* argv[] = {arg0.data(), arg1.data(), arg2.data(), nullptr};
    std::vector<std::string> env_copy = environment;
    std::vector<char*> envp;
    for (auto& entry : env_copy)
        envp.push_back(entry.data());
    envp.push_back(nullptr);

    pid_t pid = -1;
    const int rc = posix_spawn(&pid, k_shell, &actions, &attr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        throw Error(Exit::io,
                    std::string("cannot start \"") + k_shell + "\": " + std::strerror(rc));
    }
    return pid;
}

// The parent's ends of the three pipes and what went through them.
struct Io {
    Fd in;
    std::string_view input;
    std::size_t written = 0;
    Fd out;
    Fd err;
    std::string out_text;
    std::string err_text;
};

void write_some(Io& io) {
    while (io.written < io.input.size()) {
        const ssize_t n =
            ::write(io.in.get(), io.input.data() + io.written, io.input.size() - io.written);
        if (n > 0) {
            io.written += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            break;  // EPIPE: the command stopped reading
        }
    }
    io.in.reset();  // everything written (or refused): the command sees EOF
}

void read_some(Fd& fd, std::string& text) {
    char chunk[16 * 1024];
    for (int i = 0; i < k_reads_per_round; ++i) {
        const ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
        if (n > 0) {
            const auto room = k_capture_limit - text.size();
            text.append(chunk, std::min(room, static_cast<std::size_t>(n)));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            fd.reset();  // end of output (or a read error)
            return;
        }
    }
}

// Waits up to `wait` for any pipe to be ready, then moves what it can.
void pump(Io& io, Millis wait) {
    pollfd fds[3];
    nfds_t count = 0;
    if (io.in.is_open())
        fds[count++] = {io.in.get(), POLLOUT, 0};
    if (io.out.is_open())
        fds[count++] = {io.out.get(), POLLIN, 0};
    if (io.err.is_open())
        fds[count++] = {io.err.get(), POLLIN, 0};
    if (count == 0) {
        std::this_thread::sleep_for(wait);
        return;
    }
    if (::poll(fds, count, static_cast<int>(wait.count())) <= 0)
        return;
    for (nfds_t i = 0; i < count; ++i) {
        if (fds[i].revents == 0)
            continue;
        if (fds[i].fd == io.in.get()) {
            write_some(io);
        } else if (fds[i].fd == io.out.get()) {
            read_some(io.out, io.out_text);
        } else if (fds[i].fd == io.err.get()) {
            read_some(io.err, io.err_text);
        }
    }
}

CommandResult finish(CommandResult::End end, int code, Io& io) {
    CommandResult r;
    r.end = end;
    r.code = code;
    r.out = std::move(io.out_text);
    r.err = std::move(io.err_text);
    return r;
}

CommandResult wait_for(pid_t pid, Io& io, Millis timeout) {
    const auto deadline = SteadyClock::now() + timeout;
    std::optional<SteadyClock::time_point> exited_at;
    int status = 0;
    for (;;) {
        if (!exited_at && ::waitpid(pid, &status, WNOHANG) == pid) {
            exited_at = SteadyClock::now();
        }
        const auto now = SteadyClock::now();
        if (exited_at &&
            ((!io.out.is_open() && !io.err.is_open()) || now >= *exited_at + k_drain_grace)) {
            break;
        }
        if (!exited_at && now >= deadline) {
            ::kill(-pid, SIGKILL);  // the whole group: sh and what it started
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return finish(CommandResult::End::timed_out, 0, io);
        }
        const auto left =
            std::chrono::ceil<Millis>((exited_at ? *exited_at + k_drain_grace : deadline) - now);
        pump(io, std::clamp(left, Millis(1), k_poll_slice));
    }
    if (WIFSIGNALED(status))
        return finish(CommandResult::End::signaled, WTERMSIG(status), io);
    return finish(CommandResult::End::exited, WEXITSTATUS(status), io);
}

}  // namespace

CommandResult run_command(const std::string& command, const std::vector<std::string>& environment,
                          std::string_view input, Millis timeout) {
    Pipe in = make_pipe();
    Pipe out = make_pipe();
    Pipe err = make_pipe();
    const SigpipeBlock block;
    const pid_t pid = spawn(command, environment, in, out, err);
    Io io;
    io.in = std::move(in.write);
    io.out = std::move(out.read);
    io.err = std::move(err.read);
    io.input = input;
    in.read.reset();
    out.write.reset();
    err.write.reset();
    for (const Fd* fd : {&io.in, &io.out, &io.err})
        set_nonblocking(*fd);
    if (input.empty())
        io.in.reset();
    return wait_for(pid, io, timeout);
}

}  // namespace postsched::adapters::exec
