#!/usr/bin/env bash
# Creates (or refreshes) the project-local Python venv from requirements.txt. Idempotent: pip runs only when the
# requirements file changed since the last successful install, so every Maven build can call this cheaply.
# Usage: venv.sh VENV_DIR
set -eu
venv=${1:?usage: venv.sh VENV_DIR}
here=$(cd "$(dirname "$0")" && pwd)
req="$here/requirements.txt"
python=${PYTHON:-python3}

if ! command -v "$python" >/dev/null 2>&1; then
  echo "venv.sh: $python not found; install Python 3.11 (Debian: apt-get install python3 python3-venv)" >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "venv.sh: creating $venv"
  "$python" -m venv "$venv"
fi
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "venv.sh: installing pinned requirements into $venv (first run downloads TensorFlow, ~600 MB)"
"$venv/bin/pip" install --disable-pip-version-check -q -r "$req"
echo "$want" > "$stamp"
