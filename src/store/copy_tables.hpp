#pragma once
// Row-level access for `db copy` (store_copy.cpp): the tables as both schemas
// define them, and one reader/writer per store kind. Values travel in a
// canonical text form: instants as format_instant() UTC text, JSON compact
// with sorted keys, booleans "0"/"1", integers in decimal; NULL as nullopt.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace postsched::store::copy {

enum class Kind { text, integer, boolean, instant, json };

struct Column {
    const char* name;
    Kind kind;
};

struct Table {
    const char* name;
    const char* key;  // ORDER BY for reading
    std::vector<Column> columns;
};

using Row = std::vector<std::optional<std::string>>;

// Every table a store holds but schema_migrations, parents before children.
const std::vector<Table>& tables();

class TableAccess {
  public:
    virtual ~TableAccess() = default;
    // Reads happen in one snapshot, started by begin_read.
    virtual void begin_read() = 0;
    virtual void read(const Table& table, const std::function<void(const Row&)>& visit) = 0;
    // Writes happen in one transaction: begin_write … commit.
    virtual void begin_write() = 0;
    virtual long long count(const Table& table) = 0;
    virtual void clear(const Table& table) = 0;
    virtual void insert(const Table& table, const Row& row) = 0;
    virtual void commit() = 0;
};

std::unique_ptr<TableAccess> sqlite_tables(const std::string& path, Millis busy_timeout);
std::unique_ptr<TableAccess> postgres_tables(const std::string& url, Millis busy_timeout);

}  // namespace postsched::store::copy
