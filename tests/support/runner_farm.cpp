#include "support/runner_farm.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <pqxx/connection>
#include <pqxx/transaction>

#include <cstring>
#include <stdexcept>

#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

namespace postsched::testing {

RunnerFarm::RunnerFarm(const std::string& store_url,
                       const std::map<std::string, std::string>& store_env,
                       fakes::FakeMastodon& fake, int accounts)
    : m_url(store_url) {
    fake.add_account(k_token, "1", "farm");
    for (const auto& [k, v] : store_env)
        m_box.env[k] = v;
    m_box.env["POSTSCHED_STORE_URL"] = store_url;
    m_box.env["SECRET_KEY"] = "farm secret passphrase";
    m_box.env["POSTSCHED_NOW"] = k_now;
    m_box.env["MTOKEN"] = k_token;
    m_box.ok({"init"});
    m_box.ok({"account", "add", "mastodon", "--name", "m0", "--instance", fake.base_url(),
              "--token-env", "MTOKEN"});
    // More accounts like m0 (same fake user and encrypted token), so a pass
    // has many accounts' targets to spread over its workers.
    pqxx::connection c(store_url);
    pqxx::work tx(c);
    tx.exec(
        "INSERT INTO social_accounts (id, platform, name, account_id, account_name, "
        "account_username, instance_url, access_token_encrypted, settings, is_active, "
        "needs_reconnect, created_at) SELECT gen_random_uuid()::text, platform, 'm' || g, "
        "account_id, account_name, account_username, instance_url, access_token_encrypted, "
        "settings, true, false, created_at FROM social_accounts, generate_series(1, " +
        std::to_string(accounts - 1) + ") g WHERE name = 'm0'");
    tx.commit();
    for (int i = 0; i < accounts; ++i)
        m_account_names.push_back("m" + std::to_string(i));
}

void RunnerFarm::seed(int count, const std::string& prefix) {
    auto store = store::open_store(m_url);
    std::vector<Account> accounts;
    for (const auto& name : m_account_names)
        accounts.push_back(*store->find_account(name));
    Instant now = *parse_utc_instant(k_now);
    auto bulk = store->bulk_insert(now);
    for (int i = 0; i < count; ++i) {
        Post p;
        p.id = new_uuid_v7(now);
        p.parts = {prefix + " " + std::to_string(i)};
        p.scheduled_at = now;
        p.timezone = "UTC";
        p.created_at = p.updated_at = now;
        Target t;
        t.id = new_uuid_v7(now);
        t.post_id = p.id;
        t.account_id = accounts[static_cast<std::size_t>(i) % accounts.size()].id;
        t.next_attempt_at = now;
        bulk->add(p, {t});
    }
    bulk->commit();
}

std::map<std::string, std::string> RunnerFarm::env_for(
    const std::string& host, const std::map<std::string, std::string>& env) const {
    auto e = m_box.env;
    e["POSTSCHED_LOCK_FILE"] = m_box.dir() + "/" + host + ".lock";
    for (const auto& [k, v] : env)
        e[k] = v;
    return e;
}

PassResult RunnerFarm::pass(const std::string& host, const std::vector<std::string>& args,
                            const std::map<std::string, std::string>& env) const {
    std::vector<std::string> argv{POSTSCHED_BINARY, "run", "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = run_program(argv, "", env_for(host, env));
    PassResult p;
    p.code = r.code;
    p.err = r.err;
    if (r.code != 0)
        return p;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (j.is_discarded()) {
        p.code = -1;
        p.err = "not JSON: " + r.out;
        return p;
    }
    p.recovered = j.value("recovered", 0);
    p.claimed = j.value("claimed", 0);
    p.posted = j.value("posted", 0);
    p.failed = j.value("failed", 0);
    p.deferred = j.value("deferred", 0);
    p.released = j.value("released", 0);
    return p;
}

RunnerTotals RunnerFarm::drain(const std::string& host, const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env,
                               int max_passes) const {
    RunnerTotals t;
    for (int i = 0; i < max_passes; ++i) {
        PassResult p = pass(host, args, env);
        ++t.passes;
        t.recovered += p.recovered;
        t.claimed += p.claimed;
        t.posted += p.posted;
        if (p.code != 0)
            t.errors.push_back(p.err);
        if (p.idle())
            break;
    }
    return t;
}

pid_t RunnerFarm::spawn(const std::string& host, const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env) const {
    std::vector<std::string> argv{POSTSCHED_BINARY, "run"};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env_for(host, env))
        env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, cargs;
    for (auto& s : env_strings)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    for (auto& s : argv)
        cargs.push_back(s.data());
    cargs.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, cargs[0], &fa, nullptr, cargs.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        throw std::runtime_error(std::string("cannot start postsched: ") + std::strerror(rc));
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace postsched::testing
