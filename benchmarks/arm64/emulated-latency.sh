#!/usr/bin/env bash
# seed_mlp's predictSingle latency on linux-arm64 under QEMU user-mode emulation, beside the same CLI jar on the
# x86_64 host in the same run, into benchmarks/results/arm64-emulated.md. EMULATED: this says how long the arm64 test
# set takes and that the arm64 natives run, nothing about arm64 hardware speed.
#
# Usage (after mvn -B -Pfull package): bash benchmarks/arm64/emulated-latency.sh [CALLS] [ROUNDS]
set -eu
cd "$(dirname "$0")/../.."
calls=${1:-2000}
rounds=${2:-3}
cli=target/litemodel-cli.jar
jdk=native/build/linux-arm64/jdk
out=benchmarks/results/arm64-emulated.md
[ -f "$cli" ] && [ -x "$jdk/bin/java" ] || { echo "run mvn -B -Pfull package first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

latency() { # PREFIX... : runs the latency command, prints its p50 and p99 in us
  "$@" -jar "$cli" latency --model models/seed_mlp.tflite --calls "$calls" --window "$calls" >"$work/out" 2>&1
  awk '$1 == "p50" {p50 = $2} $1 == "p99" {p99 = $2} END {print p50, p99}' "$work/out"
}
{
  echo "# seed_mlp predictSingle on linux-arm64, EMULATED (QEMU user mode) beside the x86_64 host"
  echo
  echo "Written by \`bash benchmarks/arm64/emulated-latency.sh $calls $rounds\` on $(date -u +%Y-%m-%dT%H:%MZ)," \
    "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg) at the start; $(qemu-aarch64-static --version | head -1);" \
    "aarch64 JVM: $(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$jdk/bin/java" -version 2>&1 | head -1)." \
    "Each round: $calls calls after the command's warm-up, host and" \
    "emulated runs alternating. **Emulated time is not arm64 speed.**"
  echo
  echo "| round | x86_64 host p50 us | x86_64 host p99 us | linux-arm64 emulated p50 us | emulated p99 us | emulated/host p50 |"
  echo "|---|---:|---:|---:|---:|---:|"
  for r in $(seq 1 "$rounds"); do
    read -r hp50 hp99 < <(latency java)
    read -r ep50 ep99 < <(latency qemu-aarch64-static -L /usr/aarch64-linux-gnu "$jdk/bin/java")
    echo "| $r | $hp50 | $hp99 | $ep50 | $ep99 | $(python3 -c "print(f'{$ep50 / $hp50:.0f}x')") |"
  done
} >"$out"
cat "$out"
