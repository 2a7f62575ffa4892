#!/usr/bin/env bash
# Scheduling pass benchmarks (on demand; not part of the test suite).
#
#   bench/pass_bench.sh [--targets N] [--concurrency N] ...   (options go to pass_bench)
#
# (a) Throughput: bench/pass_bench.cpp — 2,000 due targets over 100 Mastodon
#     accounts on the fake Mastodon, 100 ms per publish on a server pool
#     larger than the client's concurrency; one `postsched run` pass at
#     scheduler.concurrency 8 against the ideal (targets x 100 ms / 8), and a
#     sequential pass (concurrency 1) over 200 targets scaled to 2,000.
#     Target: >= 0.8 of ideal.
# (b) Idle pass: `postsched run` on a store holding 1,000,000 future posts
#     (IDLE_POSTS) against `sqlite3 STORE 'select 1'`, median of RUNS (21)
#     each. Target: <= 3x. Prints the due query's plan (it must use an index),
#     and two start-up floors: an empty main() linked with the same libraries,
#     and one without those an idle pass could load lazily (libcurl, libpq,
#     libpqxx, cpp-httplib).
#     IDLE_POSTS=0 skips (b).
# Builds a Release tree in $BUILD_DIR (build-pass-bench) with -j$JOBS (1),
# or uses the tree BUILD_DIR names as it is configured.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD_DIR:-build-pass-bench}
idle_posts=${IDLE_POSTS:-1000000}
runs=${RUNS:-21}
# An existing tree (BUILD_DIR=build) is used as configured.
[[ -f $build/build.ninja ]] || cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DPOSTSCHED_TESTS=ON >/dev/null
ninja -C "$build" -j "${JOBS:-1}" postsched pass_bench >/dev/null
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing" >&2; exit 69; }
postsched=$(realpath "$build/postsched")

echo "build:   $(awk -F= '/^CMAKE_BUILD_TYPE/ {print $2}' "$build/CMakeCache.txt")"
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== (a) throughput of one pass"
"$build/bench/pass_bench" "$@"

((idle_posts > 0)) || exit 0
echo "== (b) idle pass over $idle_posts future posts"
work=$(mktemp -d "${TMPDIR:-/tmp}/postsched-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export HOME=$work XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data TZ=UTC
export SECRET_KEY=bench-secret POSTSCHED_NOW=2026-01-01T00:00:00Z
"$postsched" init >/dev/null
"$postsched" account add exec --name feed --command 'cat > /dev/null' >/dev/null
store=$work/data/postsched/postsched.db
# Rows as `post add` writes them: one target each, due one minute apart
# from 2030 on (sorted ids, as UUIDv7 would be).
start_s=$EPOCHREALTIME
sqlite3 "$store" <<SQL
PRAGMA synchronous=OFF;
BEGIN;
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < $idle_posts)
INSERT INTO scheduled_posts (id, content, scheduled_at, timezone, status, created_at,
    updated_at, approved_at)
  SELECT printf('01900000-0000-7000-8000-%012d', n), 'future post ' || n,
         strftime('%Y-%m-%dT%H:%M:%S.000Z', '2030-01-01', '+' || n || ' minutes'), 'UTC',
         'pending', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z',
         '2026-01-01T00:00:00.000Z' FROM g;
INSERT INTO post_targets (id, post_id, account_id, status, next_attempt_at, created_at,
    updated_at)
  SELECT printf('01900000-0000-7000-9000-%012d', rowid), id,
         (SELECT id FROM social_accounts WHERE name = 'feed'), 'pending', scheduled_at,
         created_at, created_at FROM scheduled_posts;
COMMIT;
SQL
printf 'generated in %.1f s: %s posts, %s targets, %s\n' \
  "$(awk -v a="$start_s" -v b="$EPOCHREALTIME" 'BEGIN {print b - a}')" \
  "$(sqlite3 "$store" 'SELECT count(*) FROM scheduled_posts')" \
  "$(sqlite3 "$store" 'SELECT count(*) FROM post_targets')" "$(du -h "$store" | cut -f1)"

# The due query of src/store/sqlite_pass.cpp (SqliteStore::due_ids).
echo "due query plan:"
sqlite3 "$store" "EXPLAIN QUERY PLAN SELECT t.id FROM post_targets t JOIN scheduled_posts p
  ON p.id = t.post_id JOIN social_accounts a ON a.id = t.account_id WHERE t.status = 'pending'
  AND t.next_attempt_at <= '2026-01-01T00:00:00.000Z' AND p.status IN ('pending','posting')
  AND a.is_active = 1 AND a.needs_reconnect = 0 AND NOT EXISTS (SELECT 1 FROM rate_limits r
  WHERE (r.scope = a.id OR r.scope = 'app:' || a.platform) AND (r.reset_at IS NULL OR
  r.reset_at > '2026-01-01T00:00:00.000Z')) ORDER BY t.next_attempt_at, t.id LIMIT 200" |
  sed 's/^/  /'

# median_ms CMD...: median wall time of RUNS runs (after one warm-up run).
median_ms() {
  "$@" >/dev/null
  local times=() i t0
  for ((i = 0; i < runs; i++)); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null
    times+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.3f", (b - a) * 1000}')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
pass_ms=$(median_ms "$postsched" run)
sqlite_ms=$(median_ms sqlite3 "$store" 'select 1')
[[ $(sqlite3 "$store" "SELECT count(*) FROM post_targets WHERE status <> 'pending'") == 0 ]] ||
  { echo "bench: the idle pass changed targets" >&2; exit 70; }
# The start-up floor of any program linked like postsched: an empty main()
# with postsched's own NEEDED libraries (the dynamic loader's work and the
# libraries' constructors: libcurl with its TLS, Kerberos and LDAP, libpq, ICU).
needed=$(readelf -d "$postsched" | awk '/\(NEEDED\)/ {gsub(/[][]/, "", $5); print "-l:" $5}')
echo 'int main(void) { return 0; }' >"$work/empty.c"
# shellcheck disable=SC2086 # one word per library
cc -O2 "$work/empty.c" -o "$work/empty_linked" -Wl,--no-as-needed $needed
floor_ms=$(median_ms "$work/empty_linked")
# The same without the libraries an idle pass could leave unloaded (dlopen
# on first use): libcurl, libpq, libpqxx and cpp-httplib. What is left is
# what any pass needs: SQLite, OpenSSL (the vault), ICU, spdlog/fmt, date,
# toml++, libcsv and the C++ runtime.
core=$(printf '%s\n' "$needed" | grep -v -e curl -e 'l:libpq' -e httplib | tr '\n' ' ')
# shellcheck disable=SC2086 # one word per library
cc -O2 "$work/empty.c" -o "$work/empty_core" -Wl,--no-as-needed $core
core_ms=$(median_ms "$work/empty_core")
awk -v p="$pass_ms" -v s="$sqlite_ms" -v f="$floor_ms" -v c="$core_ms" -v n="$runs" 'BEGIN {
  printf "postsched run (idle):   %7.2f ms  (median of %d)\n", p, n
  printf "sqlite3 STORE select 1: %7.2f ms\n", s
  printf "ratio:                  %7.2fx (target <= 3x)\n", p / s
  printf "empty main() linked with postsched'"'"'s libraries: %.2f ms (%.2fx select 1);\n", f, f / s
  printf "  the idle pass is %.2fx that floor\n", p / f
  printf "empty main() without libcurl, libpq(xx), cpp-httplib: %.2f ms (%.2fx select 1)\n", c, c / s }'
