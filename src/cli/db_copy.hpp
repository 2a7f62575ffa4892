#pragma once
// postsched db copy --from URL --to URL [--force]
namespace CLI {
class App;
}

namespace postsched::cli {
class Context;

// Adds `copy` under the `db` command.
void register_db_copy(CLI::App& db, Context& ctx);

}  // namespace postsched::cli
