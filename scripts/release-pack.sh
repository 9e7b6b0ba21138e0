#!/usr/bin/env bash
# Builds the release for a version tag and packs it: <out-dir>/carabase-host-<version>.tar.gz (dist, sql, scripts,
# patches (the lockfile names them: `pnpm install --frozen-lockfile` refuses to run without them), package.json, the
# lockfile, README, .env.example) and its .sha256 file (`sha256sum -c` checks it).
# The version is stamped from the tag; its update channel (stable, beta, alpha) comes from the host's own channelOf.
#
# Usage: scripts/release-pack.sh <tag> <out-dir>    e.g. scripts/release-pack.sh v1.2.3-beta.1 /tmp/release
# Prints `version=`, `channel=`, `tarball=` and `checksum=` lines on stdout (for $GITHUB_OUTPUT); logs on stderr.
set -euo pipefail
LOG_PREFIX="release-pack"
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

if [[ $# -ne 2 ]]; then
  log "usage: scripts/release-pack.sh <tag> <out-dir>"
  exit 2
fi
tag="$1"
out="$2"
if ! [[ "$tag" =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  log "$tag is not a release tag (vX.Y.Z or vX.Y.Z-pre.N)"
  exit 2
fi
version="${tag#v}"
name="carabase-host-${version}"
work="$(mktemp -d -t carabase-release-XXXXXX)"
trap 'rm -rf "$work"' EXIT

log "building $version"
CARABASE_RELEASE_VERSION="$tag" node scripts/build.mjs
grep -qF "\"${version}\"" dist/main.js || {
  log "dist/main.js does not carry version $version"
  exit 1
}

pnpm exec esbuild src/meta/Version.ts --bundle --format=esm --platform=node --log-level=warning \
  --outfile="$work/version.mjs"
channel="$(node --input-type=module -e \
  'const { channelOf } = await import(process.argv[1]); console.log(channelOf(process.argv[2]))' \
  "$work/version.mjs" "$tag")"
log "channel: $channel"

stage="$work/$name"
mkdir -p "$stage/dist"
cp dist/main.js dist/main.js.map dist/cli.js dist/cli.js.map dist/extract-worker.js dist/extract-worker.js.map "$stage/dist/"
cp -R dist/admin "$stage/dist/"
cp -R sql scripts patches "$stage/"
cp pnpm-lock.yaml README.md .env.example "$stage/"
node -e '
  const fs = require("node:fs")
  const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"))
  pkg.version = process.argv[2]
  fs.writeFileSync(process.argv[1], JSON.stringify(pkg, null, 2) + "\n")
' "$stage/package.json" "$version"

mkdir -p "$out"
epoch="$(git log -1 --format=%ct 2>/dev/null || date +%s)"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@${epoch}" -C "$work" -cf - "$name" |
  gzip -n -9 >"$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
log "packed $out/$name.tar.gz ($(cut -d' ' -f1 "$out/$name.tar.gz.sha256"))"

printf 'version=%s\nchannel=%s\ntarball=%s\nchecksum=%s\n' "$version" "$channel" "$out/$name.tar.gz" \
  "$out/$name.tar.gz.sha256"
