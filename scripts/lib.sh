# Shell helpers for the native topology tests (scripts/topology.sh,
# scripts/replicas.sh) and the benchmarks; sourced, not run.

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# `check DESCRIPTION COMMAND...`: counts a passing check in $checks, or
# calls the script's own `fail` with the description.
checks=0
check() {
  local what="$1"; shift
  if "$@"; then checks=$((checks + 1)); else fail "$what"; fi
}

# `header FILE NAME`: the value of header NAME in a `curl -D` dump.
header() {
  awk -v h="$(tr 'A-Z' 'a-z' <<<"$2")" 'tolower($0) ~ "^"h":" {sub(/^[^:]*: */, ""); sub(/\r$/, ""); print; exit}' "$1"
}

# `gradient_png FILE WIDTH HEIGHT`: a small RGB gradient PNG, made without
# any image library.
gradient_png() {
  python3 - "$1" "$2" "$3" <<'PY'
import sys, zlib, struct
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = b''.join(b'\x00' + bytes(v for x in range(w) for v in ((x*255)//w, (y*255)//h, 90)) for y in range(h))
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))
PY
}
