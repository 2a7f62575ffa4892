#pragma once
// `postsched db copy`: a whole store — every table, every id — from one store
// URL to another, SQLite and PostgreSQL in either direction. The source is
// read in one snapshot; the destination is written in one transaction (all or
// nothing). Stop the runners first: a claim in flight would be copied as is.
#include <string>
#include <vector>

#include "core/clock.hpp"

namespace postsched::store {

struct CopyOptions {
    std::string from_url;
    std::string to_url;
    bool force = false;  // replace a destination that holds data
    Millis busy_timeout{10000};
};

struct CopiedTable {
    std::string table;
    long long rows = 0;
};

// Copies and returns the rows per table. Throws Error: Exit::usage when both
// URLs name one store, Exit::no_input for a missing SQLite source,
// Exit::config when the source is not at this binary's schema version,
// Exit::cant_create when the destination holds data and `force` is not set.
std::vector<CopiedTable> copy_store(const CopyOptions& options);

}  // namespace postsched::store
