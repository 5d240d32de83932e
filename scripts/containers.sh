#!/usr/bin/env bash
# The compose deployment in real containers (make test-containers): the
# Dockerfile, nginx/Dockerfile and compose.yaml as a user runs them, with
# only the base images swapped for local stand-ins and the app's binary
# taken from the host's release build (containers/compose.test.yaml).
#
#   1. up --wait: nginx (uid 101), 2 app replicas, Postgres, healthchecks
#      and depends_on; the whole Playwright suite through the published
#      port, then a deployment test (sign up, upload, gallery, media bytes
#      through X-Accel-Redirect from the shared volume, log out);
#   2. down, then up again: the user and the image are still there;
#   3. restart db under requests: the app answers again, not restarted;
#   4. the s3 profile: media in a SeaweedFS bucket, sent by nginx from
#      presigned URLs.
# Everything it made (containers, networks, volumes, its daemon) is removed
# at the end; images stay in the engine's cache (scripts/docker-engine.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
# shellcheck source=scripts/docker-engine.sh
. scripts/docker-engine.sh

started=$SECONDS
bin="${CARGO_TARGET_DIR:-target}/release"
[ -x "$bin/cloudtalents" ] && [ -f "$bin/hash.txt" ] && [ -d target/site/pkg ] \
  || { echo "containers: build first (make build)" >&2; exit 1; }
if ! engine_possible; then
  echo "containers: SKIPPED: dockerd needs root (and apt) here; nothing was checked" >&2
  exit 0
fi
engine_install

work="$(mktemp -d)"
project="cloudtalents-test-$$"
projects=()
load_pid=""
cleanup() {
  local status=$?
  set +e
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null
  if [ "$status" -ne 0 ]; then
    echo "--- compose logs" >&2
    for p in "${projects[@]}"; do compose_in "$p" logs --no-color --tail 40 >&2; done
    echo "--- dockerd log" >&2
    engine_log 20 >&2
    # Last, where a CI log's tail shows it: which tests failed, and how
    # (the log of a Playwright run is kept only when it failed).
    if [ -s "$work/playwright.log" ]; then
      echo "--- Playwright's failures" >&2
      grep -E '^ +[0-9]+\) \[|Error:|Expected|Received|Timeout|^ +[0-9]+ (failed|flaky|passed)' "$work/playwright.log" \
        | head -n 60 >&2
    fi
  fi
  # `fail` may have run in a $( ) subshell: its reason is in a file.
  failure="$(head -n 1 "$work/failure" 2>/dev/null || true)"
  # The run's containers, networks, volumes and the app and nginx images it
  # built; the build cache keeps their layers, within bounds.
  for p in "${projects[@]}"; do COMPOSE_PROFILES=s3 compose_in "$p" down --volumes --remove-orphans --rmi local --timeout 5 >/dev/null 2>&1; done
  # Pruning is for the run's own daemon only, never a user's.
  if [ -n "$engine_own" ]; then
    docker image prune --force >/dev/null 2>&1
    docker builder prune --force --keep-storage 8GB >/dev/null 2>&1
  fi
  engine_stop
  rm -rf "$work"
  echo "containers: $( [ "$status" -eq 0 ] && echo passed || echo FAILED ) in $((SECONDS - started)) s${failure:+ ($failure)}"
  exit "$status"
}
trap cleanup EXIT
fail() { echo "$*" >>"$work/failure"; echo "containers: FAILED: $*" >&2; exit 1; }
not() { ! "$@"; }

engine_start || fail "dockerd"
engine_bases || fail "building the base images' stand-ins"

# The host's release build, as the `host-build` context of the prebuilt stage.
mkdir -p "$work/host-build"
cp "$bin/cloudtalents" "$bin/hash.txt" "$work/host-build/" && cp -r target/site "$work/host-build/site" \
  || fail "staging the release build"

port="$(free_port)"
base="http://127.0.0.1:$port"
db_password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
s3_secret="$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
# As .env.app.example, .env.db.example and .env.s3.example say.
cat >"$work/app.env" <<EOF
DATABASE_URL=postgres://cloudtalents:$db_password@db:5432/cloudtalents
PUBLIC_URL=$base
MAX_UPLOAD_BYTES=20971520
RUST_LOG=info
MEDIA_ACCEL_REDIRECT=/protected-media/
# The suite signs up a user per test (the example leaves SIGNUP unset).
SIGNUP=open
SIGNUP_LIMIT=unlimited
EOF
cat >"$work/db.env" <<EOF
POSTGRES_USER=cloudtalents
POSTGRES_PASSWORD=$db_password
POSTGRES_DB=cloudtalents
EOF
cat >"$work/s3.env" <<EOF
MEDIA_STORE=s3
MEDIA_ACCEL_REDIRECT=/remote-media/
S3_ENDPOINT=http://s3:8333
S3_BUCKET=cloudtalents
S3_REGION=us-east-1
S3_ACCESS_KEY_ID=cloudtalents
S3_SECRET_ACCESS_KEY=$s3_secret
EOF
export HOST_BUILD_DIR="$work/host-build" APP_ENV_FILE="$work/app.env" DB_ENV_FILE="$work/db.env" \
  CLOUDTALENTS_HTTP_HOST=127.0.0.1 CLOUDTALENTS_HTTP_PORT="$port" APP_REPLICAS=2
