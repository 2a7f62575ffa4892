#include "support/postgres_db.hpp"

#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/result>

#include <cstdlib>
#include <stdexcept>

#include "core/ids.hpp"

namespace postsched::testing {
namespace {

bool in_ci() {
    const char* ci = std::getenv("CI");
    return ci && std::string(ci) == "true";
}

std::string rows_text(const pqxx::result& r) {
    std::string out;
    for (const auto& row : r) {
        for (pqxx::row::size_type i = 0; i < row.size(); ++i) {
            if (i)
                out += '|';
            if (!row[i].is_null())
                out += row[i].c_str();
        }
        out += '\n';
    }
    return out;
}

// Runs outside a transaction block (CREATE/DROP DATABASE need that).
std::string run(const std::string& url, const std::string& statements) {
    pqxx::connection c(url);
    pqxx::nontransaction tx(c);
    return rows_text(tx.exec(statements));
}

}  // namespace

std::string postgres_base_url() {
    const char* url = std::getenv("POSTSCHED_TEST_PG_URL");
    return url ? url : "";
}

boost::test_tools::assertion_result postgres_wanted(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result res(!postgres_base_url().empty() || in_ci());
    if (!res)
        res.message() << "POSTSCHED_TEST_PG_URL is not set: the PostgreSQL tests need the "
                         "throwaway server that tools/test.sh starts (under CI=true they fail)";
    return res;
}

std::string with_database(const std::string& url, const std::string& database) {
    auto scheme = url.find("://");
    auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    auto query = url.find('?');
    std::string head = url.substr(0, std::min(slash, query));
    std::string tail = query == std::string::npos ? "" : url.substr(query);
    return head + "/" + database + tail;
}

TestDatabase::TestDatabase() {
    std::string base = postgres_base_url();
    if (base.empty())
        throw std::runtime_error(
            "POSTSCHED_TEST_PG_URL is not set: CI=true requires the PostgreSQL tests; run them "
            "through tools/test.sh, which starts a throwaway server");
    m_name = "t_" + random_hex(8);
    m_url = with_database(base, m_name);
    run(base, "CREATE DATABASE " + m_name);
}

TestDatabase::~TestDatabase() {
    try {
        run(postgres_base_url(), "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    } catch (...) {
    }
}

std::map<std::string, std::string> TestDatabase::env() const {
    std::map<std::string, std::string> e;
    if (const char* pw = std::getenv("PGPASSWORD"))
        e["PGPASSWORD"] = pw;
    return e;
}

std::string TestDatabase::sql(const std::string& statements) const {
    return run(m_url, statements);
}

}  // namespace postsched::testing
