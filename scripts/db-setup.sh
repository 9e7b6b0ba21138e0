#!/usr/bin/env bash
# scripts/db-setup.sh — make a PostgreSQL 15+ server with pgvector available
# for Carabase development, then print an owner (superuser) connection URL.
#
# Usage: scripts/db-setup.sh [--print-url]
#   --print-url   quiet mode: no progress messages (warnings/errors still go
#                 to stderr); the URL is printed either way.
#   -h, --help    show this header.
#
# Output contract: exactly one line on stdout, the connection URL. Everything
# else goes to stderr, prefixed "db-setup: ". Exit status is non-zero (and
# nothing is printed on stdout) when no usable server could be provided.
#
# Decision order (first match wins):
#   1. $DATABASE_URL, if set and `psql "$DATABASE_URL" -c 'select 1'` works.
#      Printed exactly as given. pgvector is only installed when that server
#      runs on this machine.
#   2. A server on 127.0.0.1:5432 accepting superuser `postgres` without a
#      password  -> postgres://postgres@127.0.0.1:5432
#   3. Linux: a project-local cluster  -> postgres://postgres@127.0.0.1:54329
#      data in <repo>/.data/postgres, log in <repo>/.data/postgres.log,
#      listening on 127.0.0.1 only (TCP only, no Unix socket), trust auth,
#      run with the system binaries (/usr/lib/postgresql/<ver>/bin). As root
#      the cluster belongs to the `postgres` OS user; if that user cannot
#      traverse into the repo (e.g. repo under a 0700 home) the cluster goes
#      to /var/tmp/carabase-<hash of repo path>/ instead. Missing binaries are
#      installed with apt-get (Debian packages `postgresql`).
#      macOS: Homebrew (`postgresql@17` + `pgvector`, started with
#      `brew services`) -> postgres://postgres@127.0.0.1:5432 (a `postgres`
#      superuser role is created if missing). postgresql@17 rather than @16:
#      Homebrew's pgvector formula ships builds only for some postgresql@N
#      formulas (14/17, later 17/18), not 16.
#
# What this script owns (and may change):
#   - <repo>/.data/postgres, <repo>/.data/postgres.log (git-ignored), or
#     /var/tmp/carabase-<hash>/ in the fallback case above.
#   - System packages it installs when something is missing (Debian):
#     postgresql, postgresql-server-dev-<major>, build-essential, or
#     postgresql-<major>-pgvector when apt offers it; otherwise pgvector built
#     from Debian's source package of the newer release (see STACK.md), with
#     `make install` into the server's extension directories.
#   - Restarting Debian clusters that an apt-get install stopped.
#   It never edits the system's apt configuration: the pgvector source is
#   fetched with a private, temporary apt sources/lists/cache directory.
#   The pgvector check runs `CREATE EXTENSION IF NOT EXISTS vector` inside a
#   transaction that is rolled back, so a check changes nothing.
#
# Environment:
#   DATABASE_URL                      see step 1.
#   CARABASE_DB_SETUP_SKIP_DEFAULT=1  skip step 2 (testing path 3 on a machine
#                                     that does run a server on 5432).
#   CARABASE_PGVECTOR_SRC_SUITE       Debian suite for the pgvector source
#                                     package (default: trixie).
#   CARABASE_BREW_PG_FORMULA          macOS formula (default: postgresql@17).
#
# Idempotent: a second run only checks (well under a few seconds) and changes
# nothing. Stop the project-local cluster with scripts/db-stop.sh.
set -Eeuo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_DIR="$(dirname -- "$SCRIPT_DIR")"
readonly SCRIPT_DIR REPO_DIR

readonly MIN_PG_MAJOR=15
readonly DEFAULT_URL='postgres://postgres@127.0.0.1:5432'
readonly LOCAL_PORT=54329
readonly LOCAL_URL="postgres://postgres@127.0.0.1:${LOCAL_PORT}"
readonly CONF_MARKER='# --- carabase db-setup: project-local cluster ---'

