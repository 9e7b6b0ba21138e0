#!/usr/bin/env bash
# scripts/db-stop.sh — stop the project-local PostgreSQL cluster that
# scripts/db-setup.sh created (step 3 there), if it is running.
#
# Usage: scripts/db-stop.sh
#
# Owns nothing else: it never touches a server from DATABASE_URL, the system
# cluster on 127.0.0.1:5432 or a Homebrew service. The data stays in place;
# scripts/db-setup.sh starts the cluster again. No-op (exit 0) when there is
# no local cluster or it is not running. Messages go to stderr, prefixed
# "db-stop: ".
#
# Cluster locations checked (keep in sync with db-setup.sh):
#   <repo>/.data/postgres
#   /var/tmp/carabase-<sha256 of repo path, 12 hex>/postgres  (root fallback)
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_DIR="$(dirname -- "$SCRIPT_DIR")"
readonly SCRIPT_DIR REPO_DIR

log() { printf 'db-stop: %s\n' "$*" >&2; }
die() {
  printf 'db-stop: error: %s\n' "$*" >&2
  exit 1
}

repo_hash() {
  if command -v sha256sum >/dev/null 2>&1; then
    printf '%s' "$REPO_DIR" | sha256sum | cut -c1-12
  else
    printf '%s' "$REPO_DIR" | shasum -a 256 | cut -c1-12
  fi
}

candidate_dirs() {
  printf '%s\n' "$REPO_DIR/.data/postgres" "/var/tmp/carabase-$(repo_hash)/postgres"
}

# pg_ctl matching the cluster's major version.
pg_ctl_for() {
  local ver
  ver="$(<"$1/PG_VERSION")"
  if [[ -x "/usr/lib/postgresql/$ver/bin/pg_ctl" ]]; then
    printf '%s\n' "/usr/lib/postgresql/$ver/bin/pg_ctl"
  elif command -v pg_ctl >/dev/null 2>&1; then
    command -v pg_ctl
  else
    die "no pg_ctl found for PostgreSQL $ver (cluster in $1)"
  fi
}

# Run as the OS user owning the data directory.
as_owner() {
  local dir="$1" owner
  shift
  owner="$(stat -c %U -- "$dir" 2>/dev/null || stat -f %Su -- "$dir")"
  if [[ "$owner" == "$(id -un)" ]]; then
    "$@"
  elif [[ "$EUID" == 0 ]]; then
    (cd / && runuser -u "$owner" -- "$@")
  else
    die "cluster in $dir belongs to $owner; run this as $owner or root"
  fi
}

stop_cluster() {
  local dir="$1" pg_ctl
  pg_ctl="$(pg_ctl_for "$dir")"
  if ! as_owner "$dir" "$pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    log "local cluster in $dir is not running"
    return 0
  fi
  log "stopping the local cluster in $dir"
  as_owner "$dir" "$pg_ctl" -D "$dir" -m fast -w -t 60 stop >&2
}

main() {
  if (($# > 0)); then
    case "$1" in
      -h | --help)
        sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2
        exit 0
        ;;
      *) die "unknown argument: $1 (usage: scripts/db-stop.sh)" ;;
    esac
  fi
  local dir found=0
  while read -r dir; do
    [[ -f "$dir/PG_VERSION" ]] || continue
    found=1
    stop_cluster "$dir"
  done < <(candidate_dirs)
  if [[ "$found" == 0 ]]; then log "no project-local cluster; nothing to stop"; fi
}

main "$@"
