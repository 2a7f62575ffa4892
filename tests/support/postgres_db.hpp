#pragma once
// Tests against a real PostgreSQL server: tools/test.sh starts a throwaway one
// (tests/support/pg_server.sh) and exports its base URL as
// POSTSCHED_TEST_PG_URL and the password as PGPASSWORD. Each test makes its
// own database and drops it afterwards.
#include <boost/test/tools/assertion_result.hpp>
#include <boost/test/tree/test_unit.hpp>

#include <map>
#include <string>

namespace postsched::testing {

// POSTSCHED_TEST_PG_URL, or empty.
std::string postgres_base_url();

// A precondition for PostgreSQL suites: skip with a clear message when no
// server is configured — unless CI=true, where the suite runs and fails.
boost::test_tools::assertion_result postgres_wanted(boost::unit_test::test_unit_id);

class TestDatabase {
  public:
    // CREATE DATABASE t_<random>; throws when no server is configured.
    TestDatabase();
    ~TestDatabase();  // DROP DATABASE … WITH (FORCE)
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& url() const { return m_url; }
    const std::string& name() const { return m_name; }
    // What a child process needs to reach the server (PGPASSWORD when set).
    std::map<std::string, std::string> env() const;
    // Runs SQL in this database; the rows as the sqlite3 tool prints them
    // (columns joined by '|', NULL as empty, one line per row).
    std::string sql(const std::string& statements) const;

  private:
    std::string m_name;
    std::string m_url;
};

// `url` with its database name replaced by `database`.
std::string with_database(const std::string& url, const std::string& database);

}  // namespace postsched::testing
