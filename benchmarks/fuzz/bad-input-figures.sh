#!/usr/bin/env bash
# The load-time and memory figures of docs/bad-input.md that are re-measurable in a few minutes, written to
# benchmarks/results/fuzz/bad-input-figures.md with this command, the commit and the machine's load:
#  1. refusal by the memory budget: the 1,620-byte huge_declared_input.tflite (its input declares 4 GiB) loaded 21
#     times after 5 warm-up loads (BudgetRefusal.java), in each of RUNS fresh JVMs;
#  2. peak resident memory of ModelHandleTest's corruption child JVM: CorruptModelProbe over the same 1,000 byte-flip
#     cases of seed_classifier with the same -Xmx256m, under /usr/bin/time, RUNS times.
#
# Usage (from the repository root, after mvn -B -o -q process-classes test-compile dependency:build-classpath \
#   -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt); about a minute:
#   bash benchmarks/fuzz/bad-input-figures.sh [RUNS]
set -euo pipefail
runs=${1:-3}
cd "$(dirname "$0")/../.."
model=src/test/resources/io/litemodel/semantics/huge_declared_input.tflite
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
out=benchmarks/results/fuzz/bad-input-figures.md
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
refusals=()
probes=()
for run in $(seq 1 "$runs"); do
  refusals+=("$(java -cp "$cp" benchmarks/fuzz/BudgetRefusal.java "$model" 21 | head -1)")
  probes+=("$( { /usr/bin/time -f 'maxrss_kb=%M wall_s=%e' java -Xmx256m -cp "$cp" io.litemodel.CorruptModelProbe \
      models/seed_classifier.tflite 0 1000 > /dev/null; } 2>&1 | tail -1)")
done
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
{
  echo "# Bad-input figures: refusal by the memory budget, memory of the corruption test"
  echo
  echo "- command: \`bash benchmarks/fuzz/bad-input-figures.sh $*\`"
  echo "- code: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src/main || echo ' with local changes to src/main')," \
       "run $(date -u +%FT%TZ) on $(nproc) cores; load average $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after"
  echo
  echo "## Refusal by the memory budget at load"
  echo
  echo "\`$model\` ($(stat -c %s "$model") bytes; its input declares 4 GiB), default options (1 GiB budget). Each run:"
  echo "a fresh JVM, 5 warm-up loads, then 21 timed \`LiteModel.load(byte[])\` calls, each refused with"
  echo "\`MEMORY_BUDGET_EXCEEDED\`; milliseconds per load."
  echo
  echo "| run | median | min | max |"
  echo "|---:|---:|---:|---:|"
  medians=()
  i=0
  for line in "${refusals[@]}"; do
    i=$((i + 1))
    medians+=("$(field median_ms "$line")")
    echo "| $i | $(field median_ms "$line") | $(field min_ms "$line") | $(field max_ms "$line") |"
  done
  echo
  echo "Median of the runs' medians: $(median "${medians[@]}") ms."
  echo
  echo "## Peak resident memory of the corruption test's child JVM"
  echo
  echo "\`java -Xmx256m io.litemodel.CorruptModelProbe models/seed_classifier.tflite 0 1000\` (the child JVM of"
  echo "\`ModelHandleTest.randomCorruptionsAreRejectedOrRunButNeverCrash\`, same cases and heap) under \`/usr/bin/time\`:"
  echo "maximum resident set size and wall time."
  echo
  echo "| run | peak RSS (MB) | wall (s) |"
  echo "|---:|---:|---:|"
  rss=()
  i=0
  for line in "${probes[@]}"; do
    i=$((i + 1))
    mb=$(( $(field maxrss_kb "$line") / 1000 ))
    rss+=("$mb")
    echo "| $i | $mb | $(field wall_s "$line") |"
  done
  echo
  echo "Median peak: $(median "${rss[@]}") MB."
} > "$out"
cat "$out"
