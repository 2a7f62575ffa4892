// Throughput of one `postsched run` pass against a slow platform: a backlog
// of due targets over many Mastodon accounts on the fake Mastodon, which
// takes `latency` to answer each publish on a thread pool larger than the
// client's concurrency. Measures the pass at `concurrency` and a sequential
// pass (concurrency 1) over a subset, in the same run.
//   pass_bench [--targets N] [--accounts N] [--latency-ms N] [--concurrency N]
//              [--sequential-targets N]
// Driven by bench/pass_bench.sh (which builds a Release tree).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "fakes/fake_mastodon.hpp"
#include "support/runner_farm.hpp"

using namespace postsched;
using testing::RunnerFarm;

namespace {

struct Options {
    int targets = 2000;
    int accounts = 100;
    int latency_ms = 100;
    int concurrency = 8;
    int sequential_targets = 200;
};

struct Measured {
    double seconds = 0;
    int posted = 0;
    bool exact = false;  // every target posted, each status created once
};

Measured measure(const Options& o, int targets, int concurrency) {
    fakes::FakeMastodon fake(2 * concurrency + 8);
    RunnerFarm farm("", {}, fake, o.accounts);
    farm.seed(targets);
    fake.delay_statuses(Millis(o.latency_ms), targets);
    const std::map<std::string, std::string> env{
        {"POSTSCHED_CONCURRENCY", std::to_string(concurrency)},
        {"POSTSCHED_TIME_BUDGET", "3600s"},
        {"POSTSCHED_LEASE", "3600s"}};
    const auto start = std::chrono::steady_clock::now();
    const auto pass = farm.pass("bench", {"--limit", std::to_string(targets)}, env);
    Measured m;
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (pass.code != 0)
        std::fprintf(stderr, "pass failed (%d): %s\n", pass.code, pass.err.c_str());
    m.posted = pass.posted;
    std::map<std::string, int> keys;
    for (const auto& s : fake.statuses())
        ++keys[s.idempotency_key];
    m.exact = pass.posted == targets && keys.size() == static_cast<std::size_t>(targets) &&
              fake.statuses().size() == static_cast<std::size_t>(targets);
    return m;
}

bool parse(int argc, char** argv, Options& o) {
    const std::map<std::string, int*> flags{{"--targets", &o.targets},
                                            {"--accounts", &o.accounts},
                                            {"--latency-ms", &o.latency_ms},
                                            {"--concurrency", &o.concurrency},
                                            {"--sequential-targets", &o.sequential_targets}};
    for (int i = 1; i < argc; i += 2) {
        const auto it = flags.find(argv[i]);
        if (it == flags.end() || i + 1 >= argc) {
            std::fprintf(stderr, "pass_bench: unknown option %s\n", argv[i]);
            return false;
        }
        *it->second = std::atoi(argv[i + 1]);
    }
    return o.targets > 0 && o.accounts > 0 && o.concurrency > 0 && o.sequential_targets > 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o))
        return 64;
    const double latency = o.latency_ms / 1000.0;
    std::printf("backlog: %d due targets over %d accounts, %d ms per publish\n", o.targets,
                o.accounts, o.latency_ms);
    const Measured pool = measure(o, o.targets, o.concurrency);
    const double ideal = o.targets * latency / o.concurrency;
    std::printf("concurrency %d: %d posted in %.2f s; ideal %.2f s; efficiency %.2f of ideal%s\n",
                o.concurrency, pool.posted, pool.seconds, ideal, ideal / pool.seconds,
                pool.exact ? "" : " (NOT exactly once!)");
    const Measured seq = measure(o, o.sequential_targets, 1);
    const double scale = static_cast<double>(o.targets) / o.sequential_targets;
    std::printf(
        "concurrency 1: %d posted in %.2f s (ideal %.2f s); scaled to %d targets: %.1f s "
        "(measured on %d, x%.1f)%s\n",
        seq.posted, seq.seconds, o.sequential_targets * latency, o.targets, seq.seconds * scale,
        o.sequential_targets, scale, seq.exact ? "" : " (NOT exactly once!)");
    std::printf("speed-up over sequential: %.2fx\n", seq.seconds * scale / pool.seconds);
    return pool.exact && seq.exact ? 0 : 1;
}
