#!/usr/bin/env bash
# Two replicas of the release binary, started at the same moment on one
# Postgres database and one S3 bucket (SeaweedFS, from scripts/with-s3.sh),
# behind nginx (nginx/nginx.conf with both in its upstream). Shows that the
# replicas share everything through Postgres and the bucket: a session, the
# login throttle, the media; that killing one (-9) under load loses no GET;
# and that rows and objects agree afterwards.
#
#   scripts/with-s3.sh scripts/replicas.sh      (make replicas)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TEST_S3_ENDPOINT:?run this through scripts/with-s3.sh}"
started=$SECONDS

bin="${CARGO_TARGET_DIR:-target}/release/cloudtalents"
[ -x "$bin" ] || { echo "replicas: build first (make build)" >&2; exit 1; }
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

work="$(mktemp -d)"
chmod 755 "$work"
db="cloudtalents_replicas_$$"
a_port="$(free_port)"
b_port="$(free_port)"
nginx_port="$(free_port)"
base="http://127.0.0.1:$nginx_port"
a_pid="" b_pid="" nginx_pid="" load_pid=""
cleanup() {
  local status=$?
  set +e
  for pid in "$load_pid" "$a_pid" "$b_pid" "$nginx_pid"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  pg_drop "$db"
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
fail() {
  echo "replicas: FAILED: $*" >&2
  for log in a b nginx; do echo "--- $log log" >&2; tail -n 20 "$work/$log.log" >&2; done
  exit 1
}

scripts/postgres-up.sh 127.0.0.1 5432
pg_create "$db"
prefix="replicas-$$"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" MEDIA_STORE=s3 \
  S3_ENDPOINT="$TEST_S3_ENDPOINT" S3_BUCKET="$TEST_S3_BUCKET" S3_PREFIX="$prefix" \
  S3_ACCESS_KEY_ID="$TEST_S3_ACCESS_KEY_ID" S3_SECRET_ACCESS_KEY="$TEST_S3_SECRET_ACCESS_KEY" \
  LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD PUBLIC_URL="$base" \
  MEDIA_ACCEL_REDIRECT=/remote-media/ TRUSTED_PROXIES=127.0.0.1 RUST_LOG=info KEEP_ORIGINALS=true SIGNUP=open SIGNUP_LIMIT=unlimited \
  SECRET_KEY="replicas-test-secret-key-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
replica() { # name port
  LEPTOS_SITE_ADDR="127.0.0.1:$2" "$bin" >>"$work/$1.log" 2>&1 &
}

mkdir -p "$work/nginx" "$work/media"
cp -r target/site "$work/site"
chmod -R a+rX "$work/site"
chmod 1777 "$work/nginx"
TLS_TERMINATORS="" NGINX_PORT="127.0.0.1:$nginx_port" APP_UPSTREAM="127.0.0.1:$a_port 127.0.0.1:$b_port" \
SITE_ROOT="$work/site" MEDIA_ROOT="$work/media" NGINX_TEMP="$work/nginx" NGINX_CONF_DIR=/etc/nginx \
CLIENT_MAX_BODY_SIZE=21m nginx/render.sh nginx/nginx.conf >"$work/nginx.conf"
nginx -t -q -c "$work/nginx.conf" -p "$work/nginx" || fail "nginx -t"
nginx -c "$work/nginx.conf" -p "$work/nginx" -g "daemon off;" >"$work/nginx.log" 2>&1 &
nginx_pid=$!

echo "==> two replicas started at the same moment on one empty database"
replica a "$a_port"; a_pid=$!
replica b "$b_port"; b_pid=$!
healthy() { curl -fsS "http://127.0.0.1:$1/healthz" >/dev/null 2>&1; }
for _ in $(seq 1 150); do healthy "$a_port" && healthy "$b_port" && break; sleep 0.2; done
check "replica A is healthy" healthy "$a_port"
check "replica B is healthy" healthy "$b_port"

a="http://127.0.0.1:$a_port" b="http://127.0.0.1:$b_port"
gradient_png "$work/photo.png" 300 200
# Noise does not compress: a PNG over 8 MiB, kept as an original, goes to
# the bucket as a multipart upload.
python3 - "$work/noise.png" <<'PY'
import os, sys, zlib, struct
w, h = 1800, 1700
rows = b''.join(b'\x00' + os.urandom(w * 3) for _ in range(h))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows, 0)) + chunk(b'IEND', b''))
PY