QUIET=0
PLATFORM=''        # debian | darwin | linux
APT_UPDATED=0
WORK_DIR=''
ERROR_REPORTED=0
TARGET_URL=''
TARGET_IS_LOCAL=0  # 1 when the server runs on this machine
LOCAL_CLUSTER=0    # 1 when TARGET_URL is the project-local cluster
INSTALLED_PG=0     # 1 once this run installed PostgreSQL server packages
PG_BINDIR=''       # binaries of the project-local cluster
PGDATA_DIR=''
PGLOG_FILE=''

# ---------------------------------------------------------------- helpers --

log() { if [[ "$QUIET" == 0 ]]; then printf 'db-setup: %s\n' "$*" >&2; fi; }
warn() { printf 'db-setup: warning: %s\n' "$*" >&2; }
die() {
  printf 'db-setup: error: %s\n' "$*" >&2
  exit 1
}

usage() { sed -n '2,/^set -/{/^#/s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}" >&2; }

on_error() {
  if [[ "$ERROR_REPORTED" == 1 ]]; then return 0; fi
  ERROR_REPORTED=1
  printf 'db-setup: error: command failed (exit %s, line %s): %s\n' "$1" "$2" "$3" >&2
}

cleanup() { if [[ -n "$WORK_DIR" ]]; then rm -rf -- "$WORK_DIR"; fi; }

# Creates $WORK_DIR (removed by the EXIT trap). Call it directly, not in $(),
# or the variable is set only in a subshell and never cleaned up.
make_work_dir() {
  if [[ -z "$WORK_DIR" ]]; then
    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/carabase-db-setup.XXXXXX")"
    chmod 755 "$WORK_DIR" # lets apt's _apt sandbox user write its downloads
  fi
}

# Run a command with its stdout sent to stderr (stdout is reserved for the
# URL). In quiet mode its output is kept and only shown when it fails.
# fd 9 (the run lock) is closed so that daemons started here do not hold it.
run() {
  local out='' rc=0
  if [[ "$QUIET" == 0 ]]; then
    "$@" >&2 9>&- || rc=$?
  else
    out="$(mktemp "${TMPDIR:-/tmp}/carabase-db-setup-out.XXXXXX")"
    "$@" >"$out" 2>&1 9>&- || rc=$?
    if [[ "$rc" != 0 ]]; then cat -- "$out" >&2; fi
    rm -f -- "$out"
  fi
  if [[ "$rc" != 0 ]]; then
    printf 'db-setup: error: failed (exit %s): %s\n' "$rc" "$*" >&2
    ERROR_REPORTED=1
  fi
  return "$rc"
}

as_root() {
  if [[ "$EUID" == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo -- "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# Run as the OS user owning the project-local cluster (initdb refuses root).
as_db_owner() {
  if [[ "$EUID" == 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

psql_q() {
  PGCONNECT_TIMEOUT="${PGCONNECT_TIMEOUT:-5}" \
    psql -X -w -q -A -t -v ON_ERROR_STOP=1 "$@"
}

can_connect() { psql_q "$1" -c 'select 1' >/dev/null 2>&1; }

wait_for() {
  local url="$1" tries="${2:-30}"
  while ((tries-- > 0)); do
    if can_connect "$url"; then return 0; fi
    sleep 1
  done
  return 1
}

server_major() { psql_q "$1" -c 'show server_version_num' | awk '{ print int($1 / 10000) }'; }

detect_platform() {
  case "$(uname -s)" in
    Darwin) PLATFORM=darwin ;;
    Linux) if command -v apt-get >/dev/null 2>&1 && [[ -r /etc/debian_version ]]; then PLATFORM=debian; else PLATFORM=linux; fi ;;
    *) die "unsupported OS: $(uname -s)" ;;
  esac
}

# Serialise concurrent runs (Linux; flock is not on macOS by default).
acquire_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  command -v sha256sum >/dev/null 2>&1 || return 0
  exec 9>>"${TMPDIR:-/tmp}/carabase-db-setup-$(repo_hash).lock" || return 0
  flock -w 600 9 || die "another db-setup run holds the lock"
}

# ------------------------------------------------------------ apt (Debian) --

apt_update_once() {
  if [[ "$APT_UPDATED" == 1 ]]; then return 0; fi
  log "apt-get update"
  run as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  APT_UPDATED=1
}

# Debian clusters currently online, one "<ver> <name>" per line.
online_clusters() {
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1, $2 }'
  fi
}

# Package upgrades can stop a running server: start again what went down.
restart_stopped_clusters() {
  local before="$1" now ver name
  now="$(online_clusters)"
  while read -r ver name; do
    [[ -n "$ver" ]] || continue
    if ! grep -qx -- "$ver $name" <<<"$now"; then
      log "cluster $ver/$name went down during the install; starting it again"
      run as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
    fi
  done <<<"$before"
}

apt_install() {
  local before
  apt_update_once
  before="$(online_clusters)"
  log "apt-get install $*"
  run as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "$@"
  restart_stopped_clusters "$before"
}

apt_has_candidate() {
  local cand
  cand="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
  [[ -n "$cand" && "$cand" != '(none)' ]]
}

# ------------------------------------------------------------ steps 1 and 2 --

ensure_psql() {
  if command -v psql >/dev/null 2>&1; then return 0; fi
  case "$PLATFORM" in
    debian) apt_install postgresql-client ;;
    darwin) brew_pg_on_path install ;;
    *) die "psql not found; install the PostgreSQL client" ;;
  esac
  command -v psql >/dev/null 2>&1 || die "psql still not found after installing it"
}

