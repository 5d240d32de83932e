#!/usr/bin/env bash
# The first-load guard (make test): the brotli bytes of the JS and WASM the
# release build made (target/site/pkg, named in hash.txt beside the binary).
# The build is split (#13): every page loads the main bundle (the runtime,
# the theme toggle and the small islands); a page with a lazy island (the
# image grid, the uploader, a share link's grid) also loads that island's
# chunks, listed in the split manifest; the lightbox's chunks load when it
# is first opened, and the upload queue's when the first file is added.
# Sizes are fixed for one source, so this fails when a change grows the
# main bundle past its ceiling (today's size with a little room) or a
# page's load (main + one lazy island) past the goal of 150 KB, both kept
# in bundle-budget.json, which the end-to-end test first-load.spec.ts (what
# each page really fetches) reads too.
set -euo pipefail
cd "$(dirname "$0")/.."

bin_dir="${CARGO_TARGET_DIR:-target}/release"
pkg=target/site/pkg
[ -f "$bin_dir/hash.txt" ] || { echo "bundle-size: $bin_dir/hash.txt is missing: run make build" >&2; exit 1; }

python3 - "$pkg" "$bin_dir/hash.txt" scripts/bundle-budget.json <<'EOF'
import json, os, sys

pkg, hash_txt = sys.argv[1], sys.argv[2]
budget = json.load(open(sys.argv[3]))
main_ceiling, page_ceiling, goal = budget["main_ceiling_kb"], budget["page_ceiling_kb"], budget["goal_kb"]
hashes = dict(line.split(": ", 1) for line in open(hash_txt).read().split("\n") if ": " in line)
missing = [k for k in ("js", "wasm", "split", "manifest") if k not in hashes]
if missing:
    sys.exit(f"bundle-size: {hash_txt} has no {', '.join(missing)} line: run make build (a --split build)")

def brotli(name):
    path = os.path.join(pkg, name + ".br")
    if not os.path.exists(path):
        sys.exit(f"bundle-size: {path} is missing (built without --precompress, or not pinned?)")
    return os.stat(path).st_size

kb = lambda n: (n + 1023) // 1024
main_files = [f"cloudtalents.{hashes['js']}.js", f"cloudtalents.{hashes['wasm']}.wasm", f"__wasm_split.{hashes['split']}.js"]
main = sum(brotli(f) for f in main_files)
for f in main_files:
    print(f"  {f:60} {brotli(f):8} brotli")
print(f"bundle-size: every page loads {kb(main)} KB brotli (ceiling {main_ceiling} KB)")

manifest = json.load(open(os.path.join(pkg, f"__wasm_split_manifest.{hashes['manifest']}.json")))
failed = main > main_ceiling * 1024
# Split points fetched on use, not by a page's first load (some of their
# chunks are shared with the island that fetches them).
on_use = {"lightbox": "when first opened", "upload_queue": "when the first file is added"}
for split, chunks in sorted(manifest.items()):
    part = sum(brotli(c + ".wasm") for c in chunks)
    name = split.rsplit("_", 1)[0] if split.endswith(tuple("0123456789")) else split
    if name in on_use:
        print(f"  {name:32} {kb(part):4} KB in {len(chunks)} chunks, loaded {on_use[name]}")
        continue
    total = main + part
    print(f"  {name:32} {kb(part):4} KB in {len(chunks)} chunks: a page with it loads {kb(total)} KB (ceiling {page_ceiling} KB, goal {goal} KB)")
    failed |= total > page_ceiling * 1024
if failed:
    sys.exit("bundle-size: FAILED: a first load grew past its ceiling")
EOF
