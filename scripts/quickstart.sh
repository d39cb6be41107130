#!/usr/bin/env bash
# Set up a development environment and run a real workflow durably on the embedded PostgreSQL.
# Idempotent: re-running reuses .venv and the embedded database under .waymark/.
set -euo pipefail
cd "$(dirname "$0")/.."

# Waymark runs on Python 3.11+. The embedded PostgreSQL (pgserver) has wheels up to 3.12, so
# without WAYMARK_DATABASE_URL prefer a 3.11/3.12 interpreter when one is installed.
pick_python() {
  local candidate
  if [ -z "${WAYMARK_DATABASE_URL:-}" ]; then
    for candidate in python3.12 python3.11 python3; do
      if command -v "$candidate" >/dev/null \
        && "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 12))' 2>/dev/null; then
        echo "$candidate"; return
      fi
    done
  fi
  if python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo python3; return
  fi
  echo "error: waymark needs Python 3.11 or newer" >&2
  exit 1
}
PYTHON=$(pick_python)
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[dev]'

.venv/bin/waymark compile examples/ --out-dir .waymark/wrl   # lint, and emit one .wrl per workflow
.venv/bin/waymark run examples/welcome_email.py:WelcomeEmailWorkflow --input '{"user_ids": ["u1", "u2", "u3"]}'
