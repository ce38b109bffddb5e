#!/usr/bin/env bash
# Writes benchmarks/results/fuzz/jazzer.md from the output folders of src/test/sh/jazzer-run.sh runs: per fuzz test
# the command, the code, executions, libFuzzer's coverage (edges "cov" and features "ft" of the instrumented
# io.litemodel classes), the corpus it grew, peak memory, and the inputs of any findings.
#
# Usage: bash benchmarks/fuzz/jazzer-summary.sh RUN_DIR...     (each RUN_DIR as given to jazzer-run.sh)
set -euo pipefail
out=benchmarks/results/fuzz/jazzer.md
{
  echo "# Jazzer: 10-minute coverage-guided runs of the Java-parser fuzz tests"
  echo
  echo "Written by \`bash benchmarks/fuzz/jazzer-summary.sh $*\` from the runs' logs. Each run:"
  echo "\`src/test/sh/jazzer-run.sh CLASS 600 DIR\` (Jazzer 0.30.0's standalone driver, \`nice -n 19\`, one at a time on the"
  echo "shared 2-core machine, heap 1 GiB, libFuzzer RSS limit 3 GiB, 30 s per input is a hang, instrumentation of"
  echo "\`io.litemodel.**\`; JDK and Jackson code is not instrumented, so \`cov\` counts edges in LiteModel's own classes)."
  echo
  echo "| fuzz test | started (UTC), worktree then | executions | exec/s | cov (edges) | ft (features) | corpus grown to | peak RSS | findings |"
  echo "|---|---|---:|---:|---:|---:|---|---:|---|"
  for dir in "$@"; do
    log=$dir/log.txt
    name=$(basename "$dir")
    started=$(sed -n 's/^started: \(.*\)/\1/p' "$log")
    done_line=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$log" | tail -1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(echo "$done_line" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$done_line" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$done_line" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
    findings=$(ls "$dir/findings" | { grep -v '^slow-unit' || true; } | tr '\n' ' ')
    echo "| $name | $started | $execs | $rate | $cov | $ft | $corp inputs/bytes | ${rss} MB | ${findings:-none} |"
  done
} > "$out"
echo "wrote $out"
