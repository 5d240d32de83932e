#!/bin/sh
# Renders nginx/nginx.conf: only the listed variables are replaced, so
# nginx's own $variables stay as they are.
#
#   NGINX_PORT=8080 APP_UPSTREAM=app:8000 SITE_ROOT=… MEDIA_ROOT=… \
#   NGINX_TEMP=… NGINX_CONF_DIR=/etc/nginx CLIENT_MAX_BODY_SIZE=21m \
#     nginx/render.sh nginx/nginx.conf > /etc/nginx/nginx.conf
set -eu
for var in NGINX_PORT APP_UPSTREAM SITE_ROOT MEDIA_ROOT NGINX_TEMP NGINX_CONF_DIR CLIENT_MAX_BODY_SIZE; do
  eval "value=\${$var:-}"
  [ -n "$value" ] || { echo "render.sh: $var is not set" >&2; exit 1; }
done
exec envsubst '${NGINX_PORT} ${APP_UPSTREAM} ${SITE_ROOT} ${MEDIA_ROOT} ${NGINX_TEMP} ${NGINX_CONF_DIR} ${CLIENT_MAX_BODY_SIZE}' < "$1"
