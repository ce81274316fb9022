#!/usr/bin/env bash
# Install everything the tests need (Python packages; Debian's Chromium for the browser
# tests and PostgreSQL server for the gradebook test) and run them all.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh test

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing Debian's ${missing[*]} for the tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# JupyterHub's proxy for the hub test, from the npm registry, inside the repository
if [ ! -x .cache/chp/node_modules/.bin/configurable-http-proxy ]; then
  echo "Installing configurable-http-proxy (npm) for the hub test"
  npm install --silent --no-audit --no-fund --prefix .cache/chp configurable-http-proxy >/dev/null
fi
export COURSE_CHP="$PWD/.cache/chp/node_modules/.bin/configurable-http-proxy"

.venv/bin/ruff check .
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass" >&2
  exit 1
fi
exit "$status"
