#!/usr/bin/env bash
# Installs offsite with its test extras into .venv, starts the real services the tests use
# (Redis, PostgreSQL, Debian's chromium for the browser tests) and runs the whole test suite.
# The README's test command and .ci/run both call this script.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

# Real services, installed from Debian's packages and started on loopback when missing.
for service in start_redis start_postgres; do
  if [ -f "scripts/ci/$service.sh" ]; then
    eval "$(bash "scripts/ci/$service.sh")"
  fi
done
if [ -f scripts/ci/install_chromium.sh ]; then
  bash scripts/ci/install_chromium.sh
fi

.venv/bin/ruff check src tests
.venv/bin/mypy
set +e
.venv/bin/python -m pytest tests "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$status"
