#!/usr/bin/env bash
# Try the course's JupyterHub on this machine: http://127.0.0.1:8000, log in as
# "instructor" (formgrader) or as a student named in COURSE_STUDENTS, password "cours".
# Needs `.venv/bin/pip install -e '.[hub]'` and configurable-http-proxy (npm) on the PATH
# or in COURSE_CHP. State (hub database, users' homes) goes to HUB_STATE.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/../.venv/bin"
export COURSE_BIN="${COURSE_BIN:-$venv}"
export COURSE_STUDENTS="${COURSE_STUDENTS:-ana,ben,chloe}"
export HUB_STATE="${HUB_STATE:-$here/../out/hub}"
mkdir -p "$HUB_STATE"
cd "$HUB_STATE"
exec "$COURSE_BIN/jupyterhub" -f "$here/try_config.py" "$@"
