#!/usr/bin/env bash
# The compose topology, natively: Debian's nginx with nginx/nginx.conf
# (rendered by nginx/render.sh, as the image does) in front of the release
# binary on the local Postgres, wired as compose.yaml wires them, and checks
# with plain HTTP what only the topology can show. The Playwright suite runs
# through nginx in the container test (scripts/containers.sh); here only
# where that test cannot run.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${CARGO_TARGET_DIR:-target}/release/cloudtalents"
[ -x "$bin" ] || { echo "topology: build first (make build)" >&2; exit 1; }
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

work="$(mktemp -d)"
chmod 755 "$work"
db="cloudtalents_topology_$$"
app_port="$(free_port)"
nginx_port="$(free_port)"
base="http://127.0.0.1:$nginx_port"
app_pid=""
nginx_pid=""
stub_pid=""
tls_nginx_pid=""
# Stops what the test started and keeps the test's own exit status: a
# process ended by SIGTERM makes `wait` answer 143, which must not become
# the result (nor, under `set -e`, cut the cleanup short).
cleanup() {
  local status=$?
  set +e
  for pid in "$app_pid" "$nginx_pid" "$tls_nginx_pid" "$stub_pid"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  pg_drop "$db"
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
fail() { echo "topology: FAILED: $*" >&2; echo "--- app log" >&2; tail -n 30 "$work/app.log" >&2; echo "--- nginx log" >&2; tail -n 30 "$work/nginx.log" >&2; exit 1; }

# Values as in nginx/Dockerfile (so no TLS terminator is trusted), but for
# ports, upstream and paths. The site is copied, as the image does, so that
# nginx's unprivileged workers can read it whatever the permissions of the
# checkout.
mkdir -p "$work/nginx" "$work/media"
cp -r target/site "$work/site"
chmod -R a+rX "$work/site"
# nginx's workers run as nobody here (root master); its temp files go here.
chmod 1777 "$work/nginx"
share_host="photos.test"
SHARE_HOST="$share_host" TLS_TERMINATORS="" NGINX_PORT="127.0.0.1:$nginx_port" APP_UPSTREAM="127.0.0.1:$app_port" \
SITE_ROOT="$work/site" MEDIA_ROOT="$work/media" NGINX_TEMP="$work/nginx" \
NGINX_CONF_DIR=/etc/nginx CLIENT_MAX_BODY_SIZE="$(awk -F= '/CLIENT_MAX_BODY_SIZE=/ {print $2}' nginx/Dockerfile)" \
  nginx/render.sh nginx/nginx.conf >"$work/nginx.conf"
nginx -t -q -c "$work/nginx.conf" -p "$work/nginx" || fail "nginx -t"

scripts/postgres-up.sh 127.0.0.1 5432
pg_create "$db"
# As compose sets them (compose.yaml + .env.app.example).
DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" MEDIA_ROOT="$work/media" \
LEPTOS_SITE_ADDR="127.0.0.1:$app_port" LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD \
PUBLIC_URL="$base" MEDIA_ACCEL_REDIRECT=/protected-media/ TRUSTED_PROXIES=127.0.0.1 SECRET_KEY_FILE="$work/secret.key" \
MAX_UPLOAD_BYTES=20971520 RUST_LOG=info SIGNUP=open SIGNUP_LIMIT=unlimited \
  "$bin" >"$work/app.log" 2>&1 &
app_pid=$!
# In the foreground of its own process, as in the container; its access log
# (stdout) goes to a file here.
nginx -c "$work/nginx.conf" -p "$work/nginx" -g "daemon off;" >"$work/nginx.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$base/healthz" >/dev/null || fail "the app is not healthy behind nginx"

# shellcheck source=scripts/docker-engine.sh
. scripts/docker-engine.sh
if ! engine_possible; then
  echo "==> Playwright through nginx ($base): the container test will be skipped here"
  export E2E_ADMIN="e2e_admin_$$" E2E_ADMIN_PASSWORD="amber-falcon-orchard-93"
  echo "$E2E_ADMIN_PASSWORD" | DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" RUST_LOG=warn \
    "$bin" create-user --admin "$E2E_ADMIN" >/dev/null || fail "create-user --admin"
  BASE_URL="$base" npx playwright test -c end2end || fail "Playwright through nginx"
fi

echo "==> plain HTTP checks through nginx"
sign_up() { # jar name
  curl -fsS -o /dev/null -c "$1" -H "Origin: $base" --data-urlencode "username=$2" \
    --data-urlencode password=violet-otter-tangent-42 --data-urlencode password_confirm=violet-otter-tangent-42 \
    "$base/register/"
}
gradient_png "$work/photo.png" 300 200
sign_up "$work/a.jar" "owner$$"
sign_up "$work/b.jar" "other$$"
curl -fsS -o "$work/card.json" -b "$work/a.jar" -H "Origin: $base" -H "Accept: application/json" \
  -F name=Topology -F description=Through-nginx -F "image=@$work/photo.png;type=image/png" "$base/upload/"
media="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["display_url"])' "$work/card.json")"
key="$(cut -d/ -f3 <<<"$media")"

curl -sS -D "$work/h1" -o "$work/via-nginx.jpg" -b "$work/a.jar" "$base$media"
check "owner gets the image through nginx" grep -q "^HTTP/1.1 200" "$work/h1"
check "its bytes are the stored file's" cmp -s "$work/via-nginx.jpg" "$work/media/$key/display.jpg"
check "nginx consumed X-Accel-Redirect" test -z "$(header "$work/h1" X-Accel-Redirect)"
check "media Content-Type" test "$(header "$work/h1" Content-Type)" = image/jpeg
check "media CSP" test "$(header "$work/h1" Content-Security-Policy)" = "default-src 'none'; sandbox"
check "media nosniff" test "$(header "$work/h1" X-Content-Type-Options)" = nosniff
curl -sS -D "$work/h2" -o "$work/direct.bin" -b "$work/a.jar" "http://127.0.0.1:$app_port$media"
check "the app itself sends no bytes, only the redirect" test ! -s "$work/direct.bin"
check "the app names the internal location" test "$(header "$work/h2" X-Accel-Redirect)" = "/protected-media/$key/display.jpg"
check "another user gets 404" test "$(curl -sS -o /dev/null -w '%{http_code}' -b "$work/b.jar" "$base$media")" = 404
check "a visitor gets 404" test "$(curl -sS -o /dev/null -w '%{http_code}' "$base$media")" = 404
check "the internal location is not reachable" test "$(curl -sS -o /dev/null -w '%{http_code}' "$base/protected-media/$key/display.jpg")" = 404

curl -sS -D "$work/h3" -o /dev/null "$base/"
for h in "X-Content-Type-Options: nosniff" "Referrer-Policy: same-origin" "X-Frame-Options: DENY"; do
  check "page header $h" test "$(header "$work/h3" "${h%%:*}")" = "${h#*: }"
  check "page header ${h%%:*} once" test "$(grep -ci "^${h%%:*}:" "$work/h3")" = 1
done
check "page CSP forbids framing" grep -qi "^content-security-policy:.*frame-ancestors 'none'" "$work/h3"
check "no HSTS over http" test -z "$(header "$work/h3" Strict-Transport-Security)"
curl -fsS -o "$work/home.html" "$base/"
js="$(pkg_file js <"$work/home.html")"
wasm="$(pkg_file wasm <"$work/home.html")"
check "the page names its JS" test -n "$js"
check "the page names its WASM" test -n "$wasm"
curl -sS -D "$work/h4" -o /dev/null -H "Accept-Encoding: gzip" "$base$js"
check "/pkg/ is served by nginx, cached a year" grep -qi "^cache-control:.*max-age=31536000" "$work/h4"
check "/pkg/ is immutable" grep -qi "^cache-control:.*immutable" "$work/h4"
check "/pkg/ precompressed gzip" test "$(header "$work/h4" Content-Encoding)" = gzip
# gzip_static sends the build's own .gz file (its length known up front);
# nginx's on-the-fly gzip would send chunks of its own compression.
check "/pkg/ gzip is the build's .gz file, not compressed per request" \
  test "$(header "$work/h4" Content-Length)" = "$(stat -c %s "target/site$js.gz")"
check "/pkg/ has the security headers too" test "$(header "$work/h4" X-Content-Type-Options)" = nosniff
# A browser that takes brotli gets the build's .br file (brotli_static),
# for the JS and for the WASM, the biggest download of a first visit.
for file in "$js" "$wasm"; do
  curl -sS -D "$work/hbr" -o /dev/null -H "Accept-Encoding: gzip, deflate, br" "$base$file"
  check "/pkg/ ${file##*.} in brotli to a browser that takes it" test "$(header "$work/hbr" Content-Encoding)" = br
  check "/pkg/ ${file##*.} brotli is the build's .br file" \
    test "$(header "$work/hbr" Content-Length)" = "$(stat -c %s "target/site$file.br")"
  check "/pkg/ ${file##*.} says it varies by Accept-Encoding" grep -qi "^vary:.*accept-encoding" "$work/hbr"
done
check "no HSTS on /pkg/ over http" test -z "$(header "$work/h4" Strict-Transport-Security)"

# Anyone can send X-Forwarded-Proto; this nginx trusts no TLS terminator.
curl -sS -D "$work/h5" -o /dev/null -H "X-Forwarded-Proto: https" "$base/"
check "no HSTS when an untrusted client claims https" test -z "$(header "$work/h5" Strict-Transport-Security)"
curl -sS -D "$work/h6" -o /dev/null -H "X-Forwarded-Proto: https" "$base$js"
check "no HSTS on /pkg/ when an untrusted client claims https" test -z "$(header "$work/h6" Strict-Transport-Security)"

echo "==> share links through nginx, and the share-only host"
count_header() { grep -ci "^$2:" "$1" || true; }
check "owner media: one Cache-Control, the app's" test "$(count_header "$work/h1" Cache-Control)" = 1
check "owner media is kept but revalidated" test "$(header "$work/h1" Cache-Control)" = "private, no-cache"
etag="$(header "$work/h1" ETag)"
check "nginx gives the volume's file an ETag" test -n "$etag"
not_modified() { curl -sS -o /dev/null -w '%{http_code}' -b "$1" -H "If-None-Match: $etag" "$base$media"; }
check "the owner revalidates: 304" test "$(not_modified "$work/a.jar")" = 304
check "a visitor holding the ETag gets 404" test "$(not_modified /dev/null)" = 404
image_id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/card.json")"
curl -fsS -o /dev/null -b "$work/a.jar" -H "Origin: $base" --data-urlencode "images=$image_id" \
  --data-urlencode expires=7 --data-urlencode allow_download=on "$base/shares/new/"
link="$(curl -fsS -b "$work/a.jar" "$base/shares/" | grep -o '/s/[A-Za-z0-9_-]\{43\}' | head -n1)"
check "the owner's page shows the link" test -n "$link"
share_id="$(curl -fsS -b "$work/a.jar" "$base/shares/" | grep -o 'href="/shares/[0-9]*/"' | head -n1 | tr -dc 0-9)"
curl -sS -D "$work/s1" -o "$work/s1.html" "$base$link"
check "a visitor opens the link" grep -q "^HTTP/1.1 200" "$work/s1"
check "one Referrer-Policy on the link: no-referrer" test "$(count_header "$work/s1" Referrer-Policy):$(header "$work/s1" Referrer-Policy)" = "1:no-referrer"
check "the link's page is not stored" test "$(header "$work/s1" Cache-Control)" = "private, no-store"
check "the link's page names no owner" test "$(grep -c "owner$$" "$work/s1.html")" = 0
shared_media="$link/media/$image_id/display"
curl -sS -D "$work/s2" -o "$work/shared.jpg" "$base$shared_media"
check "shared media through nginx" grep -q "^HTTP/1.1 200" "$work/s2"
check "shared media bytes are the stored file's" cmp -s "$work/shared.jpg" "$work/media/$key/display.jpg"
check "shared media: one Cache-Control, no-store" test "$(count_header "$work/s2" Cache-Control):$(header "$work/s2" Cache-Control)" = "1:private, no-store"
on_share_host() { curl -sS -o /dev/null -w '%{http_code}' -H "Host: $share_host" "$base$1"; }
check "share host: the link" test "$(on_share_host "$link")" = 200
check "share host: its media" test "$(on_share_host "$shared_media")" = 200
check "share host: the site's files" test "$(on_share_host "$js")" = 200
for path in / /login/ /register/ /images/ /shares/ /healthz /api/list_shares "$media" /protected-media/x; do
  check "share host: $path is 404" test "$(on_share_host "$path")" = 404
done
check "share host: a path that only looks like a link is 404" test "$(on_share_host "/albums/..%2Fs%2Fx/")" = 404
check "shared media say noindex" test "$(header "$work/s2" X-Robots-Tag)" = "noindex, nofollow"
token="${link#/s/}"
check "nginx logs no share token" test "$(grep -c -- "$token" "$work/nginx.log")" = 0
check "nginx logs the link redacted" grep -q 'GET /s/\[token\]/media/' "$work/nginx.log"
check "the app logs no share token" test "$(grep -c -- "$token" "$work/app.log")" = 0
check "the app logs the link redacted" grep -q "/s/\[token\]" "$work/app.log"
curl -sS -D "$work/s3" -o /dev/null -H "Host: $share_host" "$base$link"
check "share host: no-referrer" test "$(header "$work/s3" Referrer-Policy)" = no-referrer
curl -fsS -o /dev/null -b "$work/a.jar" -H "Origin: $base" --data-urlencode "id=$share_id" "$base/shares/$share_id/revoke/"
check "revoked: the page is 404 at once" test "$(on_share_host "$link")" = 404
check "revoked: the media too" test "$(on_share_host "$shared_media")" = 404

head -c $((22 * 1024 * 1024)) /dev/zero >"$work/big.bin"
code="$(curl -sS -o "$work/413.html" -w '%{http_code}' -b "$work/a.jar" -H "Origin: $base" \
  -F name=big -F description=big -F "image=@$work/big.bin;type=image/jpeg" "$base/upload/" || true)"
check "an upload over the limit gets 413 from nginx" test "$code" = 413
check "the 413 page is nginx's" grep -q "413 Request Entity Too Large" "$work/413.html"

echo "==> behind a trusted TLS terminator"
# The same template rendered with TLS_TERMINATORS=127.0.0.1 (curl plays the
# terminator), in front of a stub app that answers with the
# X-Forwarded-Proto nginx sent it.
stub_port="$(free_port)"
tls_port="$(free_port)"
tls_base="http://127.0.0.1:$tls_port"
python3 - "$stub_port" >"$work/stub.log" 2>&1 <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Echo(BaseHTTPRequestHandler):
    def do_GET(self):
        body = (self.headers.get("X-Forwarded-Proto") or "(none)").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
HTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
PY
stub_pid=$!
mkdir -p "$work/nginx-tls"
chmod 1777 "$work/nginx-tls"
TLS_TERMINATORS=127.0.0.1 NGINX_PORT="127.0.0.1:$tls_port" APP_UPSTREAM="127.0.0.1:$stub_port" \
SITE_ROOT="$work/site" MEDIA_ROOT="$work/media" NGINX_TEMP="$work/nginx-tls" \
NGINX_CONF_DIR=/etc/nginx CLIENT_MAX_BODY_SIZE="$(awk -F= '/CLIENT_MAX_BODY_SIZE=/ {print $2}' nginx/Dockerfile)" \
  nginx/render.sh nginx/nginx.conf >"$work/nginx-tls.conf"
nginx -t -q -c "$work/nginx-tls.conf" -p "$work/nginx-tls" || fail "nginx -t with TLS_TERMINATORS"
nginx -c "$work/nginx-tls.conf" -p "$work/nginx-tls" -g "daemon off;" >"$work/nginx-tls.log" 2>&1 &
tls_nginx_pid=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "$tls_base/" 2>/dev/null && break; sleep 0.2; done
curl -fsS -o /dev/null "$tls_base/" || fail "nginx with TLS_TERMINATORS and its stub app: $(tail -n 5 "$work/nginx-tls.log" "$work/stub.log")"
hsts="max-age=31536000; includeSubDomains"
curl -sS -D "$work/t1" -o "$work/t1.body" -H "X-Forwarded-Proto: https" "$tls_base/"
check "HSTS when the trusted terminator says https" test "$(header "$work/t1" Strict-Transport-Security)" = "$hsts"
check "the app is told https" test "$(cat "$work/t1.body")" = https
curl -sS -D "$work/t2" -o /dev/null -H "X-Forwarded-Proto: https" "$tls_base$js"
check "HSTS on /pkg/ when the trusted terminator says https" test "$(header "$work/t2" Strict-Transport-Security)" = "$hsts"
curl -sS -D "$work/t3" -o "$work/t3.body" -H "X-Forwarded-Proto: http" "$tls_base/"
check "no HSTS when the trusted terminator says http" test -z "$(header "$work/t3" Strict-Transport-Security)"
check "the app is told http" test "$(cat "$work/t3.body")" = http
curl -sS -D "$work/t4" -o "$work/t4.body" "$tls_base/"
check "no HSTS when the terminator says nothing" test -z "$(header "$work/t4" Strict-Transport-Security)"
check "the app is told nginx's own scheme" test "$(cat "$work/t4.body")" = http

echo "topology: $checks checks passed"
