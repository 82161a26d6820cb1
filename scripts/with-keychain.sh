#!/usr/bin/env bash
# Runs a command inside a real, throwaway OS keychain: a private D-Bus session with gnome-keyring's
# Secret Service, unlocked with a dummy password, its files in fresh mode-700 temp folders that are
# removed afterwards. This is how the keychain tests (and CI's whole suite) get a real keychain on a
# headless Linux without touching the user's own keyring.
#   scripts/with-keychain.sh npx vitest run --project integration test/integration/secrets
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/with-keychain.sh <command> [args...]" >&2
  exit 2
fi

missing=()
command -v dbus-run-session >/dev/null 2>&1 || missing+=(dbus-run-session)
command -v gnome-keyring-daemon >/dev/null 2>&1 || missing+=(gnome-keyring-daemon)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "with-keychain: installing gnome-keyring, dbus-x11, libsecret-1-dev (missing: ${missing[*]})" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y gnome-keyring dbus-x11 libsecret-1-dev >&2 ||
      { apt-get update >&2 && apt-get install -y gnome-keyring dbus-x11 libsecret-1-dev >&2; }
  else
    echo "with-keychain: missing ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install gnome-keyring dbus-x11 libsecret-1-dev) and retry." >&2
    exit 1
  fi
fi

data_home="$(mktemp -d "${TMPDIR:-/tmp}/objectdesk-keyring-data.XXXXXX")"
runtime_dir="$(mktemp -d "${TMPDIR:-/tmp}/objectdesk-keyring-run.XXXXXX")"
chmod 700 "$data_home" "$runtime_dir"
trap 'rm -rf "$data_home" "$runtime_dir"' EXIT

export XDG_DATA_HOME="$data_home" XDG_RUNTIME_DIR="$runtime_dir"
# A desktop session's variables would point keyring clients at the user's real keyring.
unset GNOME_KEYRING_CONTROL SSH_AUTH_SOCK

# gnome-keyring prints its environment on stdout; the command's stdout must stay the command's own.
set +e
dbus-run-session -- sh -c 'printf %s objectdesk-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1; exec "$@"' with-keychain "$@"
status=$?
set -e
exit "$status"
