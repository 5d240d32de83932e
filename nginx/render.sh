#!/bin/sh
# Renders nginx/nginx.conf: only the listed variables are replaced, so
# nginx's own $variables stay as they are.
#
#   NGINX_PORT=8080 APP_UPSTREAM=app:8000 SITE_ROOT=… MEDIA_ROOT=… \
#   NGINX_TEMP=… NGINX_CONF_DIR=/etc/nginx CLIENT_MAX_BODY_SIZE=21m \
#     nginx/render.sh nginx/nginx.conf > /etc/nginx/nginx.conf
#
# Optional: SHARE_HOST, one or more host names (separated by spaces) that
# serve share links only (nginx/share-host.conf): /s/…, their media and the
# site files; everything else there is 404.
#
# Optional: RESOLVER, the DNS server nginx asks for an S3 endpoint's host
# name (MEDIA_STORE=s3; default: the first nameserver in /etc/resolv.conf).
#
# Optional: TLS_TERMINATORS, the addresses or CIDR ranges (separated by
# spaces or commas) of the TLS terminator in front of nginx, whose
# X-Forwarded-Proto is believed: a request it says came over https gets
# HSTS, and the app is told https. Unset or empty (the default): nobody's
# header is believed, only nginx's own scheme counts. Give only addresses
# no one but the terminator can connect from.
set -eu
for var in NGINX_PORT APP_UPSTREAM SITE_ROOT MEDIA_ROOT NGINX_TEMP NGINX_CONF_DIR CLIENT_MAX_BODY_SIZE; do
  eval "value=\${$var:-}"
  [ -n "$value" ] || { echo "render.sh: $var is not set" >&2; exit 1; }
done

# One `server` line per app address (APP_UPSTREAM: one or more, separated
# by spaces or commas). A name (compose's `app`) is resolved when nginx
# starts, to every replica behind it.
set -f
APP_UPSTREAM_SERVERS=""
for addr in $(printf '%s' "$APP_UPSTREAM" | tr ',' ' '); do
  case "$addr" in
    *[!A-Za-z0-9.:_-]*)
      echo "render.sh: APP_UPSTREAM: not host:port: $addr" >&2
      exit 1
      ;;
  esac
  APP_UPSTREAM_SERVERS="${APP_UPSTREAM_SERVERS}        server $addr;
"
done
export APP_UPSTREAM_SERVERS
set +f

# One `geo` entry per terminator, each on its own line.
set -f
TLS_TERMINATOR_ENTRIES=""
for addr in $(printf '%s' "${TLS_TERMINATORS:-}" | tr ',' ' '); do
  case "$addr" in
    *[!0-9A-Fa-f.:/]*)
      echo "render.sh: TLS_TERMINATORS: not an address or CIDR range: $addr" >&2
      exit 1
      ;;
  esac
  TLS_TERMINATOR_ENTRIES="${TLS_TERMINATOR_ENTRIES}        $addr 1;
"
done
export TLS_TERMINATOR_ENTRIES

# The resolver nginx uses for an S3 endpoint given by host name (the
# presigned URL is only known per request): RESOLVER, else the first
# nameserver of /etc/resolv.conf (Docker's 127.0.0.11 in a container), if
# it is a plain address. IPv4 answers only: an unreachable IPv6 address
# would log the presigned URL.
resolver="${RESOLVER:-}"
if [ -z "$resolver" ]; then
  resolver="$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf 2>/dev/null || true)"
  case "$resolver" in *[!0-9A-Fa-f.:]*) resolver="" ;; esac
fi
case "$resolver" in
  "") REMOTE_MEDIA_RESOLVER="" ;;
  *[!0-9A-Fa-f.:]*) echo "render.sh: RESOLVER: not an IP address: $resolver" >&2; exit 1 ;;
  *:*) REMOTE_MEDIA_RESOLVER="resolver [$resolver] valid=30s ipv6=off;" ;;
  *) REMOTE_MEDIA_RESOLVER="resolver $resolver valid=30s ipv6=off;" ;;
esac
export REMOTE_MEDIA_RESOLVER
# The CA bundle an https S3 endpoint's certificate is checked against.
CA_CERTIFICATES="${CA_CERTIFICATES:-/etc/ssl/certs/ca-certificates.crt}"
export CA_CERTIFICATES
REMOTE_MEDIA_LOCATION="$(envsubst '${REMOTE_MEDIA_RESOLVER} ${CA_CERTIFICATES}' < "$(dirname "$1")/remote-media.conf")
"
export REMOTE_MEDIA_LOCATION

SHARE_SERVER_BLOCK=""
if [ -n "${SHARE_HOST:-}" ]; then
  case "$SHARE_HOST" in
    *[!A-Za-z0-9.\ -]*)
      echo "render.sh: SHARE_HOST: not host names: $SHARE_HOST" >&2
      exit 1
      ;;
  esac
  SHARE_SERVER_BLOCK="$(envsubst '${NGINX_PORT} ${SITE_ROOT} ${MEDIA_ROOT} ${SHARE_HOST} ${REMOTE_MEDIA_LOCATION}' \
    < "$(dirname "$1")/share-host.conf")
"
fi
export SHARE_SERVER_BLOCK

exec envsubst '${NGINX_PORT} ${APP_UPSTREAM_SERVERS} ${SITE_ROOT} ${MEDIA_ROOT} ${NGINX_TEMP} ${NGINX_CONF_DIR} ${CLIENT_MAX_BODY_SIZE} ${TLS_TERMINATOR_ENTRIES} ${REMOTE_MEDIA_LOCATION} ${SHARE_SERVER_BLOCK}' < "$1"
