#!/usr/bin/env bash
# A recorded run of the byte-flip probe (src/test/java/io/litemodel/CorruptModelProbe.java, the one ModelHandleTest
# runs for 1,000 cases): CASES random corruptions (1 to 4 bytes each, seeded by case number) of each named reference
# model, loaded and predicted in a child JVM at -Xmx256m; writes benchmarks/results/fuzz/byte-flips.md.
#
# Usage (from the repository root, after the same build as schema-aware.sh):
#   bash benchmarks/fuzz/byte-flips.sh CASES MODEL...
set -euo pipefail
cases=$1
shift
cd "$(dirname "$0")/../.."
out=benchmarks/results/fuzz/byte-flips.md
{
  echo "# Byte flips: random corruptions of reference models"
  echo
  echo "- command: \`bash benchmarks/fuzz/byte-flips.sh $cases $*\`"
  echo "- code: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src/main || echo ' with local changes to src/main')," \
       "run $(date -u +%FT%TZ) on $(nproc) cores"
  echo "- unclean: any exception other than LiteModelException with a status, IllegalArgumentException," \
       "IllegalStateException; crash: the child JVM died (its exit status)"
  echo
  echo "| model | cases | rejected at load | ran | failed to run (clean) | unclean | crash | seconds |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
} > "$out"
status=0
for model in "$@"; do
  started=$(date +%s)
  set +e
  java -Xmx256m -cp "${LITEMODEL_FUZZ_CLASSES:-target/test-classes:target/classes}:$(cat target/test-classpath.txt)" \
      io.litemodel.CorruptModelProbe "models/$model.tflite" 0 "$cases" > "target/byte-flips-$model.txt" 2>&1
  exit_code=$?
  set -e
  value() { grep "^$1=" "target/byte-flips-$model.txt" | tail -1 | cut -d= -f2; }
  crash=$([ "$exit_code" = 0 ] && echo 0 || echo "exit $exit_code after case $(value case)")
  [ "$exit_code" = 0 ] && [ "$(value unclean)" = 0 ] || status=1
  echo "| $model | $cases | $(value rejected) | $(value ran) | $(value failed_to_run) | $(value unclean) | $crash |" \
       "$(( $(date +%s) - started )) |" >> "$out"
done
grep "^unclean_case=" target/byte-flips-*.txt >> "$out" || true
echo "wrote $out"
exit "$status"
