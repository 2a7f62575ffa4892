#include "support/mastodon_world.hpp"

namespace postsched::testing {

MastodonWorld::MastodonWorld(const std::map<std::string, std::string>& store_env) {
    mastodon.add_account(k_mastodon_token, "1", "alice");
    for (const auto& [k, v] : store_env)
        box.env[k] = v;
    box.env["SECRET_KEY"] = "correct horse battery staple";
    box.env["POSTSCHED_NOW"] = "2026-11-28T12:00:00Z";
    box.env["MTOKEN"] = k_mastodon_token;
    box.ok({"init"});
    box.ok({"account", "add", "mastodon", "--name", "m", "--instance", mastodon.base_url(),
            "--token-env", "MTOKEN"});
    box.ok({"account", "add", "exec", "--name", "feed", "--command",
            "cat >> '" + box.dir() + "/feed.txt'; echo; echo ok"});
}

std::string MastodonWorld::add(const std::vector<std::string>& args) {
    std::vector<std::string> a{"post", "add"};
    a.insert(a.end(), args.begin(), args.end());
    std::string id = box.ok(a);
    return id.substr(0, id.find('\n'));
}

nlohmann::json MastodonWorld::show(const std::string& id) {
    return nlohmann::json::parse(box.ok({"post", "show", id, "--json"}));
}

}  // namespace postsched::testing
