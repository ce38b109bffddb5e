#!/usr/bin/env bash
# Builds LiteModel's own native programs in native/ (see native/CMakeLists.txt) against the TensorFlow Lite library
# shipped in the bytedeco Maven artifact. Headers and libraries come from Maven artifacts or from this repository;
# missing build tools (g++, cmake, make) come from Debian's packages; nothing is downloaded from anywhere else.
# Called by the Maven build (generate-resources); runnable by hand.
#
# Usage: ./cppbuild.sh [clean]
set -eu
cd "$(dirname "$0")"

PLATFORM=${PLATFORM:-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)}
case $PLATFORM in
  linux-x86_64) ;;
  *)
    echo "cppbuild.sh: platform '$PLATFORM' is not supported yet (supported: linux-x86_64)." >&2
    echo "cppbuild.sh: LiteModel's JNI shim (built by the JavaCPP Maven plugin) and the native programs in native/" >&2
    echo "cppbuild.sh: are built and tested for linux-x86_64 only. Set PLATFORM to override detection." >&2
    exit 1
    ;;
esac

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

# LiteRT's natives (GPU path) and SwiftShader (the Vulkan device the GPU tests run on), from the pins in
# native/litert/pins.env: PyPI's ai-edge-litert wheel and Debian's chromium-common, checksums verified. Not packaged
# into the jar; the tests find them through the surefire configuration in pom.xml.
native/litert/fetch.sh "$BUILD" --swiftshader
