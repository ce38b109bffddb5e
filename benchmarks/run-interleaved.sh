#!/usr/bin/env bash
# The headline ratio, LiteModel.predictSingle against the native floor, measured robustly on a noisy machine: the
# two alternate, ROUNDS times, each round timing CALLS calls of seed_mlp (batch 1, XNNPACK, 1 thread) after WARMUP
# untimed ones, with a clock read per call on both sides (clock_gettime in C++, System.nanoTime in Java). Alternating
# puts both under the same drift; the medians over rounds are what benchmarks/results/latency-interleaved.md reports.
#
# Usage (after `bash benchmarks/run-latency.sh` or a main build plus `bash cppbuild.sh`):
#   bash benchmarks/run-interleaved.sh              # 7 rounds x 200,000 calls per side (about 1 minute)
# Environment: ROUNDS, CALLS, WARMUP, MODEL (default seed_mlp), LITEMODEL_BUILD_DIR, LITEMODEL_NATIVE_BUILD,
#   TASKSET (e.g. "taskset -c 1", applied to both sides)
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PLATFORM=$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m)
BUILD_DIR=${LITEMODEL_BUILD_DIR:-$ROOT/target}
NATIVE_BUILD=${LITEMODEL_NATIVE_BUILD:-native/build/$PLATFORM}
ROUNDS=${ROUNDS:-7}
CALLS=${CALLS:-200000}
WARMUP=${WARMUP:-20000}
MODEL=${MODEL:-seed_mlp}
PIN=${TASKSET:-}
FLOOR=$NATIVE_BUILD/cmake/floor/litemodel_floor
[ -x "$FLOOR" ] || { echo "run-interleaved.sh: $FLOOR not built; run bash cppbuild.sh" >&2; exit 1; }
CLI_JAR=$BUILD_DIR/litemodel-cli.jar
[ -f "$CLI_JAR" ] || { echo "run-interleaved.sh: build the library first (mvn -DskipTests package)" >&2; exit 1; }
RAW=$ROOT/benchmarks/results/latency-interleaved-raw
rm -rf "$RAW" && mkdir -p "$RAW"

for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round/$ROUNDS" >&2
  $PIN "$FLOOR" --model "models/$MODEL.tflite" --calls "$CALLS" --warmup "$WARMUP" > "$RAW/floor-$round.json" \
    2> "$RAW/floor-$round.log"
  $PIN java -jar "$CLI_JAR" latency --model "models/$MODEL.tflite" --calls "$CALLS" \
    --warmup "$WARMUP" --window "$CALLS" --json "$RAW/java-$round.json" > "$RAW/java-$round.log" 2>&1
done

"$ROOT/.venv/bin/python" - "$RAW" "$ROUNDS" "$MODEL" "$CALLS" "$ROOT/benchmarks/results/latency-interleaved.md" <<'EOF'
import json, os, platform, statistics, subprocess, sys
raw, rounds, model, calls, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
keys = ["p50_us", "p90_us", "p99_us", "p999_us", "max_us"]
def load(side):
    return [json.load(open(os.path.join(raw, f"{side}-{r}.json"))) for r in range(1, rounds + 1)]
floor, java = load("floor"), load("java")
cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
cpu = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("Model name")), platform.processor())
lines = [f"# LiteModel.predictSingle against the native floor, interleaved ({model})", "",
         f"{rounds} rounds; in each, the native floor then LiteModel's `latency` command, {calls:,} timed calls each "
         f"after a warm-up, batch 1, XNNPACK, 1 thread. Machine: {cpu}, {os.cpu_count()} cores; load average at the "
         f"end {os.getloadavg()[0]:.2f}. Produced by `bash benchmarks/run-interleaved.sh`.", "",
         "Median over rounds (microseconds per call):", "",
         "| side | p50 | p90 | p99 | p99.9 | max |", "|---|---|---|---|---|---|"]
med = {}
for name, runs in (("native floor (C++, TFLite C API + XNNPACK)", floor), ("LiteModel.predictSingle(float[], float[])", java)):
    med[name] = [statistics.median(r[k] for r in runs) for k in keys]
    lines.append(f"| {name} | " + " | ".join(f"{v:.1f}" for v in med[name]) + " |")
f, j = list(med.values())
lines += ["", "Ratios of the medians (LiteModel / floor):", "",
          "| p50 | p90 | p99 | p99.9 |", "|---|---|---|---|",
          "| " + " | ".join(f"{j[i] / f[i]:.3f}x" for i in range(4)) + " |", "",
          "Per round (p50 / p99.9, microseconds):", "", "| round | floor | LiteModel | p50 ratio |", "|---|---|---|---|"]
for r in range(rounds):
    lines.append(f"| {r + 1} | {floor[r]['p50_us']:.1f} / {floor[r]['p999_us']:.1f} | "
                 f"{java[r]['p50_us']:.1f} / {java[r]['p999_us']:.1f} | {java[r]['p50_us'] / floor[r]['p50_us']:.3f}x |")
allocated = [r.get("allocated_bytes", 0) for r in java]
lines += ["", f"Bytes allocated by LiteModel's timed loops: {allocated} (per round, {calls:,} calls each).", ""]
open(out, "w").write("\n".join(lines))
print("\n".join(lines))
EOF
