#!/usr/bin/env bash
# The Spark rows of the head-to-head and the in-process rows they are compared with (the same decoder and batch),
# alone, in ROUNDS interleaved rounds that alternate which side goes first, over COUNT generated images: a shorter
# check of the Spark overhead than headtohead.sh. Writes OUT.jsonl and OUT.md (default /tmp/spark-overhead; the report
# script also refreshes a throughput.md it finds beside OUT, so keep OUT outside benchmarks/results).
#
#   bash benchmarks/throughput/spark_overhead.sh [ROUNDS] [COUNT] [OUT]
#
# Expects the build of headtohead.sh (BUILD_DIR, default /tmp/build-throughput: classes and classpath-spark.txt).
# Extra JVM options for the Spark side: SPARK_JAVA_OPTS (for example -Dspark.sql.files.openCostInBytes=0).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-3}"
count="${2:-500}"
out="${3:-/tmp/spark-overhead}"
build="${BUILD_DIR:-/tmp/build-throughput}"
python="${PYTHON:-python3}"
data="$here/.data"
images="$data/images-$count"
cp="$build/classes:$(cat "$build/classpath-spark.txt")"
classes="$data/classes-h2h"
mkdir -p "$classes"
javac -d "$classes" -cp "$cp" "$here/src/ThroughputBench.java" "$here/src/HeadToHead.java" "$here/src/SparkProfile.java"
java -cp "$classes:$cp" ThroughputBench generate "$images" "$count"
load() { printf '{"side": "load", "before": "%s", "loadavg": "%s"}\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >> "$out.jsonl"; }
java_side() { load java; java -Xmx4g -cp "$classes:$cp" HeadToHead spark-baselines "$root/models/image_cnn.tflite" "$images" \
  2>&1 | grep '^{' | tee -a "$out.jsonl"; }
spark_side() { load spark; java -Xmx4g ${SPARK_JAVA_OPTS:-} -cp "$classes:$cp" HeadToHead spark "$root/models/image_cnn.tflite" \
  "$images" 2>/dev/null | grep '^{' | tee -a "$out.jsonl"; }
: > "$out.jsonl"
for ((r = 1; r <= rounds; r++)); do
  echo "== round $r of $rounds"
  printf '{"side": "round", "round": %d, "started": "%s"}\n' "$r" "$(date -u +%FT%TZ)" >> "$out.jsonl"
  if ((r % 2)); then java_side; spark_side; else spark_side; java_side; fi
done
"$python" "$here/headtohead_report.py" "$out.jsonl" "$out.md"
grep -E '^(\||Spark|Load)' "$out.md"
