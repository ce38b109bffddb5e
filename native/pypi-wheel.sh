#!/usr/bin/env bash
# Downloads one pinned wheel file from PyPI into a folder, unless a copy with the pinned checksum is already there,
# and refuses a file whose sha256 differs. Shared by native/litert/fetch.sh and native/arm64/setup.sh.
#
# Usage: native/pypi-wheel.sh DIR WHEEL_FILE SHA256 REQUIREMENT PIP_SELECTION...
#   REQUIREMENT     e.g. ai-edge-litert==2.3.0
#   PIP_SELECTION   pip download's platform/ABI flags that select exactly WHEEL_FILE
# Env PYTHON: the interpreter whose pip to use (the project's venv; Debian's python3 has no pip of its own).
set -eu
dir=${1:?usage: pypi-wheel.sh DIR WHEEL_FILE SHA256 REQUIREMENT PIP_SELECTION...}
file=$2
sha=$3
requirement=$4
shift 4
python=${PYTHON:-python3}
"$python" -m pip --version >/dev/null 2>&1 || python=python3
sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$sha" ]; }

mkdir -p "$dir"
if ! sha_ok "$dir/$file"; then
  rm -f "$dir/$file"
  # PyPI only (not a pip configuration's extra links).
  PIP_FIND_LINKS= PIP_CONFIG_FILE=/dev/null "$python" -m pip download --no-deps --only-binary=:all: --no-cache-dir \
    --index-url https://pypi.org/simple --python-version 3.11 "$@" -d "$dir" "$requirement" >/dev/null
fi
if ! sha_ok "$dir/$file"; then
  echo "pypi-wheel.sh: $dir/$file is missing or its sha256 is not $sha; refusing to use it." >&2
  exit 1
fi
