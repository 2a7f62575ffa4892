// Throughput of several `postsched run` hosts on one PostgreSQL store against
// one: the same backlog, the same platform latency, measured in one run.
//   multi_runner_bench [--targets N] [--accounts N] [--latency-ms N]
//                      [--runners N] [--limit N]
// Needs POSTSCHED_TEST_PG_URL (and PGPASSWORD): bench/multi_runner_bench.sh
// starts a throwaway server and sets them.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fake_mastodon.hpp"
#include "support/postgres_db.hpp"
#include "support/runner_farm.hpp"

using namespace postsched;
using testing::RunnerFarm;
using testing::RunnerTotals;
using testing::TestDatabase;

namespace {

struct Options {
    int targets = 2000;
    int accounts = 40;
    int latency_ms = 100;
    int runners = 4;
    int limit = 100;
};

struct Phase {
    int runners = 0;
    double seconds = 0;
    int published = 0;
    bool exact = false;  // every target published exactly once
};

Phase measure(const Options& o, int runners) {
    TestDatabase db;
    fakes::FakeMastodon fake;
    RunnerFarm farm(db.url(), db.env(), fake, o.accounts);
    farm.seed(o.targets);
    fake.delay_statuses(Millis(o.latency_ms), o.targets);
    const std::vector<std::string> args{"--limit", std::to_string(o.limit)};
    std::vector<RunnerTotals> totals(static_cast<std::size_t>(runners));
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> hosts;
    for (int i = 0; i < runners; ++i)
        hosts.emplace_back([&, i] {
            totals[static_cast<std::size_t>(i)] = farm.drain("host" + std::to_string(i), args);
        });
    for (auto& h : hosts)
        h.join();
    Phase p;
    p.runners = runners;
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (const auto& t : totals) {
        p.published += t.posted;
        for (const auto& e : t.errors)
            std::fprintf(stderr, "runner error: %s\n", e.c_str());
    }
    auto statuses = fake.statuses();
    std::set<std::string> texts;
    for (const auto& s : statuses)
        texts.insert(s.text);
    p.exact = statuses.size() == static_cast<std::size_t>(o.targets) &&
              texts.size() == statuses.size() && p.published == o.targets;
    return p;
}

void print(const Phase& p) {
    std::printf("%d runner(s): %d targets in %.1f s = %.1f targets/s%s\n", p.runners, p.published,
                p.seconds, p.published / p.seconds, p.exact ? "" : " (NOT exactly once!)");
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        int v = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--targets"))
            o.targets = v;
        else if (!std::strcmp(argv[i], "--accounts"))
            o.accounts = v;
        else if (!std::strcmp(argv[i], "--latency-ms"))
            o.latency_ms = v;
        else if (!std::strcmp(argv[i], "--runners"))
            o.runners = v;
        else if (!std::strcmp(argv[i], "--limit"))
            o.limit = v;
        else {
            std::fprintf(stderr, "unknown option %s\n", argv[i]);
            return 64;
        }
    }
    if (testing::postgres_base_url().empty()) {
        std::fprintf(stderr, "POSTSCHED_TEST_PG_URL is not set: use bench/multi_runner_bench.sh\n");
        return 69;
    }
    std::printf(
        "backlog: %d due targets over %d accounts, %d ms per publish, --limit %d, "
        "scheduler.concurrency 4\n",
        o.targets, o.accounts, o.latency_ms, o.limit);
    Phase many = measure(o, o.runners);
    print(many);
    Phase one = measure(o, 1);
    print(one);
    double ratio = (many.published / many.seconds) / (one.published / one.seconds);
    std::printf("throughput ratio %d:1 = %.2fx (target >= 3.2x)\n", o.runners, ratio);
    return many.exact && one.exact ? 0 : 1;
}
