#!/usr/bin/env bash
# Where a gallery request's CPU goes (`make profile`): the release server
# under valgrind's callgrind, on Postgres, a user with 100 images; 20
# logged-in requests of /images/ after 3 to warm up. Prints the
# instructions per request (two runs of one binary on an idle machine
# agreed within 1 %, where req/s vary by 20 %; a busy machine adds polls
# of waiting futures, about 10 %) and the functions with the most
# inclusive instructions. The whole profile stays in $PROFILE_OUT (default
# target/profile/) for callgrind_annotate or KCachegrind.
#
# Needs the release build (make build), valgrind and Postgres on
# 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind >/dev/null; }
bin="${CARGO_TARGET_DIR:-target}/release/cloudtalents"
[ -x "$bin" ] || { echo "profile: build first (make build)" >&2; exit 1; }
out="${PROFILE_OUT:-target/profile}"
requests=20

bench_workspace profile

# One worker thread: the profile is one request after another.
settings=(DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" MEDIA_ROOT="$work/media" TOKIO_WORKER_THREADS=1)
pg_create "$db"
bench_serve "$bin" "$work/server.log" "$base" "${settings[@]}"
echo "==> seeding a user with 100 images"
jar="$work/cookies"
bench_register "$base" "$jar" profile
gradient_png "$work/small.png" 320 240
bench_upload "$base" "$jar" "$work/small.png" 100 "Profile image number"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true

echo "==> $requests gallery requests under callgrind"
rm -rf "$out"; mkdir -p "$out"
bench_serve "$bin" "$work/server.log" "$base" "${settings[@]}" -- \
  valgrind --tool=callgrind --callgrind-out-file="$(realpath "$out")/callgrind.out"
# As `make bench` asks (no Accept-Encoding): the page's cost, not gzip's.
gallery() { curl -fsS -o /dev/null -b "$jar" "$base/images/"; }
for _ in 1 2 3; do gallery; done
# callgrind_control reaches the server through vgdb (ptrace).
callgrind_control -z "$server_pid" >/dev/null
for _ in $(seq 1 "$requests"); do gallery; done
callgrind_control -d "$server_pid" >/dev/null
dump="$(ls -t "$out"/callgrind.out.* | head -1)"
total="$(callgrind_annotate "$dump" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')"
echo "instructions per gallery request: $((total / requests))"
echo "==> most inclusive instructions (% of all $requests requests)"
callgrind_annotate --inclusive=yes "$dump" 2>/dev/null | sed 's/\[[^]]*\]//' \
  | grep -E '^ *[0-9,]+ \( *[0-9.]+%\)  [^ ]' \
  | grep -vE "'2 *$|tokio::|std::|clone\.S|pthread|FnOnce|poll_fn|hyper::|hyper_util::|axum::|tower::|tower_http::|tower_cookies::|Instrumented|future::Map" \
  | awk '{sub(/^ *[0-9,]+ /, ""); print}' | sed 's/???://' | cut -c1-150 | sed -n 1,40p || true
echo "(whole profile: $dump)"
