#include "support/mastodon_world.hpp"

#include <boost/test/unit_test.hpp>

#include <thread>

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

std::set<std::string> texts_of(const std::vector<fakes::FakeStatus>& statuses) {
    std::set<std::string> texts;
    for (const auto& s : statuses)
        texts.insert(s.text);
    return texts;
}

void publish_in_overlapping_runs(MastodonWorld& w) {
    for (int i = 0; i < 30; ++i)
        w.add({"post number " + std::to_string(i), "--to", "m", "--now"});
    w.mastodon.delay_statuses(Millis(20), 30);
    std::vector<RunResult> results(4);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&, i] {
            std::string lock = w.box.dir() + "/lock" + std::to_string(i < 2 ? 0 : i);
            results[i] = w.box.run({"run", "--limit", "10"}, "", {{"POSTSCHED_LOCK_FILE", lock}});
        });
    for (auto& t : threads)
        t.join();
    for (const auto& r : results)
        BOOST_TEST(r.code == 0, r.err);
    for (int round = 0; round < 3; ++round)
        w.box.ok({"run"});
    const auto statuses = w.mastodon.statuses();
    BOOST_TEST(statuses.size() == 30u);
    BOOST_TEST(texts_of(statuses).size() == 30u);
}

}  // namespace postsched::testing
