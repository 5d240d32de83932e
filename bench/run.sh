#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail): `make bench`.
#
# - the gallery page, logged in, on Postgres, with 100 images: req/s and
#   p99 latency at 64 connections (wrk, 2 threads, 15 s);
# - the same HTML bytes as a static file from Debian's nginx, for comparison;
# - time to interactive of the gallery in Chromium (navigation start until
#   hydrated) and its layout shift (CLS);
# - the gallery of a user with 100 000 images (rows only): the first page,
#   a deep page by keyset link (`?after=…`, what Next links are) and the
#   same depth by page number (`?page=4000`, an offset scan), each beside
#   the 100-image figure (targets: first ≤ 1.5×, deep ≤ 2× its time);
# - the server's peak memory (VmHWM) over the whole run;
# - one 12-megapixel JPEG: HTTP upload time, our pipeline alone, and the
#   image crate's decode + resize alone;
# - search on Postgres over 10 100 images: the whole search page's time;
# - a ZIP of 200 × 2 MB: the server's RSS before and at its peak while the
#   ZIP streams (it should not grow with the selection);
# - 200 uploads of 20 MiB at once (100 users, two each: the most a user may
#   have under way): how many succeed, and the server's peak RSS meanwhile
#   (target < 1 GiB: bodies are spooled to disk, two are decoded at once).
#
# Needs the release build (make build) and Postgres on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

for tool in wrk nginx; do
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk nginx >/dev/null; }
done
bin="${CARGO_TARGET_DIR:-target}/release/cloudtalents"
[ -x "$bin" ] || { echo "bench: build first (make build)" >&2; exit 1; }