echo "==> log in and upload through A; the page and the bytes through B"
user="ada$$" password=violet-otter-tangent-42
curl -fsS -o /dev/null -c "$work/jar" -H "Origin: $base" --data-urlencode "username=$user" \
  --data-urlencode "password=$password" --data-urlencode "password_confirm=$password" "$a/register/"
curl -fsS -o "$work/card.json" -b "$work/jar" -H "Origin: $base" -H "Accept: application/json" \
  -F name=Replicated -F description=Across -F "image=@$work/photo.png;type=image/png" "$a/upload/"
media="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["display_url"])' "$work/card.json")"
key="$(cut -d/ -f3 <<<"$media")"
check "B shows the gallery with A's session" grep -q Replicated <(curl -fsS -b "$work/jar" "$b/images/")
media_via() { # replica-url out: the bytes of $media as that replica hands them to nginx
  curl -fsS -D "$work/h.$2" -o /dev/null -b "$work/jar" "$1$media"
  local url; url="$(header "$work/h.$2" X-Media-Url)"
  [ -n "$url" ] && curl -fsS -o "$work/$2" "$url"
}
check "A hands over a presigned URL that works" media_via "$a" from-a.jpg
check "B hands over a presigned URL that works" media_via "$b" from-b.jpg
check "the same bytes through A and B" cmp -s "$work/from-a.jpg" "$work/from-b.jpg"
check "the presigned URL lasts 60 s" grep -q "X-Amz-Expires=60" <(header "$work/h.from-b.jpg" X-Media-Url)
curl -sS -D "$work/h.nginx" -o "$work/via-nginx.jpg" -b "$work/jar" "$base$media"
check "nginx sends the bytes from the bucket" grep -q "^HTTP/1.1 200" "$work/h.nginx"
check "the same bytes through nginx" cmp -s "$work/from-a.jpg" "$work/via-nginx.jpg"
check "Content-Type from the app" test "$(header "$work/h.nginx" Content-Type)" = image/jpeg
check "Cache-Control from the app" test "$(header "$work/h.nginx" Cache-Control)" = "private, no-cache"
for h in Content-Type Cache-Control Content-Length; do
  check "one $h" test "$(grep -ci "^$h:" "$work/h.nginx")" = 1
done
check "media CSP" test "$(header "$work/h.nginx" Content-Security-Policy)" = "default-src 'none'; sandbox"
check "no presigned URL reaches the browser" test -z "$(header "$work/h.nginx" X-Media-Url)"
check "no x-amz-* header reaches the browser" test -z "$(grep -i '^x-amz-' "$work/h.nginx" || true)"
check "no Set-Cookie from S3" test -z "$(header "$work/h.nginx" Set-Cookie)"
size="$(stat -c %s "$work/via-nginx.jpg")"
curl -sS -D "$work/h.range" -o "$work/range.bin" -r 0-99 -b "$work/jar" "$base$media"
check "a Range goes through to S3" grep -q "^HTTP/1.1 206" "$work/h.range"
check "the range's bytes" cmp -s "$work/range.bin" <(head -c 100 "$work/via-nginx.jpg")
check "the range's length" test "$(header "$work/h.range" Content-Range)" = "bytes 0-99/$size"
curl -sS -D "$work/h.416" -o "$work/416.body" -r 999999999- -b "$work/jar" "$base$media"
check "a refused range gets nginx's answer, not S3's" test "$(head -c 300 "$work/416.body" | grep -c 'Bucket\|<Error>')" = 0
curl -sS -D "$work/h.amz" -o /dev/null -H "x-amz-date: 19990101T000000Z" -b "$work/jar" "$base$media"
check "a browser's x-amz-* header does not reach S3" grep -q "^HTTP/1.1 200" "$work/h.amz"
check "a visitor gets 404" test "$(curl -sS -o /dev/null -w '%{http_code}' "$base$media")" = 404
check "the internal location is not reachable" \
  test "$(curl -sS -o /dev/null -w '%{http_code}' "$base/remote-media/$key/display.jpg")" = 404
