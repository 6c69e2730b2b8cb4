#!/usr/bin/env bash
# Installs (Debian/Ubuntu as root) or names (elsewhere) the system parts the test suite needs:
# libVLC for the player, ffmpeg for test videos, Xvfb for the real-window test, PostgreSQL for
# the shared-server storage tests, the X/GL libraries PySide6 loads, and binutils for
# `make dist` (which also bundles the libVLC installed here).
set -euo pipefail

PACKAGES=(
  libvlc5 vlc-plugin-base            # libVLC 3 decoding H.264/AAC (player backend)
  libvlc-bin                         # its plugins.dat cache: libVLC starts in 12 ms, not 90
  ffmpeg                             # generating test videos with audio
  xvfb                               # a real X server for the window screenshot test
  postgresql                         # initdb/pg_ctl for the PostgreSQL storage tests
  poppler-utils                      # pdftoppm: the change report's PDF page as PNG
  python3 python3-venv               # make creates .venv with the system Python if need be
  binutils                           # objdump, objcopy: PyInstaller's `make dist` on Linux
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
else
  for tool in ffmpeg Xvfb initdb pdftoppm; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "system-deps: all present"
  exit 0
fi

# A desktop running unattended upgrades (or a second `make test`) holds dpkg's or apt's lock
# for minutes: wait for it, as long as LOCK_WAIT_S, instead of failing at once. apt's own
# DPkg::Lock::Timeout covers the dpkg lock; the loop also covers apt-get update's list lock.
LOCK_WAIT_S=${LOCK_WAIT_S:-900}
apt_wait() {
  local waited=0 log
  log=$(mktemp)
  while true; do
    if apt-get -o DPkg::Lock::Timeout=60 "$@" >"$log" 2>&1; then
      rm -f "$log"
      return 0
    fi
    if grep -qiE "could not get lock|unable to acquire|is another process using it" "$log" \
      && [ "$waited" -lt "$LOCK_WAIT_S" ]; then
      echo "system-deps: another package manager holds the lock; waiting (${waited}s so far)"
      sleep 10
      waited=$((waited + 10))
      continue
    fi
    cat "$log" >&2
    rm -f "$log"
    return 1
  done
}

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_wait update -qq
  apt_wait install -y -qq --no-install-recommends "${missing[@]}"
  echo "system-deps: installed"
else
  echo "system-deps: missing ${missing[*]}" >&2
  echo "system-deps: install them with your package manager; tests needing them will be skipped" >&2
fi
