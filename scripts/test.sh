#!/usr/bin/env bash
# Sets everything up (first time only) and runs the whole test suite: lint, format, types,
# layer contracts, every test (Qt offscreen), then the PyInstaller bundle and its frozen self-test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
step() { printf '\n== %s\n' "$*"; }

step "ruff (lint)";          .venv/bin/ruff check .
step "ruff (format)";        .venv/bin/ruff format --check .
step "mypy (strict: all of desktop_app)"; .venv/bin/mypy
step "import contracts";     .venv/bin/lint-imports
step "tests";                .venv/bin/python -m pytest -p no:cacheprovider "$@"
if [ -f packaging/build.py ] && [ -z "${SKIP_BUNDLE:-}" ]; then
  step "bundle (PyInstaller)"; .venv/bin/python packaging/build.py
  step "frozen self-test";     .venv/bin/python packaging/smoke_test.py
fi