# Nothing from the caller's environment or checkout: no .env.s3 of theirs,
# no .env (--env-file below).
export S3_ENV_FILE="$work/no-s3.env"
unset COMPOSE_PROFILES COMPOSE_FILE COMPOSE_PROJECT_NAME SHARE_HOST RUST_IMAGE RUNTIME_IMAGE NGINX_IMAGE POSTGRES_IMAGE SEAWEEDFS_IMAGE

compose_in() { docker compose -p "$1" --env-file /dev/null -f compose.yaml -f containers/compose.test.yaml "${@:2}"; }
compose() { compose_in "$project" "$@"; }
container_ids() { docker ps --quiet --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=$1" "${@:2}"; }
up() { # services...
  local t0=$SECONDS
  compose up --detach --wait --wait-timeout 180 "$@" || fail "compose up --wait"
  echo "    up --wait: $((SECONDS - t0)) s"
}
# Playwright's output, also in $work/playwright.log until it passes.
playwright() { npx playwright test "$@" 2>&1 | tee "$work/playwright.log" && rm -f "$work/playwright.log"; }
deployment_test() { # phase user
  DEPLOYMENT_PHASE="$1" DEPLOYMENT_USER="$2" BASE_URL="$base" \
    playwright -c end2end/deployment.config.ts || fail "Playwright deployment test, $1 ($2)"
}

# Logs USER in with curl into cookie jar FILE.
log_in() { # user file
  curl -fsS --max-time 10 -o /dev/null -c "$2" -H "Origin: $base" --data-urlencode "username=$1" \
    --data-urlencode password=violet-otter-tangent-42 "$base/login/" || fail "log in as $1 with curl"
}
# The gallery of the user in cookie jar FILE, through nginx.
gallery() { curl -fsS --max-time 10 -b "$1" "$base/images/" 2>/dev/null; }
gallery_shows_upload() { local page; page="$(gallery "$1")" && grep -q "Deployed gradient" <<<"$page"; }
# The first thumbnail's URL in the gallery of the user in jar FILE.
first_media() { # jar
  local page media
  # Up to a quote, or to `&` of the `&quot;` in the grid island's props.
  page="$(gallery "$1")" || fail "the gallery"
  media="$(grep -o '/media/[0-9a-f]\{32\}/[^"&]*' <<<"$page" | head -n 1)"
  [ -n "$media" ] || fail "no media URL in the gallery"
  echo "$media"
}
# The app's own answer for that thumbnail, asked inside the compose network
# (nginx acts on what it says).
app_media_headers() { # jar
  local media cookie
  media="$(first_media "$1")" || exit 1
  cookie="$(awk '!/^#/ || /^#HttpOnly_/ {if (NF >= 7) printf "%s=%s; ", $6, $7}' "$1")"
  docker run --rm --network "${project}_internal" -e MEDIA="$media" -e COOKIE="$cookie" \
    cloudtalents-test/debian:bookworm-slim bash -c \
    'exec 3<>/dev/tcp/app/8000; printf "GET %s HTTP/1.0\r\nHost: app\r\nCookie: %s\r\n\r\n" "$MEDIA" "$COOKIE" >&3; cat <&3' \
    | tr -d '\r' || fail "asking the app for $media"
}
# The RW flag of SERVICE's mount at PATH.
mount_rw() { compose ps --quiet "$1" | head -n 1 | xargs docker inspect \
  --format "{{range .Mounts}}{{if eq .Destination \"$2\"}}{{.RW}}{{end}}{{end}}"; }
app_starts() { container_ids app | xargs -r docker inspect --format '{{.Id}} {{.State.StartedAt}} {{.RestartCount}}' | sort; }

echo "==> 1. compose up (build, healthchecks, depends_on)"
projects+=("$project")
compose build --quiet app nginx || fail "compose build"
up
check "two healthy app replicas" test "$(container_ids app --filter health=healthy | wc -l)" -eq 2
check "db healthy" test "$(container_ids db --filter health=healthy | wc -l)" -eq 1
check "nginx runs as uid 101" test "$(compose exec -T nginx id -u)" = 101
check "the media volume is the app user's on first mount" \
  test "$(compose exec -T --index 1 app stat -c %u:%g /app/media)" = 10001:10001
