#!/usr/bin/env bash
# The whole test suite: dependencies, a database, the build, the quality gates (tsc, eslint, prettier, actions
# pinned by SHA), then every test. Ends with one line `N passed, N failed`.
set -euo pipefail
LOG_PREFIX="test"
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

require_node
ensure_pnpm
install_dependencies
ensure_chromium
ensure_ocr --with-speech
"${PNPM[@]}" run --silent build

log "database: PostgreSQL with pgvector (scripts/db-setup.sh)"
CARABASE_TEST_DATABASE_URL="$(bash scripts/db-setup.sh --print-url)"
export CARABASE_TEST_DATABASE_URL

log "gate: tsc --noEmit (strict)"
"${PNPM[@]}" exec tsc --noEmit
log "gate: eslint"
"${PNPM[@]}" exec eslint . --max-warnings 0
log "gate: prettier --check"
"${PNPM[@]}" exec prettier --check . --log-level warn
log "gate: check-pins"
node scripts/check-pins

report="$(mktemp -t carabase-vitest-XXXXXX.json)"
trap 'rm -f "$report"' EXIT
status=0
"${PNPM[@]}" exec vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node -e '
  const fs = require("node:fs")
  let r = {}
  try { r = JSON.parse(fs.readFileSync(process.argv[1], "utf8")) } catch {}
  const passed = r.numPassedTests ?? 0
  const failed = (r.numFailedTests ?? 0) + (r.numTotalTestSuites === undefined ? 1 : 0)
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  const status = Number(process.argv[2])
  const unexplained = status !== 0 && failed === 0 ? " (vitest exited non-zero: see the errors above)" : ""
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "") + unexplained)
' "$report" "$status"
exit "$status"
