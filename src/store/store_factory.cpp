#include "core/errors.hpp"
#include "store/sqlite_store.hpp"
#include "store/store.hpp"

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
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0)
        throw Error(Exit::config,
                    "store url \"postgresql://…\": the PostgreSQL store is not in this build yet");
    throw Error(Exit::config, "store url \"" + url + "\": unknown scheme (use sqlite:///path)");
}

}  // namespace postsched::store
