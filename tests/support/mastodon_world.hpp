#pragma once
// The usual end-to-end setting: a sandbox with a key, a mastodon account "m"
// on the fake Mastodon and a feed-writing exec account "feed", at a pinned
// time (2026-11-28T12:00:00Z).
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "fakes/fake_mastodon.hpp"
#include "support/sandbox.hpp"

namespace postsched::testing {

inline constexpr const char* k_mastodon_token = "mastodon-token-SECRET-0123456789";

struct MastodonWorld {
    fakes::FakeMastodon mastodon;
    Sandbox box;
    // `store_env` is set before `init` (a PostgreSQL store URL and password).
    explicit MastodonWorld(const std::map<std::string, std::string>& store_env = {});
    // `post add ARGS` → the new post's id.
    std::string add(const std::vector<std::string>& args);
    nlohmann::json show(const std::string& id);
};

// The distinct texts of `statuses`: fewer than statuses means a duplicate.
std::set<std::string> texts_of(const std::vector<fakes::FakeStatus>& statuses);

// Adds 30 posts due now to "m" (each send slowed 20 ms), runs four runners at
// once — two share a lock file (one exits quietly), two have their own (as
// separate hosts would) and race on the store — then three passes more, and
// checks each runner exited 0 and each post was published once. The caller
// checks its store.
void publish_in_overlapping_runs(MastodonWorld& w);

}  // namespace postsched::testing