check "nginx mounts the media volume read-only" test "$(mount_rw nginx /media)" = false
curl -fsS --max-time 10 -o "$work/home.html" "$base/" || fail "reading the home page through nginx"
wasm="$(pkg_file wasm <"$work/home.html")"
check "the home page through nginx names its WASM" test -n "$wasm"
curl -fsS --max-time 10 -o /dev/null -D "$work/wasm.headers" -H "Accept-Encoding: br" "$base$wasm" \
  || fail "fetching $wasm through nginx"
check "nginx's image sends the WASM as the build's brotli file" \
  test "$(header "$work/wasm.headers" Content-Encoding)" = br

echo "==> Playwright suite through nginx ($base)"
# The admin the admin spec logs in as, made as an operator would.
export E2E_ADMIN="e2e_admin_$$" E2E_ADMIN_PASSWORD="amber-falcon-orchard-93"
echo "$E2E_ADMIN_PASSWORD" | compose exec -T --index 1 app /app/cloudtalents create-user --admin "$E2E_ADMIN" \
  || fail "create-user --admin in the app container"
BASE_URL="$base" playwright -c end2end || fail "Playwright through the containers"
user="deploy$$"
deployment_test seed "$user"
jar="$work/jar"
log_in "$user" "$jar"
headers="$(app_media_headers "$jar")"
check "the app answers media with X-Accel-Redirect to the volume and no body" \
  grep -qi '^X-Accel-Redirect: /protected-media/[0-9a-f]\{32\}/' <<<"$headers"
check "the app's media answer is empty" grep -qi '^content-length: 0$' <<<"$headers"
display="$(first_media "$jar" | sed 's|/[^/]*$|/display.jpg|')"
sent="$(curl -fsS --max-time 10 -b "$jar" "$base$display" | sha256sum | cut -d' ' -f1)" \
  || fail "fetching $display through nginx"
stored="$(compose exec -T --index 1 app sha256sum "/app${display}" | cut -d' ' -f1)" || fail "reading the volume"
check "nginx sends the volume's file byte for byte" test "$sent" = "$stored"

echo "==> 2. down and up again: volumes keep the user and the image"
compose down --timeout 10 >/dev/null || fail "compose down"
check "down leaves no container" test -z "$(docker ps --all --quiet --filter "label=com.docker.compose.project=$project")"
up
deployment_test persisted "$user"

echo "==> 3. restart db under requests: the app recovers by itself"
log_in "$user" "$jar"
check "the gallery before the restart" gallery_shows_upload "$jar"
before="$(app_starts)" || fail "inspecting the app replicas"
( set +e; while :; do curl -s --max-time 5 -o /dev/null -b "$jar" "$base/images/"; sleep 0.05; done ) &
load_pid=$!
compose restart --timeout 10 db >/dev/null || fail "compose restart db"
recovered=""
for _ in $(seq 1 60); do
  if gallery_shows_upload "$jar"; then recovered=yes; break; fi
  sleep 1
done
kill "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true
load_pid=""
check "the gallery answers again after the db restart" test -n "$recovered"
check "no app replica restarted" test "$(app_starts)" = "$before"
both_serve() { local i; for i in 1 2 3 4 5 6; do gallery_shows_upload "$jar" || return 1; done; }
check "every request after the restart is served" both_serve
compose down --volumes --timeout 5 >/dev/null || fail "compose down --volumes"

echo "==> 4. the s3 profile: media in a SeaweedFS bucket, sent by nginx"
project="$project-s3"
projects+=("$project")
export S3_ENV_FILE="$work/s3.env" COMPOSE_PROFILES=s3
compose build --quiet app nginx || fail "compose build (s3)"
up
app_log="$(compose logs app)" || fail "compose logs app"
check "the app runs on the bucket" grep -q 'S3(S3Settings' <<<"$app_log"
deployment_test seed "${user}s3"
log_in "${user}s3" "$jar"
headers="$(app_media_headers "$jar")"
check "the app answers media with X-Accel-Redirect to the bucket" \
  grep -qi '^X-Accel-Redirect: /remote-media/[0-9a-f]\{32\}/' <<<"$headers"
check "... and a presigned URL of the s3 service" grep -qi '^x-media-url: http://s3:8333/cloudtalents/' <<<"$headers"
check "the bucket's internal location is not reachable" \
  test "$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "$base/remote-media/x/y.jpg")" = 404
media_files="$(compose exec -T --index 1 app find /app/media -type f)" || fail "listing the media volume"
check "the media volume stays empty with the s3 profile" test -z "$media_files"

echo "containers: $checks checks passed"
