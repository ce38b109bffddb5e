#!/usr/bin/env bash
# seed_mlp latency in one run: LiteModel's TensorFlow runtime (TfRuntimeBenchmark), TF Java's own API
# (TfJavaBenchmark), LiteModel on TensorFlow Lite (LiteModelBenchmark) and the native floor (before and after JMH),
# then benchmarks/results/tf-latency-<date>.md. JMH SampleTime with 3 forks (the table shows medians over forks),
# then AverageTime with -prof gc for bytes per call. About 4 minutes.
#
# Usage (from anywhere): bash benchmarks/tf/run-tf-latency.sh
# The result is tf-latency-<date>.md, or tf-latency-<date>T<hhmm>Z.md when that exists (an earlier run the same day
# is kept). SKIP_BUILD=1 reuses benchmarks/target from an earlier package, so no build runs just before the
# measurement and raises the load it records.
# Needs: the main artifact installed (mvn -B -DskipTests install) and the native floor built (cppbuild.sh, as
# run-latency.sh does; FLOOR=path overrides). The benchmarks project pins TF Java 1.1.0 (see its pom.xml), so both
# TensorFlow rows run on the same TensorFlow 2.18 natives and differ only in the binding.
set -eu
cd "$(dirname "$0")/../.."
PLATFORM=$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)
FLOOR=${FLOOR:-native/build/$PLATFORM/cmake/floor/litemodel_floor}
[ -x "$FLOOR" ] || { echo "run-tf-latency.sh: $FLOOR not built (LITEMODEL_NATIVE_BUILD=... bash cppbuild.sh)" >&2; exit 1; }
RAW=$(mktemp -d)
[ "${SKIP_BUILD:-0}" = 1 ] && [ -f benchmarks/target/classpath.txt ] || mvn -B -q -f benchmarks/pom.xml package
OUT="benchmarks/results/tf-latency-$(date -u +%Y-%m-%d).md"
[ -e "$OUT" ] && OUT="benchmarks/results/tf-latency-$(date -u +%Y-%m-%dT%H%MZ).md"
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
REGEX='LiteModelBenchmark.predictSingle$|TfRuntimeBenchmark|TfJavaBenchmark'
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$(nproc)"
  echo "kernel=$(uname -sr)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "git=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$RAW/machine.txt"
"$FLOOR" --model models/seed_mlp.tflite --calls 200000 --warmup 20000 > "$RAW/floor-before.json" 2> /dev/null
java -cp "$CP" org.openjdk.jmh.Main -f 3 -wi 3 -w 1s -i 5 -r 1s -p model=seed_mlp -rf json \
  -rff "$RAW/jmh-sample.json" "$REGEX" > "$RAW/jmh-sample.log" 2>&1
java -cp "$CP" org.openjdk.jmh.Main -bm avgt -f 1 -wi 3 -w 1s -i 3 -r 1s -prof gc -p model=seed_mlp -rf json \
  -rff "$RAW/jmh-alloc.json" "$REGEX" > "$RAW/jmh-alloc.log" 2>&1
"$FLOOR" --model models/seed_mlp.tflite --calls 200000 --warmup 20000 > "$RAW/floor-after.json" 2> /dev/null
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW/machine.txt"
python3 benchmarks/tf/aggregate_tf_latency.py "$RAW" "$OUT"
echo "result: $OUT"
echo "raw files: $RAW"
