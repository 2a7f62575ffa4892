#pragma once
// A throwaway home for one test: XDG dirs in a temp folder, and a way to run
// the real postsched binary in it with a clean environment.
#include <boost/test/tools/assertion_result.hpp>
#include <boost/test/tree/test_unit.hpp>

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace postsched::testing {

struct RunResult {
    int code = -1;
    std::string out;
    std::string err;
};

class Sandbox {
  public:
    Sandbox();
    ~Sandbox();
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    const std::string& dir() const { return m_dir; }
    std::string db_path() const { return m_dir + "/data/postsched/postsched.db"; }
    std::string config_path() const { return m_dir + "/config/postsched/config.toml"; }
    std::string key_path() const { return m_dir + "/config/postsched/secret.key"; }

    // Environment for every run (on top of XDG_*, HOME, PATH and sanitizer options).
    std::map<std::string, std::string> env;

    // Runs postsched with `args`; `input` is its stdin.
    RunResult run(const std::vector<std::string>& args, const std::string& input = "",
                  const std::map<std::string, std::string>& extra_env = {}) const;
    // Starts postsched with `args` without waiting, stdin and output on
    // /dev/null; reap it with wait_for() (support/runner_farm.hpp).
    pid_t spawn(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& extra_env = {}) const;
    // Like run, but fails the test (with stdout/stderr shown) unless it exits 0.
    std::string ok(const std::vector<std::string>& args, const std::string& input = "") const;

    void write_file(const std::string& relative, const std::string& content) const;
    std::string read_file(const std::string& path) const;

  private:
    std::string m_dir;
};

// Runs any program (argv[0] is looked up in PATH) and captures its output.
RunResult run_program(const std::vector<std::string>& argv, const std::string& input,
                      const std::map<std::string, std::string>& env);

// SQL through the sqlite3 command-line tool (for checks a user could do too).
std::string sqlite(const std::string& db, const std::string& sql);

// A refused command: exit `code`, and stderr exactly one line starting with
// "postsched: error: " and holding each of `needles`. Use as
// BOOST_TEST(is_error(r, 65, {"gap"})): the message shows what was printed.
boost::test_tools::assertion_result is_error(const RunResult& r, int code,
                                             const std::vector<std::string>& needles = {});

// "postsched ARGS...": names a run in a test's context.
std::string joined(const std::vector<std::string>& args);

// Runs `args` in `box`, which must refuse them: is_error(r, code, needles),
// and the store (its .dump) unchanged; `quiet`: nothing on stdout either.
RunResult expect_refused(const Sandbox& box, const std::vector<std::string>& args, int code,
                         const std::vector<std::string>& needles, const std::string& input = "",
                         bool quiet = false);

// For a case that shows a known product bug, with `* disabled()`: Boost 1.74
// still runs a disabled case when its suite is named in --run_test (as ctest
// does), so add `* boost::unit_test::precondition(known_bug)` too. Set
// POSTSCHED_RUN_KNOWN_BUGS=1 to run such cases anyway.
boost::test_tools::assertion_result known_bug(boost::unit_test::test_unit_id);

}  // namespace postsched::testing
