#!/usr/bin/env bash
# Prints N random bytes (default 32) as lowercase hex: `./scripts/gen-secret.sh 32` gives 64 characters.
set -euo pipefail
bytes="${1:-32}"
if ! [[ "$bytes" =~ ^[0-9]+$ ]] || [ "$bytes" -lt 1 ] || [ "$bytes" -gt 1024 ]; then
  echo "usage: gen-secret.sh N   (N random bytes, 1..1024, printed as 2N lowercase hex characters)" >&2
  exit 2
fi
node -e 'process.stdout.write(require("node:crypto").randomBytes(Number(process.argv[1])).toString("hex") + "\n")' "$bytes"