is_local_server() {
  local addr
  addr="$(psql_q "$1" -c "select coalesce(host(inet_server_addr()), 'socket')" 2>/dev/null)" || return 1
  case "$addr" in
    socket | 127.* | ::1) return 0 ;;
  esac
  [[ "$PLATFORM" != darwin ]] && command -v hostname >/dev/null 2>&1 &&
    hostname -I 2>/dev/null | tr ' ' '\n' | grep -qxF -- "$addr"
}

try_database_url() {
  [[ -n "${DATABASE_URL:-}" ]] || return 1
  if ! can_connect "$DATABASE_URL"; then
    warn "DATABASE_URL is set but 'select 1' fails on it; ignoring it"
    return 1
  fi
  log "using the server from DATABASE_URL"
  TARGET_URL="$DATABASE_URL"
  if is_local_server "$DATABASE_URL"; then TARGET_IS_LOCAL=1; fi
}

try_default_server() {
  if [[ "${CARABASE_DB_SETUP_SKIP_DEFAULT:-}" == 1 ]]; then
    log "CARABASE_DB_SETUP_SKIP_DEFAULT=1: not using a server on 127.0.0.1:5432"
    return 1
  fi
  can_connect "$DEFAULT_URL" || return 1
  log "using the server on 127.0.0.1:5432 (superuser postgres, no password)"
  TARGET_URL="$DEFAULT_URL"
  TARGET_IS_LOCAL=1
}

# ------------------------------------------- step 3, Linux: local cluster --

# Newest /usr/lib/postgresql/<ver>/bin with initdb and pg_ctl, ver >= $1
# (or exactly $2 when given).
find_pg_bindir() {
  local min="$1" exact="${2:-}" dir ver best='' best_ver=0
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || continue
    ver="$(basename -- "$(dirname -- "$dir")")"
    [[ "$ver" =~ ^[0-9]+$ ]] || continue
    if [[ -n "$exact" ]]; then
      [[ "$ver" == "$exact" ]] || continue
    else
      ((ver >= min)) || continue
    fi
    if ((ver > best_ver)); then best="$dir" best_ver="$ver"; fi
  done
  [[ -n "$best" ]] && printf '%s\n' "$best"
}

repo_hash() { printf '%s' "$REPO_DIR" | sha256sum | cut -c1-12; }

postgres_can_traverse() {
  local dir="$1"
  [[ "$EUID" != 0 ]] && return 0
  (cd / && runuser -u postgres -- test -x "$dir") 2>/dev/null
}

