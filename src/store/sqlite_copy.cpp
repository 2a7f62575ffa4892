// `db copy` rows in and out of a SQLite store.
#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "core/time_format.hpp"
#include "store/copy_tables.hpp"
#include "store/sqlite_tx.hpp"

namespace postsched::store::copy {
namespace {

std::string column_list(const Table& t) {
    std::string out;
    for (const auto& c : t.columns)
        out += (out.empty() ? "" : ", ") + std::string(c.name);
    return out;
}

// The canonical form of one stored value (see copy_tables.hpp).
std::optional<std::string> canonical(const SQLite::Column& c, Kind kind) {
    if (c.isNull())
        return std::nullopt;
    std::string v = c.getString();
    switch (kind) {
        case Kind::boolean:
            return c.getInt64() != 0 ? "1" : "0";
        case Kind::instant:
            if (auto t = parse_utc_instant(v))
                return format_instant(*t);
            return v;
        case Kind::json: {
            auto parsed = nlohmann::json::parse(v, nullptr, false);
            return parsed.is_discarded() ? v : parsed.dump();
        }
        case Kind::text:
        case Kind::integer:
            return v;
    }
    return v;
}

class SqliteTables final : public TableAccess {
  public:
    SqliteTables(const std::string& path, Millis busy_timeout)
        : m_path(path), m_db(path, SQLite::OPEN_READWRITE) {
        m_db.setBusyTimeout(static_cast<int>(busy_timeout.count()));
        m_db.exec("PRAGMA foreign_keys=ON");
    }
    ~SqliteTables() override {
        if (m_reading)
            try {
                m_db.exec("ROLLBACK");
            } catch (...) {
            }
    }

    void begin_read() override {
        guarded(m_path, [&] {
            // A deferred transaction reads one snapshot (WAL mode).
            m_db.exec("BEGIN");
            m_db.exec("SELECT 1 FROM sqlite_master LIMIT 1");
            m_reading = true;
        });
    }

    void read(const Table& t, const std::function<void(const Row&)>& visit) override {
        guarded(m_path, [&] {
            SQLite::Statement q(
                m_db, "SELECT " + column_list(t) + " FROM " + t.name + " ORDER BY " + t.key);
            Row row(t.columns.size());
            while (q.executeStep()) {
                for (std::size_t i = 0; i < t.columns.size(); ++i)
                    row[i] = canonical(q.getColumn(static_cast<int>(i)), t.columns[i].kind);
                visit(row);
            }
        });
    }

    void begin_write() override {
        guarded(m_path, [&] { m_tx = std::make_unique<SqliteTx>(m_db); });
    }

    long long count(const Table& t) override {
        return guarded(m_path, [&] {
            return m_db.execAndGet(std::string("SELECT COUNT(*) FROM ") + t.name).getInt64();
        });
    }

    void clear(const Table& t) override {
        guarded(m_path, [&] { m_db.exec(std::string("DELETE FROM ") + t.name); });
    }

    void insert(const Table& t, const Row& row) override {
        guarded(m_path, [&] {
            if (m_insert_table != t.name) {
                std::string marks;
                for (std::size_t i = 0; i < t.columns.size(); ++i)
                    marks += i ? ",?" : "?";
                m_insert = std::make_unique<SQLite::Statement>(
                    m_db, std::string("INSERT INTO ") + t.name + " (" + column_list(t) +
                              ") VALUES (" + marks + ")");
                m_insert_table = t.name;
            }
            m_insert->reset();
            for (std::size_t i = 0; i < row.size(); ++i) {
                int index = static_cast<int>(i + 1);
                Kind kind = t.columns[i].kind;
                if (!row[i])
                    m_insert->bind(index);
                else if (kind == Kind::integer || kind == Kind::boolean)
                    m_insert->bind(index, static_cast<int64_t>(std::stoll(*row[i])));
                else
                    m_insert->bind(index, *row[i]);
            }
            m_insert->exec();
        });
    }

    void commit() override {
        guarded(m_path, [&] {
            m_insert.reset();
            m_tx->commit();
        });
    }

  private:
    std::string m_path;
    SQLite::Database m_db;
    bool m_reading = false;
    std::unique_ptr<SqliteTx> m_tx;
    std::unique_ptr<SQLite::Statement> m_insert;
    std::string m_insert_table;
};

}  // namespace

std::unique_ptr<TableAccess> sqlite_tables(const std::string& path, Millis busy_timeout) {
    return std::make_unique<SqliteTables>(path, busy_timeout);
}

}  // namespace postsched::store::copy
