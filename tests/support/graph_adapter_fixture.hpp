#pragma once
// What the Facebook, Instagram and Threads adapter tests share: the fake
// Graph, a fake file server holding /a.jpg, /b.jpg and /c.jpg, and one
// account (on top of the clock, client and adapter of AdapterFixture). Each
// test's fixture adds its platform's account to the fake and makes the
// adapter.
#include <string>

#include "adapters/adapter.hpp"
#include "fakes/fake_files.hpp"
#include "fakes/fake_graph.hpp"
#include "support/adapter_fixture.hpp"

namespace postsched::testing {

struct GraphAdapterFixture : AdapterFixture {
    // `platform` names the adapter's config and the account's platform;
    // `user_id` is the account's platform id (Page, IG user or Threads user).
    GraphAdapterFixture(Instant start, const std::string& platform, const std::string& name,
                        const std::string& user_id);
    ~GraphAdapterFixture() { disconnect(); }  // before the fake stops: see AdapterFixture

    // A media URL as the pass hands it to Instagram and Threads: the type its
    // extension names, no bytes.
    adapters::FetchedMedia url(const std::string& path) const;
    std::string last() const { return saved.empty() ? "{}" : saved.back(); }

    fakes::FakeGraph fake;
    fakes::FakeFiles files;
};

}  // namespace postsched::testing
