#!/usr/bin/env bash
# One command from a fresh machine to a running host: dependencies (and the OCR engine), build, database (PostgreSQL + pgvector, the
# env's database and the carabase_app role), env file with fresh secrets, migrations, start. Safe to run again: nothing set is overwritten.
set -euo pipefail
LOG_PREFIX="up"
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

require_node
ensure_pnpm
install_dependencies
ensure_ocr
"${PNPM[@]}" run --silent build
CARABASE_ENV="${CARABASE_ENV:-dev}" node dist/cli.js bootstrap
log "applying migrations"
node dist/cli.js migrate
log "starting the host (Ctrl-C stops it)"
exec node dist/main.js
