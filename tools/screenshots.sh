#!/usr/bin/env bash
# Refresh the screenshots in docs/img from the browser tests (Debian Chromium), so the pictures in
# docs/web.md show what the tests assert, never a stale layout.  Usage: tools/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LIAISON_SCREENSHOTS="$PWD/docs/img" .venv/bin/python -m pytest tests/e2e -q -p no:randomly "$@"
ls -la docs/img