check "the bucket is private" \
  test "$(curl -sS -o /dev/null -w '%{http_code}' "$TEST_S3_ENDPOINT/$TEST_S3_BUCKET/$prefix/$key/display.jpg")" = 403

echo "==> wrong logins alternating between A and B lock at 5"
statuses=""
for i in 1 2 3 4 5 6; do
  if [ $((i % 2)) = 1 ]; then replica_url="$a"; else replica_url="$b"; fi
  statuses="$statuses $(curl -sS -o /dev/null -w '%{http_code}' -H "Origin: $base" \
    --data-urlencode "username=$user" --data-urlencode password=wrong-password-$i "$replica_url/login/")"
done
check "5 refused as wrong, the 6th throttled (got:$statuses)" test "$statuses" = " 401 401 401 401 401 429"
check "the right password is throttled too, on either replica" \
  test "$(curl -sS -o /dev/null -w '%{http_code}' -H "Origin: $base" --data-urlencode "username=$user" \
    --data-urlencode "password=$password" "$b/login/")" = 429

echo "==> kill -9 of A while 500 GETs run through nginx"
# Keep-alive connections to both replicas; the loop records every status.
( for _ in $(seq 1 500); do
    curl -sS -o /dev/null -w '%{http_code}\n' -b "$work/jar" "$base/images/" || echo "curl-failed"
  done >"$work/statuses" ) &
load_pid=$!
for _ in $(seq 1 200); do [ "$(wc -l <"$work/statuses")" -ge 100 ] && break; sleep 0.05; done
kill -9 "$a_pid"; wait "$a_pid" 2>/dev/null || true; a_pid=""
wait "$load_pid"; load_pid=""
check "all 500 GETs answered" test "$(wc -l <"$work/statuses")" = 500
check "every GET got 200 (others: $(grep -vc '^200$' "$work/statuses" || true))" \
  test "$(grep -c '^200$' "$work/statuses")" = 500
check "B was still serving" healthy "$b_port"

echo "==> A comes back; rows and objects agree"
replica a "$a_port"; a_pid=$!
for _ in $(seq 1 150); do healthy "$a_port" && break; sleep 0.2; done
check "A is healthy again" healthy "$a_port"
curl -fsS -o "$work/card2.json" -b "$work/jar" -H "Origin: $base" -H "Accept: application/json" \
  -F name=Second -F description=ThroughB -F "image=@$work/noise.png;type=image/png" "$b/upload/"
check "A shows what B stored" grep -q Second <(curl -fsS -b "$work/jar" "$a/images/")
second="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/card2.json")"
curl -fsS -D "$work/h.download" -o "$work/original.png" -b "$work/jar" "$base/images/$second/download/"
check "a download through the bucket names its file, once" \
  test "$(grep -ci '^content-disposition: attachment; filename="Second.png"' "$work/h.download")" = 1
check "the $(($(stat -c %s "$work/noise.png") / 1048576)) MiB original, sent in parts, comes back whole" \
  cmp -s "$work/noise.png" "$work/original.png"
LEPTOS_SITE_ADDR="127.0.0.1:$a_port" "$bin" check-media >"$work/audit" 2>&1 || fail "check-media: $(cat "$work/audit")"
check "check-media: 2 images, 8 files (3 copies and the original each), nothing missing or extra" \
  grep -q "^2 images, 8 stored files, 0 missing, 0 without a row" "$work/audit"
# (curl signs the query as written: parameters in order, `uploads=` with its =.)
curl -sS -o "$work/uploads.xml" --aws-sigv4 "aws:amz:us-east-1:s3" \
  -u "$TEST_S3_ACCESS_KEY_ID:$TEST_S3_SECRET_ACCESS_KEY" "$TEST_S3_ENDPOINT/$TEST_S3_BUCKET/?prefix=$prefix%2F&uploads="
check "S3 answered the list of multipart uploads" grep -q "<ListMultipartUploadsResult" "$work/uploads.xml"
check "no multipart upload left open" test -z "$(grep -o '<Upload>' "$work/uploads.xml" || true)"

echo "replicas: $checks checks passed in $((SECONDS - started)) s"
