#!/usr/bin/env bash
# Quick start: open ObjectDesk on the bundled Chinook demo workspace (embedded SQLite, no set-up).
# The desktop window where Electron's binary is installed; otherwise browser mode on 127.0.0.1.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_node_modules
ensure_build
cd "$ROOT"
ELECTRON="$(electron_binary)"
if [ -n "$ELECTRON" ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  log "opening the desktop window"
  exec "$ELECTRON" . --workspace "$ROOT/objects" "$@"
fi
if [ -z "$ELECTRON" ]; then
  WHY="Browser mode: Electron's binary is not installed here (it cannot be downloaded on this machine), so the same app is served to your browser instead."
else
  WHY="Browser mode: there is no display for a window (DISPLAY is not set), so the same app is served to your browser instead."
fi
exec node out/main/cli.js serve --workspace "$ROOT/objects" "$@" --why "$WHY"