bench_workspace bench
nginx_port="$(free_port)"
bench_cleanup_more() { [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; }

pg_create "$db"
bench_serve "$bin" "$work/server.log" "$base" DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" MEDIA_ROOT="$work/media"

echo "==> seeding a user with 100 images"
jar="$work/cookies"
bench_register "$base" "$jar" bench
cargo run -q --release --locked --features ssr --example image_baseline -- "$work/12mp.jpg" >"$work/baseline.txt"
# The gallery's cost does not depend on the uploads' format or size.
gradient_png "$work/small.png" 640 480
bench_upload "$base" "$jar" "$work/small.png" 100 "Benchmark image number"

echo "==> one 12-megapixel JPEG over HTTP"
upload_s=$(curl -fsS -o /dev/null -w '%{time_total}' -b "$jar" -H "Origin: $base" -H "Accept: application/json" \
  -F "name=Twelve megapixels" -F "description=4000 x 3000" -F "image=@$work/12mp.jpg;type=image/jpeg" "$base/upload/")

cookie="$(session_cookie "$jar")"
curl -fsS -b "$jar" "$base/images/" >"$work/gallery.html"
grep -c 'class="thumb"' "$work/gallery.html" >/dev/null

wrk_run() { # url [header]
  wrk -t2 -c64 -d10s --latency ${2:+-H "$2"} "$1" 2>&1
}
echo "==> wrk: gallery page (app, Postgres, logged in), two runs"
app_out="$(wrk_run "$base/images/" "Cookie: $cookie")"
app_out2="$(wrk_run "$base/images/" "Cookie: $cookie")"
mkdir -p "$work/static"
cp "$work/gallery.html" "$work/static/gallery.html"
cat >"$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/tmp-body;
  proxy_temp_path $work/tmp-proxy;
  fastcgi_temp_path $work/tmp-fastcgi;
  uwsgi_temp_path $work/tmp-uwsgi;
  scgi_temp_path $work/tmp-scgi;
  server { listen 127.0.0.1:$nginx_port; root $work/static; }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.5
echo "==> wrk: the same HTML as a static file (Debian nginx)"
nginx_out="$(wrk_run "http://127.0.0.1:$nginx_port/gallery.html")"

peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")

echo "==> time to interactive of the gallery in Chromium (new context each run)"
[ -x /usr/bin/chromium ] || apt-get install -y -qq chromium >/dev/null
tti="$(node bench/tti.mjs "$base/images/" "$cookie" 7)"

echo "==> a second user with 100 000 images (rows only): first and deep pages"
big_jar="$work/big-cookies"
bench_register "$base" "$big_jar" library
psql -q -h 127.0.0.1 -U postgres -d "$db" <<'SQL'
INSERT INTO images (user_id, name, description, file_key, created_at, width, height, format, favourite)
SELECT u.id, 'Photo ' || g, 'One of a large library', md5('library' || g),
       now() - make_interval(secs => g), 640, 480, 'jpeg', false
FROM generate_series(1, 100000) AS g, users AS u WHERE u.username = 'library';
ANALYZE images;
ANALYZE users;
SQL
big_cookie="$(session_cookie "$big_jar")"
deep_id="$(psql -Atq -h 127.0.0.1 -U postgres -d "$db" -c "SELECT i.id FROM images i JOIN users u ON u.id = i.user_id \
  WHERE u.username = 'library' AND i.deleted_at IS NULL ORDER BY i.created_at DESC, i.id DESC OFFSET 95975 LIMIT 1")"
curl -fsS -b "$big_jar" "$base/images/?after=$deep_id&page=4000" >"$work/deep.html"
grep -q 'Page 4000 of 4167' "$work/deep.html" || { echo "bench: the deep page is not page 4000 of 4167" >&2; exit 1; }
big_first="$(wrk_run "$base/images/" "Cookie: $big_cookie")"
big_deep="$(wrk_run "$base/images/?after=$deep_id&page=4000" "Cookie: $big_cookie")"
big_offset="$(wrk_run "$base/images/?page=4000" "Cookie: $big_cookie")"

echo "==> search: 10 000 more images (rows only), then timed searches"
psql -q -h 127.0.0.1 -U postgres -d "$db" <<'SQL'
INSERT INTO images (user_id, name, description, file_key, created_at, width, height, format, favourite)
SELECT u.id,
       (ARRAY['Sunset','Harbour','Café','Mountain','Forest','Bridge','Catalina','Street','River','Market'])[1 + g % 10] || ' ' || g,
       'Photo ' || g || ' of the ' || (ARRAY['old town','coast','valley','city centre','island'])[1 + g % 5]
         || ' by ' || (ARRAY['Zoë','Ana','Léo','Sam'])[1 + g % 4],
       md5(g::text), now() - make_interval(secs => g), 640, 480, 'jpeg', false
FROM generate_series(1, 10000) AS g, users AS u WHERE u.username = 'bench';
ANALYZE images;
SQL
echo "==> ZIP: 200 images of 2 MB (files and rows made directly), downloaded while RSS is sampled"
for i in $(seq 1 200); do
  key="$(printf 'zip%s' "$i" | md5sum | cut -c1-32)"
  mkdir -p "$work/media/$key"
  head -c 2000000 /dev/urandom >"$work/media/$key/original.jpg"
done
psql -q -h 127.0.0.1 -U postgres -d "$db" <<'SQL'
INSERT INTO images (user_id, name, description, file_key, created_at, width, height, format, favourite, original_ext)
SELECT u.id, 'Zip ' || g, 'zip bench', md5('zip' || g), now(), 640, 480, 'jpeg', false, 'jpg'
FROM generate_series(1, 200) AS g, users AS u WHERE u.username = 'bench';
SQL
zip_query="$(psql -Atq -h 127.0.0.1 -U postgres -d "$db" -c "SELECT string_agg('ids=' || id, '&') FROM images WHERE description = 'zip bench'")"
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
rss_before=$(rss_kib)
( while kill -0 "$server_pid" 2>/dev/null; do rss_kib; sleep 0.05; done ) >"$work/rss.txt" &
sampler=$!
zip_stats="$(curl -fsS -o "$work/selection.zip" -w '%{size_download} %{time_total}' -b "$jar" "$base/images/zip/?$zip_query")"
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
rss_peak=$(sort -n "$work/rss.txt" | tail -1)
zip_bytes="${zip_stats% *}"; zip_s="${zip_stats#* }"

echo "==> 200 uploads of 20 MiB at once (100 users × 2), RSS sampled"
python3 - "$work/big.png" <<'PY'
import os, sys, zlib, struct
# 2 600 x 2 600 of random pixels, stored uncompressed: 20.3 MB, under
# MAX_UPLOAD_BYTES (20 MiB), and a real image to decode.
w = h = 2600
rows = b''.join(b'\x00' + os.urandom(w * 3) for _ in range(h))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows, 0)) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
PY
big_bytes=$(stat -c %s "$work/big.png")
for u in $(seq 1 100); do
  bench_register "$base" "$work/jar$u" "load$u"
done
rss_before_uploads=$(rss_kib)
( while kill -0 "$server_pid" 2>/dev/null; do rss_kib; sleep 0.05; done ) >"$work/rss-uploads.txt" &
sampler=$!
uploads_started=$(date +%s.%N)
upload_pids=()
for u in $(seq 1 100); do
  for n in 1 2; do
    curl -sS -o /dev/null -w '%{http_code}\n' -b "$work/jar$u" -H "Origin: $base" -H "Accept: application/json" \
      -F "name=Big $u-$n" -F "description=20 MiB" -F "image=@$work/big.png;type=image/png" \
      "$base/upload/" >>"$work/upload-codes.txt" &
    upload_pids+=($!)
  done
