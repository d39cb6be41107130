#!/usr/bin/env bash
# Set up a development environment and run a real workflow durably on the embedded PostgreSQL.
# Idempotent: re-running reuses .venv and the embedded database under .waymark/.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "error: waymark needs Python 3.11 or newer" >&2; exit 1; }
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'

.venv/bin/waymark compile examples/ --out-dir .waymark/wrl   # lint, and emit one .wrl per workflow
.venv/bin/waymark run examples/welcome_email.py:WelcomeEmailWorkflow --input '{"user_ids": ["u1", "u2", "u3"]}'
