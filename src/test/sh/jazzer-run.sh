#!/usr/bin/env bash
# A recorded coverage-guided fuzzing run of one @FuzzTest class of io.litemodel.fuzz with Jazzer's standalone driver
# (libFuzzer), at the lowest CPU priority, starting from its committed inputs.
#
# Usage (from the repository root):
#   mvn -B -o -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
#       -Dmdep.outputFile=target/test-classpath.txt
#   src/test/sh/jazzer-run.sh CLASS SECONDS OUT_DIR      # e.g. NpyFuzzTest 600 target/jazzer/npy
#
# Writes OUT_DIR/log.txt (libFuzzer's log with its final stats: executions, edges covered), OUT_DIR/corpus/ (the
# inputs that reached new coverage) and OUT_DIR/findings/ (an input per finding, with Jazzer's reproducer). Memory:
# the heap is 1 GiB and libFuzzer stops a run whose process passes 3 GiB resident (the model loader's native memory
# budget of 1 GiB, times two for delegate workspaces, plus the JVM); an input running over 30 s is a hang.
set -euo pipefail
target=$1
seconds=$2
out=$3
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
mkdir -p "$out/corpus" "$out/findings"
seeds=$(echo src/test/resources/io/litemodel/fuzz/"$target"Inputs/*/)
# LITEMODEL_FUZZ_CLASSES: compiled classes to fuzz instead of target/'s (a frozen copy, so that builds during a long
# run do not change them under it).
classpath="${LITEMODEL_FUZZ_CLASSES:-target/test-classes:target/classes}:$(cat target/test-classpath.txt)"
echo "command: $0 $*" | tee "$out/log.txt"
echo "started: $(date -u +%FT%TZ) on $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')" \
    | tee -a "$out/log.txt"
set +e
nice -n 19 java -Xmx1g -XX:-OmitStackTraceInFastThrow -cp "$classpath" com.code_intelligence.jazzer.Jazzer \
    --target_class="io.litemodel.fuzz.$target" \
    --instrumentation_includes='io.litemodel.**' \
    --keep_going=50 \
    -max_total_time="$seconds" -rss_limit_mb=3072 -timeout=30 -print_final_stats=1 \
    -artifact_prefix="$out/findings/" "$out/corpus" $seeds 2>&1 | tee -a "$out/log.txt"
status=${PIPESTATUS[0]}
set -e
echo "ended: $(date -u +%FT%TZ), exit $status" | tee -a "$out/log.txt"
exit "$status"
