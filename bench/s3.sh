#!/usr/bin/env bash
# Benchmarks of the media store (figures, not pass/fail), the folder and an
# S3 bucket side by side in one run: the same server on Postgres, once with
# MEDIA_STORE=file and once with MEDIA_STORE=s3 (SeaweedFS on this machine,
# from scripts/with-s3.sh; `make bench` runs it so):
# - 50 uploads of a 640 x 480 PNG, one after another: mean time each;
# - the gallery page (it reads rows only) and one thumbnail streamed by the
#   app itself (no nginx), wrk -t2 -c64 10 s each.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TEST_S3_ENDPOINT:?run this through scripts/with-s3.sh}"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

bin="${CARGO_TARGET_DIR:-target}/release/cloudtalents"
[ -x "$bin" ] || { echo "bench: build first (make build)" >&2; exit 1; }
work="$(mktemp -d)"
server_pid=""
dbs=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  for db in $dbs; do pg_drop "$db"; done
  rm -rf "$work"
}
trap cleanup EXIT
gradient_png "$work/small.png" 640 480

# Called in this shell, not a $( ) subshell, so that cleanup sees its
# database and server.
measure() { # store: prints "upload_ms gallery_rps gallery_p99 thumb_rps thumb_p99"
  local store="$1" db="cloudtalents_bench_${1}_$$"
  local port; port="$(free_port)"
  local base="http://127.0.0.1:$port" jar="$work/$store.jar"
  dbs="$dbs $db"
  pg_create "$db"
  bench_serve "$bin" "$work/$store.log" "$base" DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" \
    MEDIA_STORE="$store" MEDIA_ROOT="$work/media" S3_ENDPOINT="$TEST_S3_ENDPOINT" S3_BUCKET="$TEST_S3_BUCKET" \
    S3_PREFIX="bench-$$" S3_ACCESS_KEY_ID="$TEST_S3_ACCESS_KEY_ID" S3_SECRET_ACCESS_KEY="$TEST_S3_SECRET_ACCESS_KEY"
  bench_register "$base" "$jar" bench
  local started; started="$(date +%s%N)"
  bench_upload "$base" "$jar" "$work/small.png" 50 "Store benchmark" "$work/card.json"
  local upload_ms=$(( ($(date +%s%N) - started) / 50000000 ))
  local thumb; thumb="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["thumb_400_url"])' "$work/card.json")"
  local cookie; cookie="$(session_cookie "$jar")"
  local gallery; gallery="$(wrk -t2 -c64 -d10s --latency -H "Cookie: $cookie" "$base/images/" 2>&1)"
  local media; media="$(wrk -t2 -c64 -d10s --latency -H "Cookie: $cookie" "$base$thumb" 2>&1)"
  grep -q "Non-2xx" <<<"$media$gallery" && { echo "bench: non-2xx answers for $store" >&2; exit 1; }
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  echo "$upload_ms $(awk '/Requests\/sec/ {print $2}' <<<"$gallery") $(awk '$1 == "99%" {print $2}' <<<"$gallery") $(awk '/Requests\/sec/ {print $2}' <<<"$media") $(awk '$1 == "99%" {print $2}' <<<"$media")"
}

echo "==> media store: folder, then S3 bucket (SeaweedFS on this machine)"
measure file >"$work/file.txt"
measure s3 >"$work/s3.txt"
read -r f_up f_rps f_p99 f_mrps f_mp99 <"$work/file.txt"
read -r s_up s_rps s_p99 s_mrps s_mp99 <"$work/s3.txt"
echo
echo "| media store | folder (MEDIA_STORE=file) | S3 bucket (MEDIA_STORE=s3, SeaweedFS) |"
echo "| --- | --- | --- |"
echo "| 640 × 480 PNG upload (50 in a row), mean | $f_up ms | $s_up ms |"
echo "| gallery page, 64 connections | $f_rps req/s, p99 $f_p99 | $s_rps req/s, p99 $s_p99 |"
echo "| one thumbnail streamed by the app (no nginx), 64 connections | $f_mrps req/s, p99 $f_mp99 | $s_mrps req/s, p99 $s_mp99 |"
