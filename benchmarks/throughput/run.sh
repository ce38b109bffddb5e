#!/usr/bin/env bash
# Batch prediction throughput: Java naive loop vs the batch pipeline vs Python tf.data + TFLite and Keras predict,
# over generated 450x450 JPEGs with models/image_cnn.tflite. Writes benchmarks/results/throughput.{md,json}.
#
#   bash benchmarks/throughput/run.sh            # 2000 images (the recorded benchmark; several minutes)
#   bash benchmarks/throughput/run.sh --quick    # 200 images, smoke test (results go to .data/quick/, not results/)
#
# Environment: BUILD_DIR (default /tmp/build-throughput) for the library build; PYTHON (default .venv/bin/python).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
count=2000
mode=full
out_dir="$root/benchmarks/results"
if [[ "${1:-}" == "--quick" ]]; then
  count=200
  mode=quick
  out_dir="$here/.data/quick"
fi
build="${BUILD_DIR:-/tmp/build-throughput}"
python="${PYTHON:-$root/.venv/bin/python}"
data="$here/.data"
images="$data/images-$count"
mkdir -p "$data"

echo "== building the library into $build"
# -Djavacpp.platform keeps the *-platform dependencies to linux-x86_64 natives (small downloads).
(cd "$root" && mvn -B -q -Djavacpp.platform=linux-x86_64 -Dlitemodel.build.dir="$build" -Dskip.python=true \
  -DskipTests package \
  dependency:build-classpath -Dmdep.outputFile="$build/classpath.txt" -Dmdep.includeScope=runtime)
# OpenCV at the version the root pom.xml pins (the build filtered it into the versions resource).
opencv_version=$(sed -n 's/^opencv=//p' "$build/classes/io/litemodel/litemodel-versions.properties")
# OpenCV for the pipeline's "OpenCV decoding" rows, added as a user would (opencv-platform, one platform's natives).
mvn -B -q -f "$here/opencv-pom.xml" -Djavacpp.platform=linux-x86_64 -Dopencv.version="$opencv_version" \
  dependency:build-classpath -Dmdep.outputFile="$data/opencv-cp.txt" >/dev/null
cp="$build/classes:$(cat "$build/classpath.txt"):$(cat "$data/opencv-cp.txt")"

# Decoder alternatives (decoders-pom.xml), used only by DecoderBench and kept off the pipeline's classpath.
mvn -B -q -f "$here/decoders-pom.xml" -Djavacpp.platform=linux-x86_64 -Dopencv.version="$opencv_version" \
  dependency:build-classpath -Dmdep.outputFile="$data/decoders-cp.txt" >/dev/null
extra="$(cat "$data/decoders-cp.txt")"

classes="$data/classes"
mkdir -p "$classes"
javac -d "$classes" -cp "$cp" "$here/src/ThroughputBench.java"
javac -d "$classes" -cp "$cp:$extra" "$here/src/DecoderBench.java"

echo "== generating $count images into $images (cached)"
java -cp "$classes:$cp" ThroughputBench generate "$images" "$count"

echo "== JPEG decoders"
java -cp "$classes:$cp:$extra" DecoderBench "$images" "$((count < 300 ? count : 300))" | tee "$data/decoders.json"

echo "== Java: P, I, naive loop, pipeline variants"
java -Xmx4g -cp "$classes:$cp" ThroughputBench measure "$root/models/image_cnn.tflite" "$images" "$data/java.json" \
  2>&1 | grep -v "XNNPACK delegate"

echo "== Python: tf.data + TFLite, Keras model.predict"
TF_CPP_MIN_LOG_LEVEL=2 "$python" "$here/tf_bench.py" "$root/models/image_cnn.tflite" "$root/models/image_cnn.keras" \
  "$images" "$data/python.json"

echo "== report"
"$python" "$here/report.py" "$data/java.json" "$data/decoders.json" "$data/python.json" "$out_dir" "$mode"
echo "wrote $out_dir/throughput.md and throughput.json"
