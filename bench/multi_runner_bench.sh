#!/usr/bin/env bash
# 4 `postsched run` hosts vs 1 on one PostgreSQL store: a 2,000-target
# backlog, 100 ms of platform latency per publish (the fake Mastodon), the
# throughput ratio measured in one run. Builds an optimised binary (as tools/setup.sh does) in
# build-runner-bench, starts a throwaway PostgreSQL server, removes it afterwards.
#   bench/multi_runner_bench.sh [--targets N] [--latency-ms N] [--runners N] ...
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${BUILD_DIR:-build-runner-bench}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPOSTSCHED_TESTS=ON >/dev/null
ninja -C "$build" -j "${JOBS:-2}" postsched multi_runner_bench >/dev/null

pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/postsched-pg.XXXXXX")
trap 'bash "$root/tests/support/pg_server.sh" stop "$pg_dir"' EXIT
trap 'exit 130' INT TERM
pg_env=$(bash tests/support/pg_server.sh start "$pg_dir")
eval "$pg_env"

echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
"$build/bench/multi_runner_bench" "$@"
