#pragma once
// A throwaway home for one test: XDG dirs in a temp folder, and a way to run
// the real postsched binary in it with a clean environment.
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

}  // namespace postsched::testing
