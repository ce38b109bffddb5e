#!/usr/bin/env bash
# A recorded run of the schema-aware model fuzzer: COUNT mutants of SEED (of the reference models, or with --public
# of the conformance suite's public models) through io.litemodel.fuzz.FuzzRunner in child JVMs; writes
# benchmarks/results/fuzz/NAME.md with this command, the commit, the outcome table and the time.
#
# LITEMODEL_FUZZ_CLASSES replaces target/test-classes:target/classes (a frozen copy, as for jazzer-run.sh).
# Usage (from the repository root, after mvn -B -o -q test-compile dependency:build-classpath \
#   -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt):
#   bash benchmarks/fuzz/schema-aware.sh NAME SEED COUNT [--public]
set -euo pipefail
name=$1
seed=$2
count=$3
set_flag=${4:-}
cd "$(dirname "$0")/../.."
work=target/fuzz-$name
rm -rf "$work"
started=$(date +%s)
(cd src/test/python && ../../../.venv/bin/python -m modelfuzz generate --seed "$seed" --count "$count" $set_flag \
    --out "../../../$work/mutants")
set +e
java -cp "${LITEMODEL_FUZZ_CLASSES:-target/test-classes:target/classes}:$(cat target/test-classpath.txt)" io.litemodel.fuzz.FuzzRunner \
    "$work/mutants" "$work/run" > "$work/runner.txt"
status=$?
set -e
ended=$(date +%s)
out=benchmarks/results/fuzz/$name.md
{
  echo "# Schema-aware fuzzing: $name"
  echo
  echo "- command: \`bash benchmarks/fuzz/schema-aware.sh $*\`"
  echo "- code: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src/main || echo ' with local changes to src/main')," \
       "run $(date -u +%FT%TZ) on $(nproc) cores (load average $(cut -d' ' -f1 /proc/loadavg) at the end)"
  echo "- mutants: $(wc -l < "$work/mutants/manifest.jsonl") generated (seed $seed, $count drawn${set_flag:+, $set_flag})," \
       "generation and run $((ended - started)) s; FuzzRunner exit $status (0: no crash, hang or unclean exception)"
  echo
  cat "$work/runner.txt"
} > "$out"
echo "wrote $out"
exit "$status"
