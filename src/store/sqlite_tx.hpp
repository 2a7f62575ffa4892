#pragma once
// BEGIN IMMEDIATE transactions (rolled back unless committed) and the
// translation of SQLite failures into postsched errors.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <string>

#include "core/errors.hpp"

namespace postsched::store {

class SqliteTx {
  public:
    // Pass "BEGIN" for a read transaction (rolled back at the end: nothing to keep).
    explicit SqliteTx(SQLite::Database& db, const char* begin = "BEGIN IMMEDIATE") : m_db(db) {
        m_db.exec(begin);
    }
    ~SqliteTx() {
        if (!m_done) {
            try {
                m_db.exec("ROLLBACK");
            } catch (...) {
            }
        }
    }
    SqliteTx(const SqliteTx&) = delete;
    SqliteTx& operator=(const SqliteTx&) = delete;
    void commit() {
        m_db.exec("COMMIT");
        m_done = true;
    }

  private:
    SQLite::Database& m_db;
    bool m_done = false;
};

// Runs `body`, turning SQLite exceptions into Errors that name the store.
template <typename F>
auto guarded(const std::string& path, F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const SQLite::Exception& e) {
        int code = e.getErrorCode() & 0xff;
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            throw Error(Exit::temp_fail,
                        "store \"" + path + "\" is locked by another writer; try again");
        if (code == SQLITE_READONLY || code == SQLITE_PERM || code == SQLITE_CANTOPEN)
            throw Error(Exit::no_perm, "store \"" + path + "\": " + std::string(e.what()));
        throw Error(Exit::software, "store \"" + path + "\": " + std::string(e.what()));
    }
}

}  // namespace postsched::store
