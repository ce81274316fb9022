#!/usr/bin/env bash
# Start the course's JupyterHub on this machine (as root): real Linux accounts, PAM log-in,
# one server per account, the private exchange. For a class, a teacher trying it, and the
# tests (tests/hub.py). Steps:
#   1. the accounts COURSE_INSTRUCTOR and COURSE_STUDENTS (comma-separated) are created if
#      missing, with the password HUB_PASSWORD (existing accounts are left as they are);
#   2. the exchange's folders are made (python -m grader.exchange.setup; homes set to 0700);
#   3. JupyterHub runs hub/jupyterhub_config.py on HUB_IP:HUB_PORT (127.0.0.1:8000).
# Needs `.venv/bin/pip install -e '.[hub]'` and configurable-http-proxy (npm) on the PATH
# or in COURSE_CHP. Hub state (database, cookie secret) goes to HUB_STATE.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
    echo "start.sh runs as root (it makes accounts and spawns servers as them)" >&2
    exit 1
fi
here="$(cd "$(dirname "$0")" && pwd)"
export COURSE_BIN="${COURSE_BIN:-$here/../.venv/bin}"
export COURSE_INSTRUCTOR="${COURSE_INSTRUCTOR:-instructor}"
export COURSE_STUDENTS="${COURSE_STUDENTS:-ana,ben,chloe}"
export HUB_STATE="${HUB_STATE:-/srv/jupyterhub}"
export NBGRADER_EXCHANGE="${NBGRADER_EXCHANGE:-/srv/nbgrader/exchange}"

for name in "$COURSE_INSTRUCTOR" ${COURSE_STUDENTS//,/ }; do
    if ! id -u "$name" >/dev/null 2>&1; then
        useradd -m -s /bin/bash "$name"
        if [ -n "${HUB_PASSWORD:-}" ]; then
            echo "$name:$HUB_PASSWORD" | chpasswd
        else
            echo "created $name without a password: set one with passwd $name" >&2
        fi
    fi
done

if ! runuser -u "$COURSE_INSTRUCTOR" -- "$COURSE_BIN/python" -c "import grader, nbgrader"; then
    echo "the accounts cannot run $COURSE_BIN/python: install the course's environment" \
        "where every user can read it (e.g. /opt/course/.venv)" >&2
    exit 1
fi
"$COURSE_BIN/python" -m grader.exchange.setup --root "$NBGRADER_EXCHANGE" \
    --instructor "$COURSE_INSTRUCTOR" --students "$COURSE_STUDENTS"
mkdir -p "$HUB_STATE"
chmod 700 "$HUB_STATE"
cd "$HUB_STATE"
exec "$COURSE_BIN/jupyterhub" -f "$here/jupyterhub_config.py" "$@"
