#!/usr/bin/env bash
# Fetches LiteRT's natives (from the pinned ai-edge-litert wheel on PyPI) and, with --swiftshader, the SwiftShader
# Vulkan device (from Debian's chromium-common, unpacked, not installed) into a folder. Versions and checksums come
# from pins.env beside this script; a download whose checksum differs is refused. Idempotent: a complete folder is
# left as it is.
#
# Usage: native/litert/fetch.sh DIR [--swiftshader]
#   DIR/litert/       libLiteRt.so, libLiteRtWebGpuAccelerator.so  (what LiteModel's GPU path loads)
#   DIR/swiftshader/  libvk_swiftshader.so, vk_swiftshader_icd.json, libvulkan.so.1  (tests only)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pins.env
. "$HERE/pins.env"
DIR=${1:?usage: fetch.sh DIR [--swiftshader]}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

litert="$DIR/litert"
if [ ! -f "$litert/.complete-$LITERT_VERSION" ]; then
  cache="$DIR/download"
  mkdir -p "$cache"
  wheel="$cache/$LITERT_WHEEL"
  if ! sha_ok "$wheel" "$LITERT_WHEEL_SHA256"; then
    rm -f "$wheel"
    # PyPI only (not a pip configuration's extra links); the platform/ABI flags select exactly the pinned file.
    PIP_FIND_LINKS= PIP_CONFIG_FILE=/dev/null python3 -m pip download --no-deps --only-binary=:all: --no-cache-dir \
      --index-url https://pypi.org/simple --python-version 3.11 --implementation cp --abi cp311 \
      --platform manylinux_2_27_x86_64 -d "$cache" "ai-edge-litert==$LITERT_VERSION" >/dev/null
  fi
  if ! sha_ok "$wheel" "$LITERT_WHEEL_SHA256"; then
    echo "fetch.sh: $wheel is missing or its sha256 is not $LITERT_WHEEL_SHA256; refusing to use it." >&2
    exit 1
  fi
  rm -rf "$litert"
  mkdir -p "$litert"
  python3 - "$wheel" "$litert" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    for name in ("ai_edge_litert/libLiteRt.so", "ai_edge_litert/libLiteRtWebGpuAccelerator.so"):
        with open(f"{out}/{name.rsplit('/', 1)[1]}", "wb") as f:
            f.write(z.read(name))
PY
  touch "$litert/.complete-$LITERT_VERSION"
  echo "fetch.sh: LiteRT $LITERT_VERSION natives in $litert"
fi

if [ "${2:-}" = --swiftshader ]; then
  sw="$DIR/swiftshader"
  if [ ! -f "$sw/.complete-$SWIFTSHADER_PACKAGE_VERSION" ]; then
    cache="$DIR/download"
    mkdir -p "$cache"
    deb="$cache/${SWIFTSHADER_PACKAGE}_${SWIFTSHADER_PACKAGE_VERSION}_amd64.deb"
    if ! sha_ok "$deb" "$SWIFTSHADER_PACKAGE_SHA256"; then
      rm -f "$deb"
      # apt-get writes to the current folder; the URL-encoded file name (~ as %7e) is renamed to the plain one.
      # A fresh container may have no package lists yet: refresh them once (as root) and try again.
      (cd "$cache" && apt-get download "$SWIFTSHADER_PACKAGE=$SWIFTSHADER_PACKAGE_VERSION" >/dev/null 2>&1) ||
      { [ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1 &&
        (cd "$cache" && apt-get download "$SWIFTSHADER_PACKAGE=$SWIFTSHADER_PACKAGE_VERSION" >/dev/null 2>&1); } || {
        echo "fetch.sh: apt-get download $SWIFTSHADER_PACKAGE=$SWIFTSHADER_PACKAGE_VERSION failed (is this a Debian" \
          "bookworm machine with apt sources, and is that version still in the archive? If Debian replaced it," \
          "update SWIFTSHADER_PACKAGE_VERSION and its sha256 in $HERE/pins.env)." >&2
        exit 1
      }
      for f in "$cache"/"${SWIFTSHADER_PACKAGE}"_*"_amd64.deb"; do
        [ "$f" = "$deb" ] || mv -f "$f" "$deb"
      done
    fi
    if ! sha_ok "$deb" "$SWIFTSHADER_PACKAGE_SHA256"; then
      echo "fetch.sh: $deb is missing or its sha256 is not $SWIFTSHADER_PACKAGE_SHA256; refusing to use it." >&2
      exit 1
    fi
    tmp="$cache/unpacked"
    rm -rf "$tmp" "$sw"
    dpkg -x "$deb" "$tmp"
    mkdir -p "$sw"
    for f in libvk_swiftshader.so vk_swiftshader_icd.json libvulkan.so.1; do
      cp "$tmp/usr/lib/chromium/$f" "$sw/$f"
    done
    rm -rf "$tmp"
    touch "$sw/.complete-$SWIFTSHADER_PACKAGE_VERSION"
    echo "fetch.sh: SwiftShader ($SWIFTSHADER_PACKAGE $SWIFTSHADER_PACKAGE_VERSION) in $sw"
  fi
fi
