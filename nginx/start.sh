#!/bin/sh
# The nginx image's command: renders the config from the environment at
# start (so SHARE_HOST and the other values may be given at run time), into
# nginx's own temp directory (the image runs as uid 101), then runs nginx.
set -eu
/etc/nginx/cloudtalents/render.sh /etc/nginx/cloudtalents/nginx.conf > "$NGINX_TEMP/nginx.conf"
exec nginx -c "$NGINX_TEMP/nginx.conf" -g "daemon off;"
