#!/usr/bin/env bash
# The whole test suite: install what is missing, build once with
# AddressSanitizer + UndefinedBehaviorSanitizer, run every test under it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DPOSTSCHED_SANITIZE=ON

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd build-asan
ctest --output-on-failure -j "$(nproc)" --timeout 900
