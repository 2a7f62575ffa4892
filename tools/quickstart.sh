#!/usr/bin/env bash
# Quick start: install, build, and run one real pass on the embedded SQLite
# default. The demo account is an `exec` account whose command appends each
# post to a local feed file, so the pass publishes without any network.
# Everything lives under ./demo (XDG dirs), so your own setup is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh build -DPOSTSCHED_TESTS=OFF

demo=$PWD/demo
export XDG_CONFIG_HOME=$demo/config XDG_DATA_HOME=$demo/data
unset POSTSCHED_CONFIG POSTSCHED_STORE_URL SECRET_KEY POSTSCHED_SECRET_KEY
p=$PWD/build/postsched
mkdir -p "$demo"
feed=$demo/feed.txt

$p init
if ! $p account show demo >/dev/null 2>&1; then
  $p account add exec --name demo \
    --command "{ cat; echo; echo '-- posted at' \$(date -u +%FT%TZ); } >> '$feed' && echo 'file://$feed'"
fi
$p post add "Hello from postsched — scheduled $(date -u +%FT%TZ), published by a real pass." --to demo --now
$p -v run
echo
$p post list --limit 5
echo
echo "== the demo feed ($feed):"
tail -n 4 "$feed"
echo
echo "Next: \`man ./man/postsched.1\`, and examples/crontab to run it every minute."
