#!/usr/bin/env bash
# Mutation testing (mutmut 3) of the modules that decide money, data and provider rules.
# What is mutated and which tests run: [tool.mutmut] in pyproject.toml. Not part of CI (takes minutes).
# Usage: scripts/mutation.sh [--fresh] [--max-children N]   (then `mutmut browse` to read survivors)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"  # scripts/setup.sh makes it; VENV=/path/to/venv to use another
if [ "${1:-}" = "--fresh" ]; then rm -rf mutants; shift; fi
# The folder must exist before Python starts, or the import system remembers it as missing and the
# tests' own `import tests...` fails in the first run.
mkdir -p mutants
export QT_QPA_PLATFORM=offscreen
# Tests that start a child Python (tokens: no network) must import the mutated copy, not the checkout.
export PYTHONPATH="$PWD/mutants"
"$VENV/bin/mutmut" run "${@:---max-children=2}"
"$VENV/bin/python" scripts/mutation_summary.py
