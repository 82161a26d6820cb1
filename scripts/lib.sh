# Shared by demo.sh and test.sh: install what is missing, start what has stopped. Safe to run repeatedly.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf '\033[1m[objectdesk]\033[0m %s\n' "$*" >&2; }
is_root() { [ "$(id -u)" = 0 ]; }

APT_UPDATED=0
apt_install() { # apt_install PKG... — only the missing ones, only as root
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! is_root; then
    log "missing Debian packages: ${missing[*]} — install them (sudo apt-get install -y ${missing[*]}) and run again"
    return 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then log "apt-get update"; apt-get update -qq; APT_UPDATED=1; fi
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_node_modules() {
  cd "$ROOT"
  # npm ci when node_modules is absent or older than the lockfile. Electron's binary cannot be downloaded
  # here; the engine runs in plain Node and electron-vite builds without it.
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages (npm ci)"
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_build() {
  cd "$ROOT"
  local stamp=out/.build-stamp
  if [ ! -f "$stamp" ] || [ -n "$(find src objects package.json electron.vite.config.ts -newer "$stamp" -type f -print -quit 2>/dev/null)" ]; then
    log "building (electron-vite build)"
    npx electron-vite build >/dev/null
    touch "$stamp"
  fi
}

electron_binary() { # prints the Electron binary path when it is really installed
  node -e "try{const p=require('electron');if(typeof p==='string'&&require('fs').existsSync(p))console.log(p)}catch{}" 2>/dev/null
}
