#!/usr/bin/env bash
# CSV import benchmark (on demand; not part of the test suite).
#
#   bench/import_bench.sh [BUILD_DIR]        (default build-bench, a Release build)
#
# 1. Generates ROWS (200,000) valid native rows: idempotency key, Europe/Berlin
#    local time, one exec account.
# 2. Times `postsched import` of that file into a fresh SQLite store, and
#    `sqlite3 STORE2 ".import --csv FILE t"` of the same file into a plain
#    table, in the same run; prints both and the ratio (target <= 4x).
# 3. Peak RSS (/usr/bin/time -v) of `postsched import` for ROWS and for
#    BIG_ROWS (2,000,000) rows; prints the ratio (target <= 1.5x).
#    BIG_ROWS=0 skips this step.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${ROWS:-200000}
big_rows=${BIG_ROWS:-2000000}
build=${1:-build-bench}

if [[ ! -x $build/postsched ]]; then
  echo "bench: building $build (Release)" >&2
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPOSTSCHED_TESTS=OFF >/dev/null
  cmake --build "$build" --target postsched >/dev/null
fi
for tool in sqlite3 python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install sqlite3 python3 time)" >&2; exit 69; }
done
postsched=$(realpath "$build/postsched")

work=$(mktemp -d "${TMPDIR:-/tmp}/postsched-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT

# generate N FILE: N rows from 2030-01-01, a post a minute from 06:00 to
# 21:59 Berlin time (never in a daylight-saving gap, which import refuses).
generate() {
  python3 - "$1" "$2" <<'PY'
import sys, datetime
n, path = int(sys.argv[1]), sys.argv[2]
start = datetime.datetime(2030, 1, 1, 6, 0)
with open(path, "w", newline="") as f:
    f.write("scheduled_at,timezone,accounts,content,idempotency_key,status\r\n")
    for i in range(n):
        day, minute = divmod(i, 16 * 60)
        t = (start + datetime.timedelta(days=day, minutes=minute)).strftime("%Y-%m-%dT%H:%M")
        f.write(f'{t},Europe/Berlin,feed,"Post {i}: a scheduled update, with a comma and ""quotes""",bench-{i},pending\r\n')
PY
}

# fresh_store NAME: a new postsched home under $work with one exec account,
# used by every later command (not in a subshell: it exports); sets STORE.
fresh_store() {
  local home=$work/$1
  mkdir -p "$home"
  export HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data
  "$postsched" init >/dev/null
  "$postsched" account add exec --name feed --command 'cat > /dev/null' >/dev/null
  STORE=$home/data/postsched/postsched.db
}

# measure NAME CMD...: runs CMD under /usr/bin/time; sets SECONDS_TAKEN, PEAK_KB.
measure() {
  local out=$work/$1.time err=$work/$1.err
  shift
  if ! /usr/bin/time -v -o "$out" "$@" >/dev/null 2>"$err"; then
    echo "bench: $* failed:" >&2
    tail -n 5 "$err" >&2
    exit 70
  fi
  SECONDS_TAKEN=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$out")
  PEAK_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out")
}

export SECRET_KEY=bench-secret POSTSCHED_NOW=2026-01-01T00:00:00Z TZ=UTC
echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo)"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ)"

file=$work/rows.csv
generate "$rows" "$file"
echo "rows:    $rows ($(du -h "$file" | cut -f1))"

fresh_store small
store=$STORE
measure import "$postsched" import "$file"
import_s=$SECONDS_TAKEN
import_kb=$PEAK_KB
stored=$(sqlite3 "$store" "SELECT count(*) FROM scheduled_posts")
[[ $stored == "$rows" ]] || { echo "bench: stored $stored posts, expected $rows" >&2; exit 70; }

plain=$work/plain.db
measure plain sqlite3 "$plain" ".import --csv $file t"
plain_s=$SECONDS_TAKEN

# The storage floor: the same rows written as posts and targets by SQLite
# alone (INSERT ... SELECT from the plain table, no parsing, no checks, ids in
# order), into a fresh store with the schema and pragmas postsched's bulk
# write uses.
fresh_store floor
cat > "$work/floor.sql" <<SQL
PRAGMA foreign_keys=ON;
PRAGMA synchronous=NORMAL;
PRAGMA ignore_check_constraints=ON;
ATTACH '$plain' AS plain;
BEGIN IMMEDIATE;
INSERT INTO scheduled_posts (id, content, scheduled_at, timezone, status, idempotency_key,
    created_at, updated_at, approved_at)
  SELECT printf('01900000-0000-7000-8000-%012d', rowid), content, scheduled_at || ':00.000Z',
         timezone, status, idempotency_key, '2026-01-01T00:00:00.000Z',
         '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM plain.t;
INSERT INTO post_targets (id, post_id, account_id, status, next_attempt_at, created_at, updated_at)
  SELECT printf('01900000-0000-7000-9000-%012d', rowid), printf('01900000-0000-7000-8000-%012d', rowid),
         (SELECT id FROM social_accounts WHERE name = 'feed'), 'pending', scheduled_at || ':00.000Z',
         '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM plain.t;
COMMIT;
SQL
measure floor sqlite3 "$STORE" ".read $work/floor.sql"
floor_s=$SECONDS_TAKEN

printf 'postsched import:  %6.2f s   (posts and targets with their indexes; peak RSS %d KiB)\n' "$import_s" "$import_kb"
printf 'sqlite3 .import:   %6.2f s   (one plain table)\n' "$plain_s"
printf 'storage floor:     %6.2f s   (the same posts and targets by INSERT ... SELECT, no checks)\n' "$floor_s"
awk -v a="$import_s" -v b="$plain_s" -v f="$floor_s" 'BEGIN {
  printf "time ratio:        %6.2fx  (target <= 4x; the storage floor alone is %.2fx)\n", a / b, f / b }'

if ((big_rows > 0)); then
  big=$work/big.csv
  generate "$big_rows" "$big"
  rm -f "$file"
  fresh_store big
  measure big "$postsched" import "$big"
  printf 'peak RSS %d rows: %d KiB (%.1f s)\n' "$big_rows" "$PEAK_KB" "$SECONDS_TAKEN"
  awk -v a="$PEAK_KB" -v b="$import_kb" -v n="$big_rows" -v m="$rows" \
    'BEGIN {printf "RSS ratio %d/%d:  %6.2fx  (target <= 1.5x)\n", n, m, a / b}'
fi
