#!/usr/bin/env bash
# Set up a development environment and run a real workflow durably on the embedded PostgreSQL.
# Idempotent: re-running reuses the venv and the embedded database under .waymark/.
# PYTHON picks the interpreter (default python3, which must be 3.11+) and VENV the environment's
# directory (default .venv), e.g. `PYTHON=python3.13 VENV=.venv313 bash scripts/quickstart.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "error: waymark needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e '.[dev]'

"$VENV/bin/waymark" compile examples/ --out-dir .waymark/wrl   # lint, and emit one .wrl per workflow
"$VENV/bin/waymark" run examples/welcome_email.py:WelcomeEmailWorkflow --input '{"user_ids": ["u1", "u2", "u3"]}'
