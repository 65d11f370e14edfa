# Sourced by scripts/run and scripts/test: make .venv with Python 3.11 if it is not there.
VENV=.venv
if [ ! -x "$VENV/bin/python" ]; then
  PYTHON=""
  for candidate in python3.11 python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      PYTHON=$candidate
      break
    fi
  done
  if [ -z "$PYTHON" ]; then
    echo "Python 3.11 is required (Django 5.2 LTS; see README)." >&2
    exit 1
  fi
  "$PYTHON" -m venv "$VENV"
fi
