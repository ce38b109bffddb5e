#!/usr/bin/env bash
# GPU check of the TensorFlow runtime, for whoever has an NVIDIA GPU (under 5 minutes): parity of seed_mlp (SavedModel)
# and image_cnn (frozen graph) with their Keras goldens, seed_mlp predictSingle latency (p50/p99/p99.9) and image_cnn
# batch throughput (batches 1, 32, 256), on the GPU (strict placement: it fails, saying why, without a usable GPU)
# and then on the CPU of the same machine for comparison.
#
# Usage, from anywhere, after `mvn -B -DskipTests package` in the repository:
#   NVIDIA_LIBS=/path/to/site-packages/nvidia bash benchmarks/gpu/tf-check.sh
# Needs:
#   - the GPU natives org.tensorflow:tensorflow-core-native:<version>:linux-x86_64-gpu in ~/.m2 (the script fetches
#     them with Maven when missing and the network allows; 526 MB);
#   - CUDA 12 and cuDNN 9 libraries. TensorFlow dlopens them at run time (no CUDA library is NEEDED by its natives;
#     their RUNPATH looks for pip's layout, $ORIGIN/../nvidia/<package>/lib). Install the versions TensorFlow 2.18's
#     `and-cuda` extra pins (TF Java 1.1.0's TensorFlow) (python -m pip install "tensorflow[and-cuda]==2.18.0", or just the nvidia-*-cu12
#     wheels) and give their site-packages/nvidia folder as NVIDIA_LIBS: every nvidia/*/lib under it goes on
#     LD_LIBRARY_PATH. Without NVIDIA_LIBS, the system's libraries (e.g. /usr/local/cuda) are used.
set -eu
cd "$(dirname "$0")/../.."
VERSION=$(sed -n 's:.*<tensorflow.java.version>\(.*\)</tensorflow.java.version>.*:\1:p' pom.xml)
REPO=${MAVEN_REPO:-$HOME/.m2/repository}
GPU_JAR=$REPO/org/tensorflow/tensorflow-core-native/$VERSION/tensorflow-core-native-$VERSION-linux-x86_64-gpu.jar
if [ ! -f "$GPU_JAR" ]; then
  mvn -B -q -ntp dependency:get -Dtransitive=false \
    -Dartifact="org.tensorflow:tensorflow-core-native:$VERSION:jar:linux-x86_64-gpu"
fi
[ -f target/classes/io/litemodel/tensorflow/TfModel.class ] || {
  echo "tf-check.sh: build the project first (mvn -B -DskipTests package)" >&2; exit 1; }
if [ -n "${NVIDIA_LIBS:-}" ]; then
  for lib in "$NVIDIA_LIBS"/*/lib; do LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; done
  export LD_LIBRARY_PATH
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: not available"
# The library's compile class path (TensorFlow's classes, protobuf, JavaCPP) without the CPU natives, plus the GPU natives.
mvn -B -q dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile=target/tf-check-classpath.txt
CP=target/classes:$(cat target/tf-check-classpath.txt):$GPU_JAR
echo "TensorFlow Java natives $VERSION (linux-x86_64-gpu), $(nproc) CPU cores, $(date -u +%Y-%m-%dT%H:%MZ)"
timeout 280 java -Xmx4g -cp "$CP" benchmarks/gpu/TfGpuCheck.java "${@:-gpu}" cpu
