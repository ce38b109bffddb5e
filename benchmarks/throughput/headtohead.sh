#!/usr/bin/env bash
# Interleaved head-to-head: the best Java pipeline configurations, Python tf.data + TFLite (2 interpreter threads),
# each also decoding JPEGs reduced in the DCT domain (Java DecodeScale.AUTO, Python decode_jpeg(ratio=k): fast rows),
# and Spark local[2] (the transformer's defaults: OpenCV, batch 4; OpenCV batch 8; ImageIO batch 8, each against the
# in-process row of the same decoder and batch), over the same 2000 generated JPEGs, in ROUNDS rounds (default 3)
# that alternate which side goes first; each round records the load average before each side. Writes
# benchmarks/results/headtohead.{jsonl,md} (the medians per configuration, every run, and the load), which
# throughput.md quotes.
#
#   bash benchmarks/throughput/headtohead.sh [ROUNDS] [tf]
#
# With tf: the TensorFlow-runtime head-to-head instead: models/image_cnn_frozen.pb through LiteModel's TensorFlow
# runtime in the pipeline (HeadToHead tf) and through Python's tf.data + tf.compat.v1 Session (tf_round.py --frozen),
# each beside its side's best TFLite row, in the same rounds; writes benchmarks/results/headtohead-tf.{jsonl,md}.
#
# Environment: BUILD_DIR (default /tmp/build-throughput); PYTHON (default .venv/bin/python).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-3}"
mode="${2:-tflite}"
build="${BUILD_DIR:-/tmp/build-throughput}"
python="${PYTHON:-$root/.venv/bin/python}"
data="$here/.data"
images="$data/images-2000"
out="$root/benchmarks/results/headtohead.jsonl"
[[ "$mode" == tf ]] && out="$root/benchmarks/results/headtohead-tf.jsonl"
mkdir -p "$data"

echo "== building the library into $build"
(cd "$root" && mvn -B -q -Djavacpp.platform=linux-x86_64 -Dlitemodel.build.dir="$build" -Dskip.python=true \
  -DskipTests process-classes dependency:build-classpath -Dmdep.outputFile="$build/classpath.txt" -Dmdep.includeScope=runtime \
  && mvn -B -q -Djavacpp.platform=linux-x86_64 -Dlitemodel.build.dir="$build" dependency:build-classpath \
  -Dmdep.outputFile="$build/classpath-spark.txt" -Dmdep.includeScope=compile)
opencv_version=$(sed -n 's/^opencv=//p' "$build/classes/io/litemodel/litemodel-versions.properties")
mvn -B -q -f "$here/opencv-pom.xml" -Djavacpp.platform=linux-x86_64 -Dopencv.version="$opencv_version" \
  dependency:build-classpath -Dmdep.outputFile="$data/opencv-cp.txt" >/dev/null
cp="$build/classes:$(cat "$build/classpath.txt"):$(cat "$data/opencv-cp.txt")"
# The TensorFlow runtime's CPU natives: an optional, test-scoped dependency of the library, so not in its runtime
# classpath; the same jar its tests use (version from the build's versions file, the pom's one source).
tf_version=$(sed -n 's/^tensorflow-java=//p' "$build/classes/io/litemodel/litemodel-versions.properties")
tf_natives="$HOME/.m2/repository/org/tensorflow/tensorflow-core-native/$tf_version/tensorflow-core-native-$tf_version-linux-x86_64.jar"
[[ "$mode" != tf || -f "$tf_natives" ]] || { echo "headtohead.sh: $tf_natives missing (mvn -DskipTests test-compile fetches it)" >&2; exit 1; }
cp="$cp:$tf_natives"
# Spark is a provided dependency: on the classpath for the Spark rows only (as spark-submit would provide it); OpenCV
# as a job adds it (org.bytedeco:opencv-platform), so that the transformer's AUTO decoder finds it.
spark_cp="$build/classes:$(cat "$build/classpath-spark.txt"):$(cat "$data/opencv-cp.txt")"
classes="$data/classes-h2h"
mkdir -p "$classes"
javac -d "$classes" -cp "$spark_cp" "$here/src/ThroughputBench.java" "$here/src/HeadToHead.java"
java -cp "$classes:$cp" ThroughputBench generate "$images" 2000

load() { printf '{"side": "load", "before": "%s", "loadavg": "%s"}\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out"; }
java_side() { load java; java -Xmx4g -cp "$classes:$cp" HeadToHead pipeline "$root/models/image_cnn.tflite" "$images" 2>&1 \
  | grep '^{' | tee -a "$out"
  # The profile's inference row: ms per image against batch size (one replica, one thread).
  java -cp "$classes:$cp" HeadToHead inference "$root/models/image_cnn.tflite" "$images" 2>&1 | grep '^{' | tee -a "$out"; }
python_side() { load python; (cd "$here" && TF_CPP_MIN_LOG_LEVEL=2 "$python" tf_round.py "$root/models/image_cnn.tflite" \
  "$images") 2>&1 | grep '^{' | tee -a "$out"; }
java_tf_side() { load java; java -Xmx4g -cp "$classes:$cp" HeadToHead tf "$root/models/image_cnn_frozen.pb" "$images" \
  "$root/models/image_cnn.tflite" 2>&1 | grep '^{' | tee -a "$out"; }
python_tf_side() { load python; (cd "$here" && TF_CPP_MIN_LOG_LEVEL=2 "$python" tf_round.py "$root/models/image_cnn.tflite" \
  "$images" --frozen "$root/models/image_cnn_frozen.pb") 2>&1 | grep '^{' | tee -a "$out"; }
spark_side() { load spark; java -Xmx4g -cp "$classes:$spark_cp" HeadToHead spark "$root/models/image_cnn.tflite" "$images" \
  2>/dev/null | grep '^{' | tee -a "$out"; }

: > "$out"
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r of $rounds"
  printf '{"side": "round", "round": %d, "started": "%s"}\n' "$r" "$(date -u +%FT%TZ)" >> "$out"
  if [[ "$mode" == tf ]]; then
    if ((r % 2)); then java_tf_side; python_tf_side; else python_tf_side; java_tf_side; fi
  elif ((r % 2)); then java_side; python_side; spark_side; else python_side; spark_side; java_side; fi
done
report="${out%.jsonl}.md"
"$python" "$here/headtohead_report.py" "$out" "$report"
cat "$report"
