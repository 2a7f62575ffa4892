#include "support/runner_farm.hpp"

#include <sys/wait.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>
#include <pqxx/connection>
#include <pqxx/transaction>

#include "core/ids.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

namespace postsched::testing {

namespace {

std::string fill(std::string sql, const std::string& id, const std::string& series) {
    sql.replace(sql.find("{id}"), 4, id);
    sql.replace(sql.find("{series}"), 8, series);
    return sql;
}

}  // namespace

RunnerFarm::RunnerFarm(const std::string& store_url,
                       const std::map<std::string, std::string>& store_env,
                       fakes::FakeMastodon& fake, int accounts)
    : m_url(store_url.empty() ? "sqlite://" + m_box.db_path() : store_url) {
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
    const std::string copies =
        "INSERT INTO social_accounts (id, platform, name, account_id, account_name, "
        "account_username, instance_url, access_token_encrypted, settings, is_active, "
        "needs_reconnect, created_at) SELECT {id}, platform, 'm' || g, account_id, "
        "account_name, account_username, instance_url, access_token_encrypted, settings, "
        "true, false, created_at FROM social_accounts, {series} WHERE name = 'm0'";
    const std::string n = std::to_string(accounts - 1);
    if (m_url.starts_with("sqlite:")) {
        SQLite::Database db(m_box.db_path(), SQLite::OPEN_READWRITE);
        db.exec("WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " + n +
                ") " + fill(copies, "lower(hex(randomblob(16)))", "s"));
    } else {
        pqxx::connection c(m_url);
        pqxx::work tx(c);
        tx.exec(fill(copies, "gen_random_uuid()::text", "generate_series(1, " + n + ") g"));
        tx.commit();
    }
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
    std::vector<std::string> argv{"run"};
    argv.insert(argv.end(), args.begin(), args.end());
    return m_box.spawn(argv, env_for(host, env));
}

int wait_for(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace postsched::testing
