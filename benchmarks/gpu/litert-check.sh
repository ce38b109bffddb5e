#!/usr/bin/env bash
# GPU check for LiteModel's LiteRT GPU path on a machine with a real GPU and its vendor's Vulkan driver: parity with
# XNNPACK on seed_mlp, image_cnn and multi_io, seed_mlp latency and image_cnn batch-32 throughput, each on the CPU
# (XNNPACK) and the GPU. Well under five minutes; the table goes to stdout and benchmarks/results/.
#
# Usage: benchmarks/gpu/litert-check.sh              (needs a hardware Vulkan device; NVIDIA: see docs/accelerators.md)
#        benchmarks/gpu/litert-check.sh --software   (SwiftShader from the build folder: a software check only)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=native/build/linux-x86_64
if [ "${1:-}" = --software ]; then
  native/litert/fetch.sh "$BUILD" --swiftshader >/dev/null
  export VK_ICD_FILENAMES="$PWD/$BUILD/swiftshader/vk_swiftshader_icd.json"
  export LD_LIBRARY_PATH="$PWD/$BUILD/swiftshader${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  extra=--allow-software
else
  native/litert/fetch.sh "$BUILD" >/dev/null
  extra=
fi
# The library and its JNI shims (javacpp runs at process-classes); no tests.
mvn -q -B -ntp -DskipTests process-classes
cp_file=target/litert-gpu-check.classpath
mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
exec java -Dlitemodel.litert.dir="$PWD/$BUILD/litert" -cp "target/classes:$(cat "$cp_file")" \
  benchmarks/gpu/LiteRtGpuCheck.java $extra
