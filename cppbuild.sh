#!/usr/bin/env bash
# Builds LiteModel's own native programs in native/ (see native/CMakeLists.txt) against the TensorFlow Lite library
# shipped in the bytedeco Maven artifact. Headers and libraries come from Maven artifacts or from this repository;
# nothing is downloaded from anywhere else. Called by the Maven build (generate-resources); runnable by hand.
#
# Usage: ./cppbuild.sh [clean]
set -eu
cd "$(dirname "$0")"

PLATFORM=${PLATFORM:-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)}
case $PLATFORM in
  linux-x86_64) ;;
  *)
    echo "cppbuild.sh: platform '$PLATFORM' is not supported yet (supported: linux-x86_64)." >&2
    echo "cppbuild.sh: the Java library still works wherever bytedeco ships TensorFlow Lite natives;" >&2
    echo "cppbuild.sh: only the native helper programs are skipped. Set PLATFORM to override detection." >&2
    exit 0
    ;;
esac

if [ "${1:-}" = clean ]; then
  rm -rf native/build
  exit 0
fi

TFLITE_VERSION=2.20.0-1.5.13
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
  unzip -q -o -j "$JAR" "org/bytedeco/tensorflowlite/$PLATFORM/libjnitensorflowlite.so" -d "$BUILD/tflite"
fi

if [ -f native/CMakeLists.txt ]; then
  cmake -S native -B "$BUILD/cmake" -DCMAKE_BUILD_TYPE=Release -DTFLITE_LIB_DIR="$(cd "$BUILD/tflite" && pwd)" >/dev/null
  cmake --build "$BUILD/cmake" --parallel 2 >/dev/null
  echo "cppbuild.sh: built native/ into $BUILD/cmake"
fi
