#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the course with the given extras, e.g. "test".
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again (it only updates).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
extras="${1:-}"
.venv/bin/python -m pip install --quiet --editable ".${extras:+[$extras]}"
