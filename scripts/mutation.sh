#!/usr/bin/env bash
# Mutation testing (mutmut 3) of the modules that decide money, data and secrets.
# What is mutated and which tests run: [tool.mutmut] in pyproject.toml; scores and the survivors
# left on purpose: docs/architecture.md, "Tests that notice bugs". Not part of CI (takes long).
# Usage: scripts/mutation.sh [--fresh] [--max-children N] [MUTANT-PATTERN ...]
#   e.g. scripts/mutation.sh --fresh                       everything (about an hour on 2 busy cores)
#        scripts/mutation.sh 'desktop_app.core.files.atomic.*'   one module (then `mutmut browse`)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"  # scripts/setup.sh makes it; VENV=/path/to/venv to use another
CHILDREN=1  # one child: the build machine is shared; --max-children 2 on a free one
if [ "${1:-}" = "--fresh" ]; then rm -rf mutants; shift; fi
if [ "${1:-}" = "--max-children" ]; then CHILDREN="$2"; shift 2; fi
# The folder must exist before Python starts, or the import system remembers it as missing and the
# tests' own `import tests...` fails in the first run.
mkdir -p mutants
export QT_QPA_PLATFORM=offscreen
# Tests that start a child Python (tokens: no network) must import the mutated copy, not the checkout.
export PYTHONPATH="$PWD/mutants"
nice -n 10 "$VENV/bin/mutmut" run --max-children="$CHILDREN" "$@"
"$VENV/bin/python" scripts/mutation_summary.py
