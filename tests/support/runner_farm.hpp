#pragma once
// Several `postsched run` hosts on one PostgreSQL store: a sandbox whose store
// is a PostgreSQL database (or its own SQLite file, for single-host benches),
// mastodon accounts on one fake Mastodon, a backlog
// of due posts, and runners that each use their own lock file (as separate
// hosts would). Shared by the integration tests and bench/.
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "fakes/fake_mastodon.hpp"
#include "support/sandbox.hpp"

namespace postsched::testing {

// What one `postsched run --json` reported.
struct PassResult {
    int code = -1;
    int recovered = 0;
    int claimed = 0;
    int posted = 0;
    int failed = 0;
    int deferred = 0;
    int released = 0;
    std::string err;
    bool idle() const { return code == 0 && recovered == 0 && claimed == 0; }
};

// A runner's passes added up.
struct RunnerTotals {
    int passes = 0;
    int recovered = 0;
    int claimed = 0;
    int posted = 0;
    std::vector<std::string> errors;  // stderr of passes that did not exit 0
};

class RunnerFarm {
  public:
    static constexpr const char* k_token = "farm-mastodon-token-0123456789";
    static constexpr const char* k_now = "2026-11-28T12:00:00Z";

    // `store_url` names an empty PostgreSQL database, or is empty for a
    // SQLite store in the sandbox; `store_env` is what a child process needs
    // to reach it (PGPASSWORD). Makes `accounts`
    // mastodon accounts named m0, m1, … on `fake`.
    RunnerFarm(const std::string& store_url, const std::map<std::string, std::string>& store_env,
               fakes::FakeMastodon& fake, int accounts);

    Sandbox& box() { return m_box; }
    const std::string& store_url() const { return m_url; }

    // Adds `count` posts due now ("<prefix> <n>"), one target each, spread
    // over the accounts in one bulk write.
    void seed(int count, const std::string& prefix = "backlog post");

    // One pass as host `host` (its own lock file), `run --json` plus `args`.
    PassResult pass(const std::string& host, const std::vector<std::string>& args = {},
                    const std::map<std::string, std::string>& env = {}) const;
    // Passes as `host` until one finds nothing to do (or `max_passes`).
    RunnerTotals drain(const std::string& host, const std::vector<std::string>& args = {},
                       const std::map<std::string, std::string>& env = {},
                       int max_passes = 200) const;
    // Starts one pass as `host` without waiting (output discarded).
    pid_t spawn(const std::string& host, const std::vector<std::string>& args = {},
                const std::map<std::string, std::string>& env = {}) const;

  private:
    std::map<std::string, std::string> env_for(const std::string& host,
                                               const std::map<std::string, std::string>& env) const;
    Sandbox m_box;  // first: an empty store_url names its SQLite store
    std::string m_url;
    std::vector<std::string> m_account_names;
};

// Waits for a process started by spawn(); returns its exit code (128 + signal).
int wait_for(pid_t pid);

}  // namespace postsched::testing
