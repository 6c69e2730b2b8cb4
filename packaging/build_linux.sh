#!/usr/bin/env bash
# `make dist`: the Linux bundle. PyInstaller one-folder build (packaging/eas-coder.spec), then
# a self-contained folder with a launcher, a desktop entry and the notices, packed as
#   dist/eas-coder-VERSION-linux-x86_64.tar.gz
# An AppImage is not made: appimagetool and the AppImage runtime are downloaded from GitHub
# releases, which this build cannot reach (docs/packaging.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
VERSION=$("$PYTHON" -c "import eas_coder; print(eas_coder.__version__)")
NAME="eas-coder-$VERSION-linux-x86_64"
OUT="dist/$NAME"

started=$(date +%s)
"$PYTHON" -m PyInstaller --noconfirm --log-level WARN \
  --distpath build/pyi-dist --workpath build/pyi-work packaging/eas-coder.spec
built=$(date +%s)

rm -rf "$OUT" "dist/$NAME.tar.gz"
mkdir -p "$OUT"
mv build/pyi-dist/eas-coder "$OUT/app"
install -m 755 packaging/launcher.sh "$OUT/eas-coder"
install -m 755 packaging/install-desktop-entry.sh "$OUT/install-desktop-entry.sh"
install -m 644 packaging/eas-coder.desktop resources/icons/eas-coder.svg LICENSE \
  THIRD_PARTY_NOTICES.md "$OUT/"
install -m 644 packaging/README-bundle.txt "$OUT/README.txt"
# gzip -1: a tenth larger than -6 and three times faster; any archive tool opens it
tar -C dist -cf - "$NAME" | gzip -1 > "dist/$NAME.tar.gz"
packed=$(date +%s)

echo "dist: $OUT ($(du -sh "$OUT" | cut -f1) unpacked)"
echo "dist: dist/$NAME.tar.gz ($(du -h "dist/$NAME.tar.gz" | cut -f1))"
echo "dist: PyInstaller $((built - started)) s, folder and archive $((packed - built)) s"
