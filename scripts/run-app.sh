#!/usr/bin/env bash
# Sets everything up (first time only) and starts Finetune Studio.
# With no file given, the first start opens the bundled sample dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/finetune-studio "$@"
