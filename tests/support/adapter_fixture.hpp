#pragma once
// What every adapter test's fixture holds besides its platform's fake: a
// fixed clock, the platform's config, an HTTP client, one account, the
// adapter, and the states it saved. A test's fixture derives from it, adds
// its fake as a member, fills the fake and the account and makes the
// adapter. Base members are built first and destroyed last, so the clock
// outlives the fake's server threads that read it. The HTTP client must go
// before the fake, though: a connection it keeps alive holds one of the
// fake's workers for cpp-httplib's 5-second keep-alive wait, so stopping the
// fake would take 5 s. Each fixture's destructor calls disconnect().
#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "net/http_client.hpp"

namespace postsched::testing {

struct AdapterFixture {
    // `platform_name` names the adapter's config and the account's platform.
    AdapterFixture(Instant start, const std::string& platform_name, Millis timeout);

    // A request from `account` for post `post_id`, target "target-1".
    adapters::PublishRequest request_with(std::string token, std::vector<std::string> parts,
                                          std::vector<adapters::FetchedMedia> media,
                                          std::string options, std::string state,
                                          bool resuming = false) const;
    adapters::Outcome publish(const adapters::PublishRequest& r) {
        return adapter->publish(r, save);
    }
    // Drops the adapter and the client (closing kept-alive connections).
    void disconnect() {
        adapter.reset();
        http.reset();
    }

    FixedClock clock;
    config::PlatformConfig platform;
    std::unique_ptr<net::HttpClient> http;
    adapters::AdapterContext context;
    std::unique_ptr<adapters::Adapter> adapter;
    Account account;
    std::string post_id = "post-1";
    std::vector<std::string> saved;
    adapters::SaveState save = [this](const std::string& state) { saved.push_back(state); };
};

}  // namespace postsched::testing
