#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the course with the given extras, e.g. "test".
# Run by scripts/demo.sh and scripts/test.sh; safe to run again (it only updates).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv  # absent, or left half-made by a run that failed
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    # Debian's python3 ships venv's pip bootstrap separately
    rm -rf .venv
    version="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    echo "Installing Debian's python${version}-venv to create .venv"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "python${version}-venv" >/dev/null
    "$PYTHON" -m venv .venv
  fi
fi
.venv/bin/python -m pip install --quiet --upgrade pip
extras="${1:-}"
.venv/bin/python -m pip install --quiet --editable ".${extras:+[$extras]}"
