# Sourced by scripts/run and scripts/dev: this machine's own secrets for the local portal,
# generated once into var/local.env (never committed) and kept, so sign-ins and sessions
# survive restarts.
mkdir -p var
if [ ! -s var/local.env ]; then
  (
    umask 077
    "$VENV/bin/python" - > var/local.env <<'PY'
import secrets
for name in ("SECRET_KEY", "PATIENT_CODE_KEY", "PATIENT_DATA_KEYS"):
    print(f"{name}={secrets.token_urlsafe(50)}")
PY
  )
fi
set -a
# shellcheck disable=SC1091
source var/local.env
set +a
