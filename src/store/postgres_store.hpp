#pragma once
// The PostgreSQL store: several hosts share one backlog (design.md §1, §5.3).
// The class lives in postgres_internal.hpp so libpqxx stays out of here.
#include <memory>
#include <string>

#include "store/store.hpp"

namespace postsched::store {

// Connects to `url` (postgresql:// or postgres://, libpq URI syntax; the
// password comes from PGPASSWORD, ~/.pgpass or `passfile=`, as libpq reads
// them). Throws Error(Exit::unavailable) when the server cannot be reached,
// Error(Exit::config) when the URL cannot be parsed. `busy_timeout` bounds
// every wait for another writer's row lock (then Exit::temp_fail).
std::unique_ptr<Store> open_postgres_store(const std::string& url, Millis busy_timeout);

}  // namespace postsched::store
