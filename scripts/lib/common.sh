# Shared by scripts/up.sh and scripts/test.sh: find the repo, make sure pnpm 10 is available, install dependencies.
# Sourced, not executed.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PNPM_VERSION="10.34.9"

log() { printf '%s: %s\n' "${LOG_PREFIX:-carabase}" "$*" >&2; }

# Node.js 20, 22 or 24 (package.json's engines); an older one stops here, another line only warns.
require_node() {
  if ! command -v node >/dev/null 2>&1; then
    log "Node.js 22 or 24 is required (20 still runs; https://nodejs.org or your package manager)"
    exit 1
  fi
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -lt 20 ]; then
    log "Node.js 22 or 24 is required (20 still runs); this is $(node --version)"
    exit 1
  fi
  case "$major" in
  20) log "Node.js 20 reached its end of life in April 2026: install Node.js 22 or 24" ;;
  22 | 24) ;;
  *) log "Node.js $(node --version) is not a supported release line (20, 22, 24); carrying on" ;;
  esac
}

# Defines PNPM as the command to run pnpm with. Installs pnpm with npm when it is missing (corepack is not used:
# it fails signature checks on registries that serve none).
ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [[ "$(pnpm --version 2>/dev/null)" == 10.* ]]; then
    PNPM=(pnpm)
    return
  fi
  log "installing pnpm ${PNPM_VERSION} with npm"
  if npm install --global --silent "pnpm@${PNPM_VERSION}" >/dev/null 2>&1 && command -v pnpm >/dev/null 2>&1; then
    PNPM=(pnpm)
  else
    log "global install not permitted; using npx pnpm@${PNPM_VERSION}"
    PNPM=(npx --yes "pnpm@${PNPM_VERSION}")
  fi
}

install_dependencies() {
  (cd "$REPO_ROOT" && CI=true "${PNPM[@]}" install --frozen-lockfile --reporter=append-only >&2)
}

# Debian's Chromium for the admin UI's browser tests (driven by playwright-core, which downloads no browser here).
# Installs it with apt-get when missing (sudo only when not root); if that fails the browser tests fail loudly.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
    return
  fi
  log "installing Chromium for the browser tests (apt-get install chromium)"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo -n)
    else
      log "cannot install Chromium: not root and no sudo; the browser tests in test/web will fail"
      return
    fi
  fi
  "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || true
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; then
    log "apt-get install chromium failed; the browser tests in test/web will fail"
  fi
}

# The OCR engine for images and scanned PDFs (README, Artifacts): Tesseract with its English data and Poppler's
# pdftoppm/pdfinfo, from apt on Debian/Ubuntu (sudo only when not root) or Homebrew on macOS, when missing. With
# `--with-speech`, also espeak-ng, which only the tests use (to make a voice note). The host runs without them: an
# image then says "OCR engine not installed".
ensure_ocr() {
  local packages=() speech="${1:-}"
  command -v tesseract >/dev/null 2>&1 || packages+=(tesseract)
  command -v pdftoppm >/dev/null 2>&1 || packages+=(poppler)
  if [ "$speech" = "--with-speech" ] && ! command -v espeak-ng >/dev/null 2>&1; then packages+=(espeak-ng); fi
  [ "${#packages[@]}" -eq 0 ] && return
  case "$(uname -s)" in
    Darwin)
      if command -v brew >/dev/null 2>&1; then
        log "installing ${packages[*]} with Homebrew (OCR of images and scanned PDFs)"
        brew install "${packages[@]}" >/dev/null || log "brew install ${packages[*]} failed; images will say: OCR engine not installed"
      else
        log "Tesseract is missing and Homebrew is not installed: images will say \"OCR engine not installed\" (brew install tesseract poppler)"
      fi
      ;;
    *)
      local debs=() sudo=()
      for package in "${packages[@]}"; do
        case "$package" in
          tesseract) debs+=(tesseract-ocr tesseract-ocr-eng) ;;
          poppler) debs+=(poppler-utils) ;;
          *) debs+=("$package") ;;
        esac
      done
      if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
          sudo=(sudo -n)
        else
          log "cannot install ${debs[*]}: not root and no sudo; images will say \"OCR engine not installed\""
          return
        fi
      fi
      log "installing ${debs[*]} with apt-get (OCR of images and scanned PDFs)"
      "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 || true
      if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${debs[@]}" >/dev/null 2>&1; then
        log "apt-get install ${debs[*]} failed; images will say \"OCR engine not installed\""
      fi
      ;;
  esac
}
