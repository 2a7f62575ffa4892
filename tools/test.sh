#!/usr/bin/env bash
# The whole test suite: install what is missing, build once with
# AddressSanitizer + UndefinedBehaviorSanitizer, run every test under it.
# The PostgreSQL tests run against a throwaway server started here (as an
# unprivileged user, 127.0.0.1 on a free port) and removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bash tools/setup.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DPOSTSCHED_SANITIZE=ON

pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/postsched-pg.XXXXXX")
trap 'bash "$root/tests/support/pg_server.sh" stop "$pg_dir"' EXIT
trap 'exit 130' INT TERM
pg_env=$(bash tests/support/pg_server.sh start "$pg_dir")
eval "$pg_env"  # exports POSTSCHED_TEST_PG_URL and PGPASSWORD

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$root/tools/lsan.supp:print_suppressions=0
cd build-asan
ctest --output-on-failure -j "$(nproc)" --timeout 900
