#include "core/errors.hpp"
#include "store/postgres_store.hpp"
#include "store/sqlite_store.hpp"
#include "store/store.hpp"
#include "store/store_url.hpp"

namespace postsched::store {

std::unique_ptr<Store> open_store(const std::string& url, Millis busy_timeout) {
    static constexpr std::string_view k_sqlite = "sqlite://";
    if (url.rfind(k_sqlite, 0) == 0) {
        std::string path = url.substr(k_sqlite.size());
        if (path.empty() || path[0] != '/')
            throw Error(Exit::config, "store url \"" + url +
                                          "\": use sqlite:///absolute/path.db (three slashes)");
        return std::make_unique<SqliteStore>(path, busy_timeout);
    }
    if (is_postgres_url(url))
        return open_postgres_store(url, busy_timeout);
    throw Error(Exit::config, "store url \"" + redact_url(url) +
                                  "\": unknown scheme (use sqlite:///path or postgresql://…)");
}

}  // namespace postsched::store