choose_cluster_paths() {
  local base="$REPO_DIR/.data"
  if [[ "$EUID" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "OS user 'postgres' does not exist (needed to run initdb as root)"
    if ! postgres_can_traverse "$REPO_DIR" || { [[ -d "$base" ]] && ! postgres_can_traverse "$base"; }; then
      base="/var/tmp/carabase-$(repo_hash)"
      log "the postgres user cannot reach $REPO_DIR; using $base for the local cluster instead"
    fi
  fi
  PGDATA_DIR="$base/postgres"
  PGLOG_FILE="$base/postgres.log"
}

# Sets PG_BINDIR to the binaries for major version $1 (empty: the newest
# >= MIN_PG_MAJOR), installing the Debian packages when they are missing.
# Sets INSTALLED_PG=1 when it installed something.
ensure_linux_binaries() {
  local want="$1"
  PG_BINDIR="$(find_pg_bindir "$MIN_PG_MAJOR" "$want" || true)"
  if [[ -n "$PG_BINDIR" ]]; then return 0; fi
  [[ "$PLATFORM" == debian ]] ||
    die "no PostgreSQL ${want:-$MIN_PG_MAJOR+} binaries under /usr/lib/postgresql; install them"
  if [[ -n "$want" ]]; then apt_install "postgresql-$want"; else apt_install postgresql; fi
  INSTALLED_PG=1
  PG_BINDIR="$(find_pg_bindir "$MIN_PG_MAJOR" "$want" || true)"
  [[ -n "$PG_BINDIR" ]] ||
    die "PostgreSQL ${want:-$MIN_PG_MAJOR+} binaries still missing after apt-get install"
}

pick_locale() {
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then echo C.UTF-8; else echo C; fi
}

prepare_cluster_dirs() {
  local base
  base="$(dirname -- "$PGDATA_DIR")"
  mkdir -p -- "$base" "$PGDATA_DIR"
  touch -- "$PGLOG_FILE"
  if [[ "$EUID" == 0 ]]; then
    chown postgres: -- "$PGDATA_DIR" "$PGLOG_FILE"
    if [[ "$base" == /var/tmp/* ]]; then chown postgres: -- "$base" && chmod 700 -- "$base"; fi
  fi
  chmod 700 -- "$PGDATA_DIR"
  chmod 600 -- "$PGLOG_FILE"
}

init_local_cluster() {
  if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then return 0; fi
  log "initdb $PGDATA_DIR ($(basename -- "$(dirname -- "$PG_BINDIR")"))"
  prepare_cluster_dirs
  run as_db_owner "$PG_BINDIR/initdb" -D "$PGDATA_DIR" -U postgres \
    --auth=trust -E UTF8 --locale="$(pick_locale)"
  # initdb's pg_hba.conf with --auth=trust: trust for local and 127.0.0.1/::1.
  {
    printf '\n%s\n' "$CONF_MARKER"
    printf "listen_addresses = '127.0.0.1'\n"
    printf 'port = %s\n' "$LOCAL_PORT"
    printf "unix_socket_directories = ''\n"
  } >>"$PGDATA_DIR/postgresql.conf"
}

local_cluster_running() { as_db_owner "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; }

start_local_cluster() {
  if local_cluster_running; then
    wait_for "$LOCAL_URL" 10 && return 0
    die "local cluster in $PGDATA_DIR runs but does not answer on 127.0.0.1:$LOCAL_PORT (see $PGLOG_FILE)"
  fi
  if can_connect "$LOCAL_URL"; then
    die "another server already answers on 127.0.0.1:$LOCAL_PORT; stop it or set DATABASE_URL"
  fi
  log "starting the local cluster on 127.0.0.1:$LOCAL_PORT (log: $PGLOG_FILE)"
  if ! run as_db_owner "$PG_BINDIR/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG_FILE" -w -t 60 start; then
    tail -n 20 -- "$PGLOG_FILE" >&2 || true
    die "could not start the local cluster in $PGDATA_DIR"
  fi
  wait_for "$LOCAL_URL" 10 || die "local cluster started but does not answer on 127.0.0.1:$LOCAL_PORT"
}

use_local_cluster() {
  ensure_linux_binaries ''
  if [[ "$INSTALLED_PG" == 1 ]] && try_default_server; then
    return 0 # installing `postgresql` brought up Debian's own cluster on 5432
  fi
  choose_cluster_paths
  if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then
    ensure_linux_binaries "$(<"$PGDATA_DIR/PG_VERSION")"
  fi
  init_local_cluster
  start_local_cluster
  log "using the project-local cluster in $PGDATA_DIR"
  TARGET_URL="$LOCAL_URL"
  TARGET_IS_LOCAL=1
  LOCAL_CLUSTER=1
}

# ------------------------------------------------- step 3, macOS: Homebrew --

brew_formula() { printf '%s\n' "${CARABASE_BREW_PG_FORMULA:-postgresql@17}"; }

brew_ensure() {
  if brew list --versions "$1" >/dev/null 2>&1; then return 0; fi
  log "brew install $1"
  run brew install "$1"
}

# Put the (keg-only) Homebrew PostgreSQL binaries first on PATH; with
# "install", install the formula when missing.
brew_pg_on_path() {
  local formula
  formula="$(brew_formula)"
  if ! command -v brew >/dev/null 2>&1; then
    if [[ "${1:-}" == install ]]; then die "Homebrew not found; install it or set DATABASE_URL"; fi
    return 0
  fi
  if [[ "${1:-}" == install ]]; then brew_ensure "$formula"; fi
  if brew list --versions "$formula" >/dev/null 2>&1; then
    PATH="$(brew --prefix "$formula")/bin:$PATH"
  fi
}

use_brew_server() {
  local formula
  formula="$(brew_formula)"
  brew_pg_on_path install
  brew_ensure pgvector
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    log "brew services start $formula"
    run brew services start "$formula"
    local tries=30
    until pg_isready -q -h 127.0.0.1 -p 5432; do
      ((tries-- > 0)) || die "$formula did not come up on 127.0.0.1:5432"
      sleep 1
    done
  fi
  if ! can_connect "$DEFAULT_URL"; then
    # Homebrew's initdb makes the login user the superuser; add `postgres`.
    log "creating superuser role postgres"
    psql_q -h 127.0.0.1 -p 5432 -d postgres -c 'create role postgres superuser login' >/dev/null ||
      die "could not create role postgres on 127.0.0.1:5432 (is another server on that port?)"
  fi
  TARGET_URL="$DEFAULT_URL"
  TARGET_IS_LOCAL=1
}

# --------------------------------------------------------------- pgvector --

vector_available() {
  [[ -n "$(psql_q "$1" -c "select 1 from pg_available_extensions where name = 'vector'")" ]]
}

# Creates the extension inside a transaction that is rolled back: proves the
# control file and the shared library both work, changes nothing.
vector_probe() {
  psql_q "$1" -c 'begin' -c 'create extension if not exists vector' \
    -c "select extversion from pg_extension where extname = 'vector' and '[1,2,3]'::vector(3) is not null" \
    -c 'rollback'
}

write_src_sources() {
  local out="$1" suite="$2"
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    awk -v RS='' 'NR == 1 { print; exit }' /etc/apt/sources.list.d/debian.sources |
      sed -E -e 's/^Types:.*/Types: deb-src/' -e "s/^Suites:.*/Suites: $suite/" >"$out.sources"
  elif [[ -r /etc/apt/sources.list ]]; then
    awk -v suite="$suite" '
      $1 == "deb" {
        i = 2; opts = ""
        if ($2 ~ /^\[/) { while (i <= NF) { opts = opts " " $i; if ($i ~ /\]$/) break; i++ }; i++ }
        print "deb-src" opts " " $i " " suite " main"; exit
      }' /etc/apt/sources.list >"$out.list"
    [[ -s "$out.list" ]] || die "no 'deb' line in /etc/apt/sources.list"
  else
    die "neither /etc/apt/sources.list.d/debian.sources nor /etc/apt/sources.list found"
  fi
}

fetch_pgvector_source() {
  local dir="$1" suite="${CARABASE_PGVECTOR_SRC_SUITE:-trixie}"
  local -a opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$dir/apt/parts"
    -o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache")
  mkdir -p "$dir/apt/parts" "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/src"
  write_src_sources "$dir/apt/parts/pgvector-src" "$suite"
  log "fetching Debian's pgvector source package ($suite)"
  run apt-get -q "${opts[@]}" update
  if [[ "$EUID" == 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$dir/src"; fi
  local prev="$PWD"
  cd "$dir/src"
  run apt-get -q "${opts[@]}" source --download-only pgvector
  cd "$prev"
}

build_pgvector_from_source() {
  local major="$1" pg_config="/usr/lib/postgresql/$1/bin/pg_config" dir src
  # postgresql-<major> ships pg_config and pgxs.mk, but the server headers
  # come only with postgresql-server-dev-<major>.
  if ! [[ -x "$pg_config" && -f "$("$pg_config" --includedir-server 2>/dev/null)/postgres.h" ]]; then
    apt_install "postgresql-server-dev-$major"
  fi
  if ! command -v make >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
    apt_install build-essential
  fi
  make_work_dir
  dir="$WORK_DIR"
  fetch_pgvector_source "$dir"
  tar -xzf "$(find "$dir/src" -maxdepth 1 -name 'pgvector_*.orig.tar.gz' -print -quit)" -C "$dir/src" ||
    die "pgvector source archive not found"
  src="$(find "$dir/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector*' -print -quit)"
  [[ -n "$src" ]] || die "unpacked pgvector source directory not found"
  log "building pgvector ($(basename -- "$src")) for PostgreSQL $major"
  run make -C "$src" -j "$(nproc 2>/dev/null || echo 2)" PG_CONFIG="$pg_config" OPTFLAGS=""
  run as_root make -C "$src" install PG_CONFIG="$pg_config" OPTFLAGS=""
}

install_pgvector() {
  local url="$1" major
  major="$(server_major "$url")"
  case "$PLATFORM" in
    debian)
      apt_update_once
      if apt_has_candidate "postgresql-$major-pgvector"; then
        apt_install "postgresql-$major-pgvector"
      else
        build_pgvector_from_source "$major"
      fi
      ;;
    darwin)
      brew_ensure pgvector
      vector_available "$url" ||
        die "Homebrew's pgvector has no build for this server (PostgreSQL $major); use $(brew_formula) or set DATABASE_URL"
      ;;
    *) die "pgvector is missing for PostgreSQL $major; install it (make && make install from its source)" ;;
  esac
}

# After installing anything the server may have been stopped: bring it back.
ensure_target_up() {
  if can_connect "$TARGET_URL"; then return 0; fi
  if [[ "$LOCAL_CLUSTER" == 1 ]]; then start_local_cluster; fi
  wait_for "$TARGET_URL" 30 || die "the server stopped answering after the install"
}

ensure_pgvector() {
  local url="$1" version
  if ! vector_available "$url"; then
    if [[ "$TARGET_IS_LOCAL" != 1 ]]; then
      warn "the server from DATABASE_URL lacks pgvector and is not on this machine; install pgvector there"
      return 0
    fi
    log "pgvector is not installed for this server; installing it"
    install_pgvector "$url"
    ensure_target_up
    vector_available "$url" || die "pgvector still unavailable after installing it"
  fi
  if version="$(vector_probe "$url" 2>&1)"; then
    log "pgvector ${version} available"
  else
    warn "pgvector is installed but CREATE EXTENSION vector failed here: $version"
  fi
}

# ------------------------------------------------------------------- main --

parse_args() {
  while (($# > 0)); do
    case "$1" in
      --print-url) QUIET=1 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *)
        usage
        die "unknown argument: $1"
        ;;
    esac
    shift
  done
}

main() {
  parse_args "$@"
  trap cleanup EXIT
  trap 'on_error "$?" "$LINENO" "$BASH_COMMAND"' ERR
  detect_platform
  acquire_lock
  if [[ "$PLATFORM" == darwin ]]; then brew_pg_on_path; fi
  ensure_psql

  if try_database_url || try_default_server; then
    :
  elif [[ "$PLATFORM" == darwin ]]; then
    use_brew_server
  else
    use_local_cluster
  fi

  ensure_pgvector "$TARGET_URL"
  printf '%s\n' "$TARGET_URL"
}

main "$@"
