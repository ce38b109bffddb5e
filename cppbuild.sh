#!/usr/bin/env bash
# Builds LiteModel's own native programs in native/ (see native/CMakeLists.txt) against the TensorFlow Lite library
# shipped in the bytedeco Maven artifact, for linux-x86_64 or linux-arm64 (the platform it runs on), and prepares
# what the tests need beside them (LiteRT and SwiftShader; on x86_64, the linux-arm64 cross build and test set). Headers and libraries come from Maven artifacts or from this repository;
# missing build tools (g++, cmake, make) come from Debian's packages; nothing is downloaded from anywhere else.
# Called by the Maven build (generate-resources); runnable by hand.
#
# Usage: ./cppbuild.sh [clean]
set -eu
cd "$(dirname "$0")"

# What else to prepare, from the Maven build (each profile sets them) or by hand:
#   LITEMODEL_GPU_FETCH  all (default: LiteRT's natives and SwiftShader), litert (LiteRT only) or none (the demo)
#   LITEMODEL_CROSS      linux-arm64 to prepare the arm64 cross build and its emulated test set (native/arm64)
GPU_FETCH=${LITEMODEL_GPU_FETCH:-all}
CROSS=${LITEMODEL_CROSS:-}
case $GPU_FETCH in all | litert | none) ;; *) echo "cppbuild.sh: LITEMODEL_GPU_FETCH=$GPU_FETCH (all, litert or none)" >&2; exit 1 ;; esac

PLATFORM=${PLATFORM:-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)}
case $PLATFORM in
  linux-x86_64) ;;
  linux-aarch64 | linux-arm64)
    PLATFORM=linux-arm64
    # LiteRT's GPU path is pinned and tested for linux-x86_64 only (docs/platforms.md); nothing to fetch here.
    GPU_FETCH=none
    # The host is the arm64 target: the JavaCPP plugin builds its shims with the native g++ (see pom.xml).
    CROSS=
    ;;
  *)
    echo "cppbuild.sh: platform '$PLATFORM' is not supported (supported: linux-x86_64, linux-arm64; see" \
      "docs/platforms.md for what the others lack). Set PLATFORM to override detection." >&2
    exit 1
    ;;
esac
case $CROSS in "" | linux-arm64) ;; *) echo "cppbuild.sh: LITEMODEL_CROSS=$CROSS (only linux-arm64)" >&2; exit 1 ;; esac

if [ "${1:-}" = clean ]; then
  rm -rf native/build
  exit 0
fi

# Build tools: g++ (also used by the JavaCPP plugin for our JNI shim) and cmake. Installed from Debian's packages
# when missing and we may (root with apt-get); otherwise a message says what to install.
missing=()
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v make >/dev/null 2>&1 || missing+=(make)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "cppbuild.sh: installing ${missing[*]} with apt-get" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "cppbuild.sh: missing build tools: ${missing[*]} (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

# The TensorFlow Lite artifact version: from the Maven build (env TFLITE_VERSION), else from pom.xml, the one place
# it is pinned (properties tflite.version and the javacpp.version it refers to).
pom_property() {
  python3 - "$1" <<'PY'
import re, sys
import xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
props = {e.tag.split("}")[1]: (e.text or "").strip() for e in ET.parse("pom.xml").getroot().find("m:properties", ns)}
value = props[sys.argv[1]]
while "${" in value:
    value = re.sub(r"\$\{([^}]+)}", lambda m: props[m.group(1)], value)
print(value)
PY
}
TFLITE_VERSION=${TFLITE_VERSION:-$(pom_property tflite.version)}
M2=${MAVEN_REPO:-$HOME/.m2/repository}
JAR="$M2/org/bytedeco/tensorflow-lite/$TFLITE_VERSION/tensorflow-lite-$TFLITE_VERSION-$PLATFORM.jar"
if [ ! -f "$JAR" ]; then
  echo "cppbuild.sh: $JAR not found; run the Maven build first (mvn -q dependency:resolve)." >&2
  exit 1
fi

BUILD=${LITEMODEL_NATIVE_BUILD:-native/build/$PLATFORM}
mkdir -p "$BUILD/tflite"
# The native programs link the very library the Java side loads: extract it from the Maven artifact.
if [ ! -f "$BUILD/tflite/libjnitensorflowlite.so" ] || [ "$JAR" -nt "$BUILD/tflite/libjnitensorflowlite.so" ]; then
  python3 -c 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
    "$JAR" "org/bytedeco/tensorflowlite/$PLATFORM/libjnitensorflowlite.so" "$BUILD/tflite/libjnitensorflowlite.so"
fi

if [ -f native/CMakeLists.txt ]; then
  cmake -S native -B "$BUILD/cmake" -DCMAKE_BUILD_TYPE=Release -DTFLITE_LIB_DIR="$(cd "$BUILD/tflite" && pwd)" >/dev/null
  cmake --build "$BUILD/cmake" --parallel 2 >/dev/null
  echo "cppbuild.sh: built native/ into $BUILD/cmake"
fi

# LiteRT's natives (GPU path) and SwiftShader (the Vulkan device the software-GPU tests run on): LiteRT from the pin
# in native/litert/pins.env (PyPI's ai-edge-litert wheel, checksum verified), SwiftShader from the build of Debian's
# chromium-common the archive serves today. Not packaged into the library jar; the tests find them through the
# surefire configuration in pom.xml.
case $GPU_FETCH in
  all) native/litert/fetch.sh "$BUILD" --swiftshader ;;
  litert) native/litert/fetch.sh "$BUILD" ;;
esac

# The linux-arm64 cross build (Debian's aarch64 cross compiler) and its test set's tools (QEMU user mode and an
# aarch64 JVM from PyPI).
if [ -n "$CROSS" ]; then
  native/arm64/setup.sh "native/build/$CROSS"
fi
