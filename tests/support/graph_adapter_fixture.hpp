#pragma once
// What the Facebook, Instagram and Threads adapter tests share: a fixed
// clock, the fake Graph, a fake file server holding /a.jpg, /b.jpg and
// /c.jpg, an HTTP client, one account, and the states the adapter saved.
// Each test's fixture adds its platform's account to the fake and makes the
// adapter.
#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "fakes/fake_files.hpp"
#include "fakes/fake_graph.hpp"
#include "net/http_client.hpp"

namespace postsched::testing {

struct GraphAdapterFixture {
    // `platform` names the adapter's config and the account's platform;
    // `user_id` is the account's platform id (Page, IG user or Threads user).
    GraphAdapterFixture(Instant start, const std::string& platform, const std::string& name,
                        const std::string& user_id);

    // A media URL as the pass hands it to Instagram and Threads: the type its
    // extension names, no bytes.
    adapters::FetchedMedia url(const std::string& path) const;
    adapters::Outcome publish(const adapters::PublishRequest& r) {
        return adapter->publish(r, save);
    }
    std::string last() const { return saved.empty() ? "{}" : saved.back(); }

    // Before the fake: its server threads read the clock until it stops.
    FixedClock clock;
    fakes::FakeGraph fake;
    fakes::FakeFiles files;
    config::PlatformConfig platform;
    std::unique_ptr<net::HttpClient> http;
    adapters::AdapterContext context;
    std::unique_ptr<adapters::Adapter> adapter;
    Account account;
    std::vector<std::string> saved;
    adapters::SaveState save = [this](const std::string& s) { saved.push_back(s); };
};

}  // namespace postsched::testing
