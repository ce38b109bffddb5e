#!/usr/bin/env bash
# The cost of the child-process check per load: LoadBenchmark (JMH single-shot times, both settings in one run),
# written to benchmarks/results/load-isolation.md with the machine's description and load.
#
# Usage (from anywhere; about 3 minutes): bash benchmarks/run-load.sh
# SKIP_MAIN_BUILD=1 skips (re)installing the main artifact first.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ "${SKIP_MAIN_BUILD:-0}" != 1 ]; then
  mvn -B -q -ntp -DskipTests install
fi
(cd benchmarks && mvn -B -q -ntp -DskipTests package)
BENCH_CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/classpath.txt")"
RAW=$(mktemp -d)
java -cp "$BENCH_CP" -Dlitemodel.models="$ROOT/models" org.openjdk.jmh.Main io.litemodel.benchmarks.LoadBenchmark \
  -jvmArgsAppend "-Dlitemodel.models=$ROOT/models" -rf json -rff "$RAW/load.json" | tee "$RAW/load.txt"
OUT=benchmarks/results/load-isolation.md
{
  echo "# Cost of a load, with and without the child-process check"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') with \`bash benchmarks/run-load.sh\` on $(nproc) cores,"
  echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average at the end:"
  echo "$(cut -d' ' -f1-3 /proc/loadavg). JMH single-shot time per load (load, ready, close), 2 forks x 10 shots after"
  echo "3 warm-up shots each; milliseconds."
  echo
  python3 - "$RAW/load.json" <<'PY'
import json, statistics, sys
rows = json.load(open(sys.argv[1]))
print("| model | child-process check | median | p90 | max | shots |")
print("|---|---|---|---|---|---|")
for r in rows:
    p = r["params"]
    raw = sorted(x for fork in r["primaryMetric"]["rawData"] for x in fork)
    pick = lambda q: raw[min(len(raw) - 1, int(q * len(raw)))]
    print(f"| {p['model']} | {p['childCheck']} | {statistics.median(raw):.1f} | {pick(0.9):.1f} | {raw[-1]:.1f} | {len(raw)} |")
PY
} > "$OUT"
cat "$OUT"
