// PostgresStore: the connection, its URL, and the translation of failures.
#include <libpq-fe.h>

#include <cstdlib>
#include <memory>

#include "store/postgres_internal.hpp"
#include "store/postgres_store.hpp"
#include "store/store_url.hpp"

namespace postsched::store {
namespace pg {
namespace {

// Seconds libpq waits for a TCP connection unless the URL says otherwise.
constexpr const char* k_connect_timeout = "10";

std::string quoted(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "'";
}

struct Options {
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> list{nullptr, &PQconninfoFree};
    std::string get(const char* keyword) const {
        for (auto* o = list.get(); o && o->keyword; ++o)
            if (std::string(o->keyword) == keyword && o->val)
                return o->val;
        return {};
    }
};

Options parse_options(const std::string& url, const std::string& display) {
    char* err = nullptr;
    Options o;
    o.list.reset(PQconninfoParse(url.c_str(), &err));
    if (!o.list) {
        std::string why = err ? err : "out of memory";
        if (err)
            PQfreemem(err);
        throw Error(Exit::config, "store url \"" + display + "\": " + clean_reason(why, ""));
    }
    return o;
}

std::string default_of(const char* keyword) {
    Options d;
    d.list.reset(PQconndefaults());
    return d.get(keyword);
}

std::string first_non_empty(std::initializer_list<std::string> values) {
    for (const auto& v : values)
        if (!v.empty())
            return v;
    return {};
}

}  // namespace

ConnInfo parse_url(const std::string& url, Millis busy_timeout) {
    ConnInfo info;
    info.display = redact_url(url);
    Options o = parse_options(url, info.display);
    std::string options;
    for (auto* opt = o.list.get(); opt && opt->keyword; ++opt) {
        if (!opt->val)
            continue;
        std::string key = opt->keyword;
        if (key == "options") {
            options = opt->val;
            continue;
        }
        info.conninfo += key + "=" + quoted(opt->val) + " ";
    }
    if (o.get("connect_timeout").empty() && !std::getenv("PGCONNECT_TIMEOUT"))
        info.conninfo += std::string("connect_timeout=") + k_connect_timeout + " ";
    if (o.get("application_name").empty() && !std::getenv("PGAPPNAME"))
        info.conninfo += "application_name=postsched ";
    // Naming `options` makes libpq ignore PGOPTIONS: carry it over.
    if (options.empty())
        if (const char* env = std::getenv("PGOPTIONS"))
            options = env;
    // Every wait for a row lock is bounded like SQLite's busy timeout; the
    // server's notices stay out of cron mail.
    options += " -c lock_timeout=" + std::to_string(busy_timeout.count()) +
               " -c TimeZone=UTC -c client_min_messages=warning";
    info.conninfo += "options=" + quoted(options);

    std::string user = first_non_empty({o.get("user"), default_of("user")});
    std::string host = first_non_empty(
        {o.get("host"), o.get("hostaddr"), default_of("host"), std::string("localhost")});
    std::string port = first_non_empty({o.get("port"), default_of("port"), std::string("5432")});
    std::string db = first_non_empty({o.get("dbname"), default_of("dbname"), user});
    info.where = host + ":" + port + "/" + db;
    info.password = first_non_empty({o.get("password"), default_of("password")});
    return info;
}

std::string clean_reason(const std::string& what, const std::string& secret) {
    std::string line;
    for (std::size_t pos = 0; pos <= what.size();) {
        auto end = what.find('\n', pos);
        if (end == std::string::npos)
            end = what.size();
        auto b = what.find_first_not_of(" \t\r", pos);
        if (b != std::string::npos && b < end) {
            line = what.substr(b, end - b);
            break;
        }
        pos = end + 1;
    }
    if (line.rfind("connection to server ", 0) == 0) {
        auto failed = line.find(" failed: ");
        if (failed != std::string::npos)
            line = line.substr(failed + 9);
    }
    for (const char* prefix : {"FATAL:  ", "ERROR:  ", "FATAL: ", "ERROR: "})
        if (line.rfind(prefix, 0) == 0)
            line = line.substr(std::string(prefix).size());
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
        line.pop_back();
    if (!secret.empty())
        for (auto p = line.find(secret); p != std::string::npos; p = line.find(secret, p))
            line.replace(p, secret.size(), "********");
    return line.empty() ? "unknown error" : line;
}

}  // namespace pg

PostgresStore::PostgresStore(const std::string& url, Millis busy_timeout)
    : m_info(pg::parse_url(url, busy_timeout)) {
    connection();
}

PostgresStore::~PostgresStore() = default;

pqxx::connection& PostgresStore::connection() {
    if (!m_lost.empty())
        throw Error(Exit::unavailable, m_lost);
    if (m_conn)
        return *m_conn;
    try {
        m_conn = std::make_unique<pqxx::connection>(m_info.conninfo);
    } catch (const std::exception& e) {
        throw Error(Exit::unavailable, "cannot reach the PostgreSQL store at " + m_info.where +
                                           ": " + pg::clean_reason(e.what(), m_info.password));
    }
    return *m_conn;
}

void PostgresStore::fail(const std::exception& e) {
    std::string why = pg::clean_reason(e.what(), m_info.password);
    std::string state;
    if (const auto* s = dynamic_cast<const pqxx::sql_error*>(&e))
        state = s->sqlstate();
    bool doubt = dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr;
    bool lost = doubt || dynamic_cast<const pqxx::broken_connection*>(&e) ||
                state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" ||
                state == "57P03" || !m_conn || !m_conn->is_open();
    if (lost) {
        // No reconnecting: the rest of this pass fails fast and stops; what it
        // had claimed comes back after the lease, and the next pass (a new
        // process) connects afresh. A write whose outcome is unknown is never
        // repeated blindly.
        m_conn.reset();
        if (why.find("client encoding") != std::string::npos || why == "unknown error")
            why = "the server closed the connection";
        m_lost = "lost the connection to the PostgreSQL store at " + m_info.where +
                 (doubt ? " (the outcome of the last change is unknown)" : "") + ": " + why;
        throw Error(Exit::unavailable, m_lost);
    }
    if (state == "55P03" || dynamic_cast<const pqxx::transaction_rollback*>(&e))
        throw Error(Exit::temp_fail,
                    "store \"" + m_info.display + "\" is locked by another writer; try again");
    if (state == "42501")
        throw Error(Exit::no_perm, "store \"" + m_info.display + "\": " + why);
    if (state.rfind("53", 0) == 0)
        throw Error(Exit::unavailable, "PostgreSQL store at " + m_info.where + ": " + why);
    throw Error(Exit::software, "store \"" + m_info.display + "\": " + why);
}

std::unique_ptr<Store> open_postgres_store(const std::string& url, Millis busy_timeout) {
    return std::make_unique<PostgresStore>(url, busy_timeout);
}

}  // namespace postsched::store
