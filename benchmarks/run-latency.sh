#!/usr/bin/env bash
# One command for the whole latency comparison: native floor, JMH (LiteModel, naive presets binding, ONNX Runtime,
# reduced precision), the Python anchors, the `latency` command over 1,000,000 calls with its plot, then
# benchmarks/results/latency.md and latency.json with every row's ratio to the native floor.
#
# Usage (from anywhere; takes about 17 minutes on a quiet 2-core machine):
#   bash benchmarks/run-latency.sh
# Environment:
#   LATENCY_QUICK=1        smoke run: 1 fork, 1 short iteration, few calls (about 3 minutes; figures are NOT
#                          representative and the output goes to benchmarks/results/latency-quick.* instead)
#   SKIP_MAIN_BUILD=1      do not (re)install the main artifact first
#   LITEMODEL_BUILD_DIR    the main project's build folder (default: <repo>/target)
#   LITEMODEL_NATIVE_BUILD where cppbuild.sh builds native/ (default: native/build/<platform>)
#   TASKSET="taskset -c 1" prefix for every measured process (core pinning; see docs/performance.md, "Tuning guide")
#   JMH_INCLUDE=REGEX      run only the matching benchmarks (default: all of io.litemodel.benchmarks)
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PLATFORM=$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)
BUILD_DIR=${LITEMODEL_BUILD_DIR:-$ROOT/target}
NATIVE_BUILD=${LITEMODEL_NATIVE_BUILD:-native/build/$PLATFORM}
PIN=${TASKSET:-}
JMH_REGEX=${JMH_INCLUDE:-io.litemodel.benchmarks.*Benchmark}
PYTHON=$ROOT/.venv/bin/python
[ -x "$PYTHON" ] || { echo "run-latency.sh: $PYTHON not found; build the main project once (mvn package)" >&2; exit 1; }

if [ "${LATENCY_QUICK:-0}" = 1 ]; then
  NAME=latency-quick
  JMH_SAMPLE=(-f 1 -wi 1 -w 1s -i 1 -r 1s)
  JMH_ALLOC=(-f 1 -wi 1 -w 1s -i 1 -r 1s)
  FLOOR_CALLS=20000; FLOOR_WARMUP=2000; CLI_CALLS=20000; CLI_WINDOW=5000
  PY_ARGS=(--calls 5000 --eager-calls 200 --predict-calls 50 --warmup 20)
else
  NAME=latency
  JMH_SAMPLE=()  # the annotations: 2 forks, 3 x 1 s warm-up, 5 x 1 s measurement
  JMH_ALLOC=(-f 1 -wi 3 -w 1s -i 3 -r 1s)
  FLOOR_CALLS=200000; FLOOR_WARMUP=20000; CLI_CALLS=1000000; CLI_WINDOW=100000
  PY_ARGS=(--calls 100000 --eager-calls 5000 --predict-calls 500 --warmup 200)
fi
RESULTS=$ROOT/benchmarks/results
RAW=$RESULTS/$NAME-raw
rm -rf "$RAW" && mkdir -p "$RAW"
step() { echo "== $(date +%H:%M:%S) $*" >&2; }

step "building (main artifact, native floor, benchmarks)"
if [ "${SKIP_MAIN_BUILD:-0}" != 1 ]; then
  mvn -B -q -Dlitemodel.build.dir="$BUILD_DIR" -Dskip.python=true -DskipTests install
fi
LITEMODEL_NATIVE_BUILD=$NATIVE_BUILD bash cppbuild.sh >&2
FLOOR=$NATIVE_BUILD/cmake/floor/litemodel_floor
[ -x "$FLOOR" ] || { echo "run-latency.sh: $FLOOR was not built" >&2; exit 1; }
mvn -B -q -f benchmarks/pom.xml package
BENCH_CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
mvn -B -q -Dlitemodel.build.dir="$BUILD_DIR" dependency:build-classpath -Dmdep.outputFile="$RAW/cli-classpath.txt" >/dev/null
CLI_CP="$BUILD_DIR/classes:$(cat "$RAW/cli-classpath.txt")"

step "machine"
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "cores=$(nproc)"
  echo "kernel=$(uname -sr)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "git=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "pin=${PIN:-none}"
  echo "quick=${LATENCY_QUICK:-0}"
} > "$RAW/machine.txt"

floor() {  # floor LABEL MODEL [flags...]
  local label=$1 model=$2; shift 2
  $PIN "$FLOOR" --model "models/$model.tflite" --calls "$FLOOR_CALLS" --warmup "$FLOOR_WARMUP" "$@" \
    > "$RAW/floor-$label.json" 2> "$RAW/floor-$label.log"
}

step "native floor (before JMH)"
floor seed_mlp seed_mlp
floor seed_mlp-no-xnnpack seed_mlp --no-xnnpack
floor seed_classifier seed_classifier
for model in seed_mlp seed_classifier; do
  for b in 8 32 128; do
    FLOOR_CALLS=$((FLOOR_CALLS / b + 1000)) floor "$model-batch$b" "$model" --batch "$b"
  done
done
floor seed_mlp-force-fp16 seed_mlp --force-fp16
floor seed_mlp_float16 seed_mlp_float16
floor seed_mlp_dynamic seed_mlp_dynamic
floor seed_mlp_int8 seed_mlp_int8

step "JMH, SampleTime (percentiles)"
# The forks run in this folder, where the benchmarks find models/ (the annotations set their heap flags).
$PIN java -cp "$BENCH_CP" org.openjdk.jmh.Main "${JMH_SAMPLE[@]}" \
  -rf json -rff "$RAW/jmh-sample.json" "$JMH_REGEX" > "$RAW/jmh-sample.log" 2>&1

step "JMH, AverageTime with -prof gc (bytes per call; SampleTime's own sample buffers would add ~10 B/op)"
$PIN java -cp "$BENCH_CP" org.openjdk.jmh.Main -bm avgt "${JMH_ALLOC[@]}" -prof gc -rf json -rff "$RAW/jmh-alloc.json" \
  "$JMH_REGEX" > "$RAW/jmh-alloc.log" 2>&1

step "error of each precision mode against Keras"
java -cp "$BENCH_CP" -Dlitemodel.models="$ROOT/models" io.litemodel.benchmarks.PrecisionCheck \
  > "$RAW/precision.jsonl" 2> "$RAW/precision.log"

step "latency command, $CLI_CALLS calls, with plot"
$PIN java -Xms256m -Xmx256m -cp "$CLI_CP" io.litemodel.cli.LiteModelCli latency --model models/seed_mlp.tflite \
  --calls "$CLI_CALLS" --warmup 20000 --window "$CLI_WINDOW" --plot "$RESULTS/$NAME-seed_mlp.png" \
  --json "$RAW/cli.json" > "$RESULTS/$NAME-cli.txt" 2> "$RAW/cli.log"

step "Python anchors"
$PIN "$PYTHON" benchmarks/python_anchors.py --models models "${PY_ARGS[@]}" > "$RAW/python.jsonl" 2> "$RAW/python.log"

step "native floor (after, to show how much the machine moved during the run)"
floor seed_mlp-after seed_mlp

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$RAW/machine.txt"
"$PYTHON" benchmarks/aggregate_latency.py "$RAW" "$RESULTS/$NAME.md" "$RESULTS/$NAME.json"
step "done: $RESULTS/$NAME.md, $RESULTS/$NAME.json, $RESULTS/$NAME-seed_mlp.png"
