#pragma once
// Migrations compiled into the binary from schema/<store>/NNNN_name.sql.
#include <string_view>
#include <vector>

namespace postsched::store {

struct EmbeddedMigration {
    int version;
    std::string_view name;
    std::string_view sql;
};

const std::vector<EmbeddedMigration>& sqlite_migrations();
const std::vector<EmbeddedMigration>& postgres_migrations();

}  // namespace postsched::store