done
wait "${upload_pids[@]}" || true
uploads_s=$(python3 -c "import time; print(round(time.time() - $uploads_started, 1))")
kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
rss_peak_uploads=$(sort -n "$work/rss-uploads.txt" | tail -1)
uploads_ok=$(grep -c '^201$' "$work/upload-codes.txt" || true)
uploads_codes=$(sort "$work/upload-codes.txt" | uniq -c | awk '{printf "%s×%s ", $1, $2}')

search_times() { # query: 30 sequential requests; prints "median max" in ms
  for _ in $(seq 1 30); do
    curl -fsS -o /dev/null -w '%{time_total}\n' -b "$jar" -G --data-urlencode "q=$1" "$base/images/"
  done | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "median %.1f ms, max %.1f ms", t[int((NR + 1) / 2)], t[NR] }'
}
search_cafe="$(search_times cafe)"
search_two="$(search_times 'leo coast')"
search_rare="$(search_times 'catalina 9996')"
rps() { awk '/Requests\/sec/ {print $2}' <<<"$1"; }
p99() { awk '$1 == "99%" {print $2}' <<<"$1"; }
non2xx() { awk '/Non-2xx/ {print $4}' <<<"$1"; }

echo
echo "Ran on: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); wrk -t2 -c64 -d10s"
echo
echo "| measurement | value |"
echo "| --- | --- |"
echo "| gallery page, app (Postgres, 100 images, 24 shown), 64 connections, run 1 | $(rps "$app_out") req/s, p99 $(p99 "$app_out") |"
echo "| the same, run 2 | $(rps "$app_out2") req/s, p99 $(p99 "$app_out2") |"
ratio() { python3 -c "a, b = float('$1'), float('$2'); print(f'{b / a:.2f}× the time' if a and b else 'n/a')"; }
echo "| 100 000 images: first page, 64 connections | $(rps "$big_first") req/s, p99 $(p99 "$big_first"); $(ratio "$(rps "$big_first")" "$(rps "$app_out")") of 100 images (target ≤ 1.5×) |"
echo "| 100 000 images: page 4 000 by keyset link (\`?after=…\`) | $(rps "$big_deep") req/s, p99 $(p99 "$big_deep"); $(ratio "$(rps "$big_deep")" "$(rps "$app_out")") of 100 images (target ≤ 2×) |"
echo "| 100 000 images: page 4 000 by number (\`?page=4000\`, offset scan; older links only) | $(rps "$big_offset") req/s, p99 $(p99 "$big_offset") |"
echo "| gallery \`/images/\` in Chromium: navigation start → hydrated (7 loads, nothing cached) | median ${tti%% *} ms, max $(awk '{print $2}' <<<"$tti") ms; layout shift (CLS) $(awk '{print $3}' <<<"$tti") |"
echo "| same HTML ($(wc -c <"$work/gallery.html") bytes), static file from nginx | $(rps "$nginx_out") req/s, p99 $(p99 "$nginx_out") |"
echo "| server peak memory (VmHWM, whole run incl. 101 uploads) | $((peak_kib / 1024)) MiB |"
echo "| 200 uploads of $((big_bytes / 1048576)) MiB PNG at once (100 users × 2; target peak < 1 GiB) | $uploads_ok of 200 stored ($uploads_codes) in ${uploads_s} s; server RSS before $((rss_before_uploads / 1024)) MiB, peak $((rss_peak_uploads / 1024)) MiB |"
echo "| ZIP of 200 × 2 MB originals: $((zip_bytes / 1048576)) MiB streamed in ${zip_s} s | server RSS before $((rss_before / 1024)) MiB, peak while streaming $((rss_peak / 1024)) MiB |"
echo "| search page \`?q=cafe\` (10 101 images, 1 000 match, 24 shown; target < 20 ms), 30 sequential | $search_cafe |"
echo "| search page \`?q=leo coast\` (two words, 500 match) | $search_two |"
echo "| search page \`?q=catalina 9996\` (one match) | $search_rare |"
echo "| 12 MP JPEG ($(awk '/jpeg_bytes/ {print $2}' "$work/baseline.txt") bytes) upload over HTTP, total | $(python3 -c "print(round($upload_s*1000))") ms |"
echo "| 12 MP JPEG, our pipeline alone (decode, orient, 3 resizes, 3 encodes) | $(awk '/pipeline_ms/ {print $2}' "$work/baseline.txt") ms |"
echo "| 12 MP JPEG, image crate decode + one resize to 1600 px | $(awk '/image_crate_decode_resize_ms/ {print $2}' "$work/baseline.txt") ms |"
if [ -n "$(non2xx "$app_out")" ]; then echo "warning: the app answered non-2xx: $(non2xx "$app_out")" >&2; fi
