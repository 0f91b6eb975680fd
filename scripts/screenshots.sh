#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png by running the browser tests against a fresh server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ci/install_chromium.sh >/dev/null
OFFSITE_SCREENSHOT_DIR="$PWD/docs/screenshots" .venv/bin/pytest tests/service/test_browser.py -q -p no:cacheprovider "$@"
