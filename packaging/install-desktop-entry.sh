#!/bin/sh
# Add EAS Coder to your desktop's application menu (for you only; nothing needs root).
# Run it again after moving this folder; remove with --remove.
set -eu
HERE=$(dirname "$(readlink -f "$0")")
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
ICONS="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$APPS/eas-coder.desktop" "$ICONS/eas-coder.svg"
  echo "EAS Coder removed from the application menu"
  exit 0
fi
mkdir -p "$APPS" "$ICONS"
cp "$HERE/eas-coder.svg" "$ICONS/eas-coder.svg"
sed "s|^Exec=eas-coder|Exec=\"$HERE/eas-coder\"|" "$HERE/eas-coder.desktop" > "$APPS/eas-coder.desktop"
echo "EAS Coder added to the application menu ($APPS/eas-coder.desktop)"
