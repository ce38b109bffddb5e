#!/usr/bin/env bash
# Many callers at once (issue 15): open-loop latency table and closed-loop throughput for one model per thread, the
# pool, the micro-batcher and ONNX Runtime's shared session, interleaved, plus the pool's rotation cost. Writes
# benchmarks/results/concurrency.md, with what batching can gain on this machine (the model's cost per row by batch
# size, and the cost of waking a parked thread) and the goal checks on medians of repeated rounds. About 11 minutes
# on 2 cores (variants stop at the first rate where their p99 passes 20 ms; each point is SECONDS_PER_POINT plus
# 0.2 s of warm-up).
#
# Compiles ConcurrencyLoad against the main build's classes (target/classes, so the newest library without
# installing it) and the benchmarks' ONNX Runtime jar.
# Usage: bash benchmarks/run-concurrency.sh
# Environment: CALLERS (default 1,2,8,32), RATES (requests/s, default 5000,...,160000), CLOSED_CALLERS
#   (default 1,2,4,8,16,32,64), SECONDS_PER_POINT (default 1), OUT (default benchmarks/results/concurrency.md);
#   for the goal checks, judged on repeated measurements: GOAL_CALLERS (default 8,32,64), GOAL_RATES (default
#   20000,...,160000), GOAL_ROUNDS (default 3), LOW_RATES (default 5000,10000,20000,30000), LOW_SEGMENTS
#   (1-2 callers: alternating 200 ms segments per variant and rate, default 25).
# Check the machine is quiet first (uptime; the report quotes the load average before and after): on a busy machine
# even the null call's p99 reaches milliseconds and no variant's tail means anything.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
[ -d target/classes/io/litemodel/load ] || { echo "run-concurrency.sh: build the library first (mvn compile)" >&2; exit 1; }
WORK=$ROOT/benchmarks/target/concurrency
mkdir -p "$WORK/classes"
[ -f "$WORK/main-classpath.txt" ] || mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$WORK/main-classpath.txt" >&2
[ -f "$WORK/bench-classpath.txt" ] || mvn -B -q -ntp -f benchmarks/pom.xml dependency:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/bench-classpath.txt" >&2
# The benchmarks' own classpath (ONNX Runtime, TensorFlow Lite, JavaCPP) without the installed litemodel jar, whose
# classes target/classes replaces, plus HdrHistogram from the main build. Not the main build's whole classpath: with
# its optional OpenCV/OpenBLAS natives on it, ONNX Runtime 1.29's OrtEnvironment crashes the JVM (SIGSEGV, seen here).
BENCH=$(tr ':' '\n' < "$WORK/bench-classpath.txt" | grep -v '/io/litemodel/litemodel/' | paste -sd:)
HDR=$(tr ':' '\n' < "$WORK/main-classpath.txt" | grep HdrHistogram)
CP="$ROOT/target/classes:$BENCH:$HDR"
SOURCES=""
for name in BenchData ConcurrencyLoad HandOffCost BatchRowCost; do
  SOURCES="$SOURCES benchmarks/src/main/java/io/litemodel/benchmarks/$name.java"
done
# shellcheck disable=SC2086 # SOURCES is a list of paths without spaces
javac -nowarn -d "$WORK/classes" -cp "$CP" $SOURCES
exec java -Xmx1g -cp "$WORK/classes:$CP" \
    -Dcallers="${CALLERS:-1,2,8,32}" \
    -Drates="${RATES:-5000,10000,20000,30000,40000,60000,80000,100000,130000,160000}" \
    -DclosedCallers="${CLOSED_CALLERS:-1,2,4,8,16,32,64}" -Dseconds="${SECONDS_PER_POINT:-1}" \
    -DgoalCallers="${GOAL_CALLERS:-8,32,64}" -DgoalRounds="${GOAL_ROUNDS:-3}" \
    -DgoalRates="${GOAL_RATES:-20000,30000,40000,60000,80000,100000,130000,160000}" \
    -DlowRates="${LOW_RATES:-5000,10000,20000,30000}" -DlowSegments="${LOW_SEGMENTS:-25}" \
    -Dout="${OUT:-benchmarks/results/concurrency.md}" io.litemodel.benchmarks.ConcurrencyLoad
