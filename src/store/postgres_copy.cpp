// `db copy` rows in and out of a PostgreSQL store.
#include <pqxx/nontransaction>

#include "store/copy_tables.hpp"
#include "store/postgres_internal.hpp"

namespace postsched::store::copy {
namespace {

// Rows per INSERT statement (PostgreSQL allows 65535 parameters).
constexpr std::size_t k_batch = 500;
// Rows per FETCH when reading.
constexpr int k_fetch = 1000;

std::string select_expr(const Column& c) {
    std::string name = c.name;
    switch (c.kind) {
        case Kind::instant:
            return "to_char(" + name + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
        case Kind::boolean:
            return name + "::integer::text";
        case Kind::json:
        case Kind::integer:
            return name + "::text";
        case Kind::text:
            break;
    }
    return name;
}

std::string cast(Kind kind) {
    switch (kind) {
        case Kind::instant:
            return "::timestamptz";
        case Kind::boolean:
            return "::integer::boolean";
        case Kind::json:
            return "::jsonb";
        case Kind::integer:
            return "::bigint";
        case Kind::text:
            break;
    }
    return "";
}

class PostgresTables final : public TableAccess {
  public:
    PostgresTables(const std::string& url, Millis busy_timeout)
        : m_info(pg::parse_url(url, busy_timeout)) {
        try {
            m_conn = std::make_unique<pqxx::connection>(m_info.conninfo);
        } catch (const std::exception& e) {
            throw Error(Exit::unavailable, "cannot reach the PostgreSQL store at " + m_info.where +
                                               ": " + pg::clean_reason(e.what(), m_info.password));
        }
    }

    void begin_read() override {
        guard([&] {
            m_tx = std::make_unique<pqxx::nontransaction>(*m_conn);
            m_tx->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        });
    }

    void read(const Table& t, const std::function<void(const Row&)>& visit) override {
        guard([&] {
            std::string cols;
            for (const auto& c : t.columns)
                cols += (cols.empty() ? "" : ", ") + select_expr(c);
            m_tx->exec("DECLARE copy_rows NO SCROLL CURSOR FOR SELECT " + cols + " FROM " + t.name +
                       " ORDER BY " + t.key);
            Row row(t.columns.size());
            for (;;) {
                auto batch = m_tx->exec("FETCH " + std::to_string(k_fetch) + " FROM copy_rows");
                if (batch.empty())
                    break;
                for (const auto& r : batch) {
                    for (std::size_t i = 0; i < row.size(); ++i) {
                        const auto& f = r[static_cast<int>(i)];
                        row[i] = f.is_null() ? std::nullopt : std::optional(std::string(f.c_str()));
                        if (row[i] && t.columns[i].kind == Kind::json)
                            row[i] = pg::normalized_json(*row[i]);
                    }
                    visit(row);
                }
            }
            m_tx->exec("CLOSE copy_rows");
        });
    }

    void begin_write() override {
        guard([&] {
            m_tx = std::make_unique<pqxx::nontransaction>(*m_conn);
            m_tx->exec("BEGIN");
        });
    }

    long long count(const Table& t) override {
        return guard([&] {
            return m_tx->exec(std::string("SELECT COUNT(*) FROM ") + t.name)[0][0].as<long long>();
        });
    }

    void clear(const Table& t) override {
        guard([&] { m_tx->exec(std::string("DELETE FROM ") + t.name); });
    }

    void insert(const Table& t, const Row& row) override {
        if (m_pending_table && m_pending_table != &t)
            flush();
        m_pending_table = &t;
        m_pending.push_back(row);
        if (m_pending.size() >= k_batch)
            flush();
    }

    void commit() override {
        flush();
        guard([&] {
            m_tx->exec("COMMIT");
            m_tx.reset();
        });
    }

  private:
    void flush() {
        if (!m_pending_table || m_pending.empty())
            return;
        const Table& t = *m_pending_table;
        std::string sql = std::string("INSERT INTO ") + t.name + " (";
        for (std::size_t i = 0; i < t.columns.size(); ++i)
            sql += (i ? ", " : "") + std::string(t.columns[i].name);
        sql += ") VALUES ";
        pg::Params params;
        for (const auto& row : m_pending) {
            sql += params.empty() ? "(" : ", (";
            for (std::size_t i = 0; i < row.size(); ++i) {
                params.push_back(row[i]);
                sql += (i ? ", $" : "$") + std::to_string(params.size()) + cast(t.columns[i].kind);
            }
            sql += ")";
        }
        m_pending.clear();
        try {
            pg::exec(*m_tx, sql, params);
        } catch (const std::exception& e) {
            throw Error(Exit::data, "store \"" + m_info.display + "\": table " + t.name + ": " +
                                        pg::clean_reason(e.what(), m_info.password));
        }
    }

    template <typename F>
    auto guard(F&& body) -> decltype(body()) {
        try {
            return body();
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw Error(Exit::software, "store \"" + m_info.display +
                                            "\": " + pg::clean_reason(e.what(), m_info.password));
        }
    }

    pg::ConnInfo m_info;
    std::unique_ptr<pqxx::connection> m_conn;
    std::unique_ptr<pqxx::nontransaction> m_tx;
    const Table* m_pending_table = nullptr;
    std::vector<Row> m_pending;
};

}  // namespace

std::unique_ptr<TableAccess> postgres_tables(const std::string& url, Millis busy_timeout) {
    return std::make_unique<PostgresTables>(url, busy_timeout);
}

}  // namespace postsched::store::copy
