#!/usr/bin/env bash
# The last lines of the test command (mvn -Pfull verify): what ran beside the JUnit and pytest counts, and what was
# left out and by which switch, so that nothing is skipped silently.
#
# Usage: test-summary.sh TARGET_DIR SWIFTSHADER_DIR SKIP_SWIFTSHADER SKIP_ARM64
set -eu
target=$1
swiftshader=$2
gpu_tests="GpuAcceleratorTest, GpuPublicModelTest, LiteRtRuntimeTest and litert-jar-check"
if [ "$3" = true ]; then
  echo "test summary: software-GPU tests LEFT OUT (-Dskip.swiftshader=true): $gpu_tests did not run"
elif [ -f "$swiftshader/VERSION" ]; then
  echo "test summary: software-GPU tests ran on SwiftShader from Debian's $(cat "$swiftshader/VERSION")"
else
  echo "test summary: software-GPU tests: no $swiftshader/VERSION (cppbuild.sh did not fetch SwiftShader)" >&2
  exit 1
fi
if [ "$4" = true ]; then
  echo "test summary: linux-arm64 set LEFT OUT (-Dskip.cross=true or -DskipTests): no arm64 shims were tested"
elif [ -f "$target/arm64-check/summary.txt" ]; then
  echo "test summary: $(cat "$target/arm64-check/summary.txt")"
else
  echo "test summary: the linux-arm64 set did not record a result in $target/arm64-check/summary.txt" >&2
  exit 1
fi
