#!/usr/bin/env bash
# Installs what is missing (Debian 12, as root) and builds postsched.
#   tools/setup.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build g++ pkg-config tzdata ca-certificates
  libcli11-dev libsqlitecpp-dev libsqlite3-dev sqlite3 libpqxx-dev postgresql
  libcurl4-openssl-dev libssl-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  libboost-test-dev nlohmann-json3-dev libhowardhinnant-date-dev
  libcpp-httplib-dev libicu-dev libcsv-dev python3 python3-cryptography
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build_dir=${1:-build}
shift || true
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
