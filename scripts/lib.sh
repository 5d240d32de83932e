# Shell helpers for the native topology tests (scripts/topology.sh,
# scripts/replicas.sh) and the benchmarks (bench/); sourced, not run.

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# `check DESCRIPTION COMMAND...`: counts a passing check in $checks, or
# calls the script's own `fail` with the description.
checks=0
check() {
  local what="$1"; shift
  if "$@"; then checks=$((checks + 1)); else fail "$what"; fi
}

# `pg_create DB` / `pg_drop DB`: a database on the Postgres at 127.0.0.1:5432.
pg_create() { psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $1" >/dev/null; }
pg_drop() { psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1 || true; }

# `header FILE NAME`: the value of header NAME in a `curl -D` dump.
header() {
  awk -v h="$(tr 'A-Z' 'a-z' <<<"$2")" 'tolower($0) ~ "^"h":" {sub(/^[^:]*: */, ""); sub(/\r$/, ""); print; exit}' "$1"
}

# `pkg_file EXT < PAGE`: the first /pkg/ file of the app's bundle with
# extension EXT (js, wasm) that the HTML page on stdin names; empty if none.
pkg_file() { grep -o "/pkg/cloudtalents\.[A-Za-z0-9_-]*\.$1" | head -n1 || true; }

# `gradient_png FILE WIDTH HEIGHT`: a small RGB gradient PNG, made without
# any image library.
gradient_png() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys, zlib, struct
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = b''.join(b'\x00' + bytes(v for x in range(w) for v in ((x*255)//w, (y*255)//h, 90)) for y in range(h))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
PY
}

# ---- the benchmarks' server and data (bench/run.sh, bench/s3.sh,
# bench/profile.sh) -----------------------------------------------------

# `bench_workspace NAME`: a run's $work folder, $db name (made with
# pg_create), $base address on a free port and $server_pid (empty), and an
# EXIT trap that calls `bench_cleanup_more` if the script defines one, then
# stops the server, drops $db and removes $work.
bench_workspace() {
  work="$(mktemp -d)"
  db="cloudtalents_${1}_$$"
  base="http://127.0.0.1:$(free_port)"
  server_pid=""
  trap bench_cleanup EXIT
}
bench_cleanup() {
  if declare -F bench_cleanup_more >/dev/null; then bench_cleanup_more || true; fi
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  pg_drop "$db"
  rm -rf "$work"
}

# `bench_serve BIN LOG BASE [NAME=value...] [-- WRAPPER...]`: the release
# server on BASE's address (production settings, open sign-up), with the
# given variables and under WRAPPER (valgrind, say), in the background as
# $server_pid; returns once /healthz answers, or fails with its log.
bench_serve() {
  local bin="$1" log="$2" base="$3"; shift 3
  local vars=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  env LEPTOS_SITE_ADDR="${base#http://}" LEPTOS_ENV=PROD RUST_LOG=warn SIGNUP=open SIGNUP_LIMIT=unlimited \
    "${vars[@]}" "$@" "$bin" >>"$log" 2>&1 &
  server_pid=$!
  local _
  for _ in $(seq 1 600); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "the server at $base did not start:" >&2
  tail -n 30 "$log" >&2
  return 1
}

# `bench_register BASE JAR USERNAME`: signs USERNAME up, its session in JAR.
bench_register() {
  curl -fsS -o /dev/null -c "$2" -H "Origin: $1" \
    --data-urlencode "username=$3" --data-urlencode password=violet-otter-tangent-42 \
    --data-urlencode password_confirm=violet-otter-tangent-42 "$1/register/"
}

# `bench_upload BASE JAR FILE COUNT DESCRIPTION [CARD]`: uploads FILE (a
# PNG) COUNT times, one after another, as "Image N" described
# "DESCRIPTION N"; the last answer's JSON card goes to CARD if given.
bench_upload() {
  local i
  for i in $(seq 1 "$4"); do
    curl -fsS -o "${6:-/dev/null}" -b "$2" -H "Origin: $1" -H "Accept: application/json" \
      -F "name=Image $i" -F "description=$5 $i" -F "image=@$3;type=image/png" "$1/upload/"
  done
}

# `session_cookie JAR`: the session cookie in JAR as a Cookie header's value.
session_cookie() { awk '$6 == "cloudtalents_session" {print $6"="$7}' "$1"; }
