#!/usr/bin/env bash
# `nginx -t` on nginx/nginx.conf rendered with the image's values (the
# upstream as an address: `app` only resolves inside compose), once as the
# image renders it (no TLS terminator trusted) and once with terminators.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
value() { { grep -o "$1=[^ ]*" nginx/Dockerfile || true; } | head -n1 | cut -d= -f2; }
render() { # TLS_TERMINATORS value
  TLS_TERMINATORS="$1" NGINX_PORT="$(value NGINX_PORT)" APP_UPSTREAM=127.0.0.1:8000 SITE_ROOT="$(value SITE_ROOT)" \
  MEDIA_ROOT="$(value MEDIA_ROOT)" NGINX_TEMP="$work" NGINX_CONF_DIR=/etc/nginx \
  CLIENT_MAX_BODY_SIZE="$(value CLIENT_MAX_BODY_SIZE)" \
    nginx/render.sh nginx/nginx.conf >"$work/nginx.conf"
}
# As the image renders it (empty if nginx/Dockerfile sets no TLS_TERMINATORS).
render "$(value TLS_TERMINATORS)"
nginx -t -q -c "$work/nginx.conf" -p "$work"
render "172.28.0.1, 10.0.0.0/8 fd00::/8"
nginx -t -q -c "$work/nginx.conf" -p "$work"
echo "nginx -t: nginx/nginx.conf is valid"
