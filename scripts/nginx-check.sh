#!/usr/bin/env bash
# `nginx -t` on nginx/nginx.conf rendered with the image's values (the
# upstream as an address: `app` only resolves inside compose).
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
value() { grep -o "$1=[^ ]*" nginx/Dockerfile | head -n1 | cut -d= -f2; }
NGINX_PORT="$(value NGINX_PORT)" APP_UPSTREAM=127.0.0.1:8000 SITE_ROOT="$(value SITE_ROOT)" \
MEDIA_ROOT="$(value MEDIA_ROOT)" NGINX_TEMP="$work" NGINX_CONF_DIR=/etc/nginx \
CLIENT_MAX_BODY_SIZE="$(value CLIENT_MAX_BODY_SIZE)" \
  nginx/render.sh nginx/nginx.conf >"$work/nginx.conf"
nginx -t -q -c "$work/nginx.conf" -p "$work"
echo "nginx -t: nginx/nginx.conf is valid"
