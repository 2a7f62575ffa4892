#include "support/sandbox.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace postsched::testing {
namespace fs = std::filesystem;
namespace {

void pump(int in_fd, const std::string& input, int out_fd, int err_fd, std::string& out,
          std::string& err) {
    size_t written = 0;
    if (input.empty()) {
        ::close(in_fd);
        in_fd = -1;
    }
    while (out_fd >= 0 || err_fd >= 0) {
        pollfd fds[3];
        int n = 0;
        if (in_fd >= 0)
            fds[n++] = {in_fd, POLLOUT, 0};
        if (out_fd >= 0)
            fds[n++] = {out_fd, POLLIN, 0};
        if (err_fd >= 0)
            fds[n++] = {err_fd, POLLIN, 0};
        if (::poll(fds, n, 60000) <= 0)
            break;
        for (int i = 0; i < n; ++i) {
            if (!fds[i].revents)
                continue;
            if (fds[i].fd == in_fd) {
                ssize_t w = ::write(in_fd, input.data() + written, input.size() - written);
                if (w > 0)
                    written += static_cast<size_t>(w);
                if (w <= 0 || written == input.size()) {
                    ::close(in_fd);
                    in_fd = -1;
                }
                continue;
            }
            char buf[65536];
            ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            bool is_out = fds[i].fd == out_fd;
            if (r <= 0) {
                ::close(fds[i].fd);
                (is_out ? out_fd : err_fd) = -1;
            } else {
                (is_out ? out : err).append(buf, static_cast<size_t>(r));
            }
        }
    }
    if (in_fd >= 0)
        ::close(in_fd);
}

// NULL-terminated argv and envp for posix_spawn, owning their strings.
struct SpawnArgs {
    std::vector<std::string> argv, env_strings;
    std::vector<char*> args, envp;
    SpawnArgs(std::vector<std::string> a, const std::map<std::string, std::string>& env)
        : argv(std::move(a)) {
        for (const auto& [k, v] : env)
            env_strings.push_back(k + "=" + v);
        for (auto& s : argv)
            args.push_back(s.data());
        args.push_back(nullptr);
        for (auto& s : env_strings)
            envp.push_back(s.data());
        envp.push_back(nullptr);
    }
};

}  // namespace

RunResult run_program(const std::vector<std::string>& argv, const std::string& input,
                      const std::map<std::string, std::string>& env) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC))
        throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    SpawnArgs sa(argv, env);
    pid_t pid;
    int rc = posix_spawnp(&pid, sa.args[0], &fa, nullptr, sa.args.data(), sa.envp.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    if (rc != 0) {
        ::close(in[1]);
        ::close(out[0]);
        ::close(err[0]);
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    }
    RunResult r;
    pump(in[1], input, out[0], err[0], r.out, r.err);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

Sandbox::Sandbox() {
    std::string tmpl = (fs::temp_directory_path() / "postsched-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
        throw std::runtime_error("mkdtemp failed");
    m_dir = tmpl;
    fs::create_directories(m_dir + "/config");
    fs::create_directories(m_dir + "/data");
    env = {{"HOME", m_dir},
           {"XDG_CONFIG_HOME", m_dir + "/config"},
           {"XDG_DATA_HOME", m_dir + "/data"},
           {"PATH", "/usr/local/bin:/usr/bin:/bin"},
           {"TZ", "UTC"},
           {"LANG", "C.UTF-8"}};
    for (const char* keep : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
        if (const char* v = std::getenv(keep))
            env[keep] = v;
}

Sandbox::~Sandbox() {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

RunResult Sandbox::run(const std::vector<std::string>& args, const std::string& input,
                       const std::map<std::string, std::string>& extra_env) const {
    std::vector<std::string> argv{POSTSCHED_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto e = env;
    for (const auto& [k, v] : extra_env)
        e[k] = v;
    return run_program(argv, input, e);
}

pid_t Sandbox::spawn(const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& extra_env) const {
    std::vector<std::string> argv{POSTSCHED_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto e = env;
    for (const auto& [k, v] : extra_env)
        e[k] = v;
    SpawnArgs sa(argv, e);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, sa.args[0], &fa, nullptr, sa.args.data(), sa.envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        throw std::runtime_error(std::string("cannot start postsched: ") + std::strerror(rc));
    return pid;
}

std::string Sandbox::ok(const std::vector<std::string>& args, const std::string& input) const {
    RunResult r = run(args, input);
    std::string cmd;
    for (const auto& a : args)
        cmd += " " + a;
    BOOST_REQUIRE_MESSAGE(r.code == 0, "postsched" << cmd << " exited " << r.code << "\nstdout: "
                                                   << r.out << "\nstderr: " << r.err);
    return r.out;
}

void Sandbox::write_file(const std::string& relative, const std::string& content) const {
    fs::path p = fs::path(m_dir) / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
}

std::string Sandbox::read_file(const std::string& path) const {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string sqlite(const std::string& db, const std::string& sql) {
    auto r = run_program({"sqlite3", db, sql}, "", {{"PATH", "/usr/bin:/bin"}});
    BOOST_REQUIRE_MESSAGE(r.code == 0, "sqlite3 failed: " << r.err);
    return r.out;
}

std::string joined(const std::vector<std::string>& args) {
    std::string s = "postsched";
    for (const auto& a : args)
        s += " " + a;
    return s;
}

RunResult expect_refused(const Sandbox& box, const std::vector<std::string>& args, int code,
                         const std::vector<std::string>& needles, const std::string& input,
                         bool quiet) {
    const std::string before = sqlite(box.db_path(), ".dump");
    RunResult r = box.run(args, input);
    BOOST_TEST_CONTEXT(joined(args)) {
        BOOST_TEST(is_error(r, code, needles));
        if (quiet)
            BOOST_TEST(r.out.empty());
        BOOST_TEST(sqlite(box.db_path(), ".dump") == before, "the store changed");
    }
    return r;
}

boost::test_tools::assertion_result is_error(const RunResult& r, int code,
                                             const std::vector<std::string>& needles) {
    boost::test_tools::assertion_result res(true);
    auto fail = [&](const std::string& why) {
        if (res)
            res = boost::test_tools::assertion_result(false);
        res.message() << why << "; ";
    };
    if (r.code != code)
        fail("exit " + std::to_string(r.code) + ", expected " + std::to_string(code));
    const std::string prefix = "postsched: error: ";
    if (r.err.rfind(prefix, 0) != 0)
        fail("stderr does not start with \"" + prefix + "\"");
    if (r.err.empty() || r.err.back() != '\n' || r.err.find('\n') != r.err.size() - 1)
        fail("stderr is not exactly one line");
    for (const auto& n : needles)
        if (r.err.find(n) == std::string::npos)
            fail("stderr lacks \"" + n + "\"");
    if (!res)
        res.message() << "stderr: [" << r.err << "] stdout: [" << r.out << "]";
    return res;
}

boost::test_tools::assertion_result known_bug(boost::unit_test::test_unit_id) {
    const char* run = std::getenv("POSTSCHED_RUN_KNOWN_BUGS");
    boost::test_tools::assertion_result res(run && std::string(run) == "1");
    if (!res)
        res.message() << "known product bug (see its BUG comment); "
                         "POSTSCHED_RUN_KNOWN_BUGS=1 runs it";
    return res;
}

}  // namespace postsched::testing
