#!/usr/bin/env bash
# The main job on the embedded defaults (SQLite gradebook): install, build release/ and the
# slides, grade the sample submissions, and print where grades, feedback and slides are.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh
exec .venv/bin/course demo --out out "$@"
