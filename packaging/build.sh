#!/usr/bin/env bash
# Build the standalone one-folder app from a clean checkout, then smoke-test it offscreen:
#   bash packaging/build.sh            → dist/annotator/ (run dist/annotator/annotator)
# Creates build/bundle-venv with the project and PyInstaller, runs packaging/annotator.spec, then
# runs the bundle: a command on a new project, and the window opening that project and quitting.
# SKIP_SMOKE=1 skips the smoke run (e.g. when cross-checking on a machine without Qt's libraries).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
VENV=build/bundle-venv
[ -x "$VENV/bin/python" ] || [ -x "$VENV/Scripts/python" ] || "$PY" -m venv "$VENV"
BIN="$VENV/bin"; [ -d "$VENV/Scripts" ] && BIN="$VENV/Scripts"
echo "== installing the project and PyInstaller into $VENV"
"$BIN/python" -m pip install -q --disable-pip-version-check . 'pyinstaller>=6.10,<7'
echo "== pyinstaller"
"$BIN/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/annotator.spec

APP=dist/annotator/annotator
[ -x "$APP.exe" ] && APP="$APP.exe"
[ -x "dist/annotator/annotator-cli.exe" ] && CLI="dist/annotator/annotator-cli.exe" || CLI="$APP"
echo "== built $(du -sh dist/annotator | cut -f1) in dist/annotator"
[ "${SKIP_SMOKE:-}" = 1 ] && exit 0

echo "== smoke run of the bundle"
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
export XDG_DATA_HOME="$SMOKE/data" XDG_CONFIG_HOME="$SMOKE/config" ANNOTATOR_NAME=smoke
export QT_QPA_PLATFORM=offscreen ANNOTATOR_QUIT_AFTER_MS=500
"$CLI" --version
"$CLI" --db "$SMOKE/smoke.annotator" import seeds
"$CLI" --db "$SMOKE/smoke.annotator" stats
"$APP" --db "$SMOKE/smoke.annotator"
"$APP"   # the default project, seeded from the bundled sample articles on first start
echo "== smoke run passed"
