#!/usr/bin/env bash
# Fetches LiteRT's natives (from the pinned ai-edge-litert wheel on PyPI, checksum verified) and, with --swiftshader,
# the SwiftShader Vulkan device (from the build of Debian's chromium-common that the archive serves today, unpacked,
# not installed) into a folder. Versions come from pins.env beside this script. Idempotent: a complete folder is left
# as it is.
#
# Usage: native/litert/fetch.sh DIR [--swiftshader]
#   DIR/litert/       libLiteRt.so, libLiteRtWebGpuAccelerator.so  (what LiteModel's GPU path loads)
#   DIR/swiftshader/  libvk_swiftshader.so, vk_swiftshader_icd.json, libvulkan.so.1, VERSION  (tests only)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pins.env
. "$HERE/pins.env"
DIR=${1:?usage: fetch.sh DIR [--swiftshader]}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

litert="$DIR/litert"
if [ ! -f "$litert/.complete-$LITERT_VERSION" ]; then
  wheel="$DIR/download/$LITERT_WHEEL"
  "$HERE/../pypi-wheel.sh" "$DIR/download" "$LITERT_WHEEL" "$LITERT_WHEEL_SHA256" "ai-edge-litert==$LITERT_VERSION" \
    --implementation cp --abi cp311 --platform manylinux_2_27_x86_64
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
  if [ -f "$sw/.complete" ]; then
    exit 0
  fi
  # Whatever build of the package Debian's archive serves today: Debian's security updates replace it every few
  # weeks, so pinning one build would expire. apt-get checks the download against the archive's signed index.
  cannot() {
    echo "fetch.sh: no SwiftShader: $*. To run the tests without the software-GPU tests, add -Dskip.swiftshader=true" \
      "(the test summary then lists them as left out)." >&2
    exit 1
  }
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
    cannot "apt-get and dpkg-deb are missing (SwiftShader comes from Debian's $SWIFTSHADER_PACKAGE package)"
  cache="$DIR/download"
  rm -rf "$cache/swiftshader"
  mkdir -p "$cache/swiftshader"
  # A fresh machine may have no package lists yet: refresh them once (as root) and try again.
  (cd "$cache/swiftshader" && apt-get download "$SWIFTSHADER_PACKAGE" >/dev/null 2>&1) ||
    { [ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1 &&
      (cd "$cache/swiftshader" && apt-get download "$SWIFTSHADER_PACKAGE" >/dev/null 2>&1); } ||
    cannot "apt-get download $SWIFTSHADER_PACKAGE failed (this needs Debian's archive in the apt sources; Ubuntu" \
      "ships Chromium as a snap, without this package)"
  deb=$(ls "$cache/swiftshader"/*.deb)
  version=$(dpkg-deb -f "$deb" Version)
  tmp="$cache/swiftshader/unpacked"
  dpkg -x "$deb" "$tmp"
  rm -rf "$sw"
  mkdir -p "$sw"
  for f in libvk_swiftshader.so vk_swiftshader_icd.json libvulkan.so.1; do
    [ -f "$tmp/usr/lib/chromium/$f" ] || cannot "$SWIFTSHADER_PACKAGE $version has no usr/lib/chromium/$f"
    cp "$tmp/usr/lib/chromium/$f" "$sw/$f"
  done
  rm -rf "$cache/swiftshader"
  # Read by the tests and the test summary: the build of SwiftShader the software-GPU tests ran on.
  echo "$SWIFTSHADER_PACKAGE $version $(dpkg --print-architecture 2>/dev/null || uname -m)" > "$sw/VERSION"
  touch "$sw/.complete"
  echo "fetch.sh: SwiftShader ($SWIFTSHADER_PACKAGE $version, as Debian's archive serves it today) in $sw"
fi
