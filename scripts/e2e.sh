#!/usr/bin/env bash
# Runs the Playwright suite against a freshly started release server with a
# fresh SQLite database and media folder, removed afterwards.
#
#   scripts/e2e.sh [extra playwright args...]
#
# E2E_DATABASE_URL overrides the database (e.g. a Postgres URL).
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${CARGO_TARGET_DIR:-target}/release/cloudtalents"
[ -x "$bin" ] || { echo "e2e: $bin is missing; run 'cargo leptos build --release' first" >&2; exit 1; }
compgen -G "target/site/pkg/cloudtalents*.wasm" >/dev/null \
  || { echo "e2e: target/site has no WASM bundle; run 'cargo leptos build --release' first" >&2; exit 1; }

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

export DATABASE_URL="${E2E_DATABASE_URL:-sqlite://$work/e2e.db?mode=rwc}"
# The admin the admin spec logs in as (sign-ups are open: SIGNUP=open).
export E2E_ADMIN="e2e_admin_$$" E2E_ADMIN_PASSWORD="amber-falcon-orchard-93"
echo "$E2E_ADMIN_PASSWORD" | RUST_LOG=warn "$bin" create-user --admin "$E2E_ADMIN" >/dev/null

MEDIA_ROOT="$work/media" \
SECRET_KEY_FILE="$work/secret.key" \
SIGNUP=open SIGNUP_LIMIT=unlimited \
LEPTOS_SITE_ADDR="127.0.0.1:$port" \
LEPTOS_SITE_ROOT="target/site" \
LEPTOS_ENV=PROD \
RUST_LOG="${RUST_LOG:-warn}" \
  "$bin" >"$work/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the server exited at start:" >&2; cat "$work/server.log" >&2; exit 1
  fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "e2e: server not healthy" >&2; cat "$work/server.log" >&2; exit 1; }

status=0
BASE_URL="http://127.0.0.1:$port" npx playwright test -c end2end "$@" || status=$?
if [ "$status" -ne 0 ]; then echo "e2e: server log:" >&2; tail -n 50 "$work/server.log" >&2; fi
exit "$status"
