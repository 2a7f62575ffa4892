#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite and the benchmarks: no mock.
#   pg_server.sh start DIR   initdb into DIR/data, start listening on
#                            127.0.0.1:<free port> and a socket in DIR, print
#                            `export …` lines for the tests to eval
#   pg_server.sh stop DIR    stop the server and remove DIR
# As root (CI) the server runs as the unprivileged user `nobody`; otherwise as
# the calling user. The superuser `postsched` has a random password: the tests
# get it as PGPASSWORD (the variable libpq reads), never inside the URL.
set -euo pipefail

bin_dir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $d/initdb && -x $d/pg_ctl ]] && { echo "$d"; return; }
  done
  echo "pg_server: no PostgreSQL server binaries under /usr/lib/postgresql (install the" \
       "\`postgresql\` package: tools/setup.sh does)" >&2
  exit 1
}

as_owner() {
  if ((EUID == 0)); then runuser -u nobody -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local dir=$1 bin pw port try
  bin=$(bin_dir)
  mkdir -p "$dir"
  ((EUID == 0)) && chown nobody "$dir"
  chmod 700 "$dir"
  as_owner test -w "$dir" || {
    echo "pg_server: $dir is not writable by $( ((EUID == 0)) && echo nobody || id -un)" \
         "(is a parent folder private? set TMPDIR to a world-traversable place)" >&2
    exit 1
  }
  pw=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  printf '%s\n' "$pw" > "$dir/pwfile"
  ((EUID == 0)) && chown nobody "$dir/pwfile"
  as_owner "$bin/initdb" -D "$dir/data" -U postsched --pwfile="$dir/pwfile" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"
  # Throwaway data: durability off, for speed.
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
CONF
  for try in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 \
         start >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      echo "export POSTSCHED_TEST_PG_URL=postgresql://postsched@127.0.0.1:$port/postgres"
      echo "export PGPASSWORD=$pw"
      return
    fi
  done
  echo "pg_server: the server did not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  exit 1
}

stop() {
  local dir=$1 bin
  [[ -d $dir ]] || return 0
  bin=$(bin_dir)
  if [[ -f $dir/data/postmaster.pid ]]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case ${1:-} in
  start) start "${2:?usage: pg_server.sh start DIR}" ;;
  stop) stop "${2:?usage: pg_server.sh stop DIR}" ;;
  *) echo "usage: pg_server.sh start|stop DIR" >&2; exit 64 ;;
esac
