#!/usr/bin/env bash
# Installs a cargo binary crate at an exact version, once (skipped when that
# version is already on PATH).
#
#   scripts/install-crate.sh CRATE VERSION BINARY [--features F] [DEP@VERSION ...]
#
# Published lock files sometimes pin a dependency our registry or our rustc
# cannot use (cargo-leptos 0.3.11 pins cargo-util-schemas 0.14.2, which needs
# rustc 1.96; wasm-bindgen-cli 0.2.130 pins webpki-roots 1.0.11, which the
# registry does not serve). So we unpack the published crate, move just those
# dependencies to the given versions, and install with the rest of its lock.
set -euo pipefail
crate="$1" version="$2" binary="$3"
shift 3
features=()
if [ "${1:-}" = "--features" ]; then features=(--features "$2"); shift 2; fi

if command -v "$binary" >/dev/null 2>&1 \
   && "$binary" --version 2>/dev/null | grep -qw -- "${version}"; then
  exit 0
fi

echo "==> installing ${crate} ${version} (one time; this compiles it from source)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# `cargo info` fetches the .crate into cargo's registry cache with cargo's own client.
cargo info --quiet "${crate}@${version}" >/dev/null
archive="$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"${crate}-${version}.crate" | head -n1)"
tar -xzf "$archive" -C "$work"
cd "$work/${crate}-${version}"
for pin in "$@"; do
  cargo update --quiet -p "${pin%@*}" --precise "${pin#*@}"
done
cargo install --quiet --path . --locked "${features[@]}"
