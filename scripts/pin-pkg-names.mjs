// Gives every JS and WASM file of a split build one content hash: the
// build's (#13). `cargo leptos build --split` names each file by a hash of
// its content and only then writes the loader's (__wasm_split.*.js) hashed
// name into the main JS, the main WASM and every chunk, so those files can
// change while their names do not. Served `immutable`, a browser could then
// keep an old main bundle that asks for chunks a deploy removed. Here every
// file is renamed to `<stem>.<build hash>.<ext>`, where the build hash is
// the MD5 of all their contents: a change anywhere renames them all. The
// references inside them (text in JS and JSON, same-length bytes in WASM)
// and hash.txt follow, and the changed files are compressed again.
//
// usage: node scripts/pin-pkg-names.mjs <site pkg dir> <hash.txt>
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const [pkg, hashFile] = process.argv.slice(2);
if (!pkg || !hashFile) {
  console.error("usage: node scripts/pin-pkg-names.mjs <site pkg dir> <hash.txt>");
  process.exit(2);
}

// hash.txt first: nothing is renamed unless it can be told the new names.
const pinnedKinds = ["js", "wasm", "split"];
const lines = fs.readFileSync(hashFile, "utf8").split("\n");
const kindOf = (line) => line.split(":")[0].trim();
const missing = pinnedKinds.filter((kind) => !lines.some((line) => kindOf(line) === kind));
if (missing.length > 0) {
  console.error(`pin-pkg-names: ${hashFile} has no ${missing.join(", ")} line: build with --split and hash-files`);
  process.exit(1);
}

// "<stem>.<22-character base64url MD5>.<js|wasm>", as cargo-leptos names them.
const HASHED = /^(.+)\.([A-Za-z0-9_-]{22})\.(js|wasm)$/;
const files = fs
  .readdirSync(pkg)
  .map((name) => ({ name, m: HASHED.exec(name) }))
  .filter(({ m }) => m)
  .map(({ name, m }) => ({ name, stem: m[1], hash: m[2], ext: m[3] }))
  .sort((a, b) => (a.name < b.name ? -1 : 1));
if (!files.some((f) => f.stem.startsWith("__wasm_split"))) {
  console.error(`pin-pkg-names: ${pkg} has no __wasm_split loader: build with --split`);
  process.exit(1);
}

const md5 = crypto.createHash("md5");
for (const f of files) md5.update(`${f.stem}.${f.ext}\0`).update(fs.readFileSync(path.join(pkg, f.name)));
const build = md5.digest("base64url");

// "<stem>.<old hash>" → "<stem>.<build hash>": the same length, so WASM
// bytes can be replaced in place; with the stem, files of equal content
// (and so equal hash) stay apart.
const renames = files.map((f) => [`${f.stem}.${f.hash}`, `${f.stem}.${build}`]);
const replaceText = (text) => renames.reduce((t, [from, to]) => t.split(from).join(to), text);
function replaceBytes(bytes) {
  for (const [from, to] of renames) {
    const needle = Buffer.from(from);
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length)) {
      Buffer.from(to).copy(bytes, at);
    }
  }
  return bytes;
}

function writeCompressed(file, bytes) {
  fs.writeFileSync(file, bytes);
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(bytes, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes, { level: 9 }));
}
const removeWithCompressed = (file) => ["", ".br", ".gz"].forEach((s) => fs.rmSync(file + s, { force: true }));

for (const f of files) {
  const from = path.join(pkg, f.name);
  const bytes = fs.readFileSync(from);
  const pinned = f.ext === "js" ? Buffer.from(replaceText(bytes.toString("utf8"))) : replaceBytes(bytes);
  removeWithCompressed(from);
  writeCompressed(path.join(pkg, `${f.stem}.${build}.${f.ext}`), pinned);
}
// The split manifest (read by the server) names the chunks too.
for (const name of fs.readdirSync(pkg).filter((n) => /^__wasm_split_manifest\..*\.json$/.test(n))) {
  const file = path.join(pkg, name);
  writeCompressed(file, Buffer.from(replaceText(fs.readFileSync(file, "utf8"))));
}

fs.writeFileSync(hashFile, lines.map((line) => (pinnedKinds.includes(kindOf(line)) ? `${kindOf(line)}: ${build}` : line)).join("\n"));
console.log(`pin-pkg-names: ${files.length} JS and WASM files in ${pkg} now carry the build hash ${build}`);
