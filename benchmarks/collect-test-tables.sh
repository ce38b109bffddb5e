#!/usr/bin/env bash
# Copies the tables and figures that the test run prints or writes under target/ into a committed results file, so
# that the docs can cite them: LiteRT's GPU parity on SwiftShader (GpuAcceleratorTest's output), where each public
# model runs on the GPU (GpuPublicModelTest: target/gpu-conformance.md) and the public-model conformance table
# (PublicModelConformanceTest: target/conformance.md), and the heap bytes per image of the preprocessing stage
# (PreprocessAllocationTest's output).
#
# Usage: bash benchmarks/collect-test-tables.sh CHECKOUT [OUT]
#   CHECKOUT: a checkout in which `mvn -B -Pfull verify` (the README's test command) has just finished
#   OUT:      default benchmarks/results/test-tables.md of this repository
set -euo pipefail
checkout=$(cd "${1:?usage: collect-test-tables.sh CHECKOUT [OUT]}" && pwd)
here=$(cd "$(dirname "$0")/.." && pwd)
out=${2:-$here/benchmarks/results/test-tables.md}
reports=$checkout/target/surefire-reports

need() { [[ -s $1 ]] || { echo "collect-test-tables: $1 is missing or empty: run mvn -B -Pfull verify in $checkout first" >&2; exit 1; }; }
need "$reports/TEST-io.litemodel.GpuAcceleratorTest.xml"
need "$checkout/target/gpu-conformance.md"
need "$checkout/target/conformance.md"
need "$reports/TEST-io.litemodel.image.PreprocessAllocationTest.xml"

parity=$(grep -ho 'LiteRT GPU[^<&]*max |diff| [0-9.e+-]*' "$reports/TEST-io.litemodel.GpuAcceleratorTest.xml" || true)
[[ -n $parity ]] || { echo "collect-test-tables: GpuAcceleratorTest printed no parity line (were the GPU tests skipped?)" >&2; exit 1; }
swiftshader=$(grep -ho "GpuAcceleratorTest: SwiftShader from Debian's [^<&]*" "$reports/TEST-io.litemodel.GpuAcceleratorTest.xml" | head -1)

{
  echo "# Tables written by the test run"
  echo
  echo "Copied by \`bash benchmarks/collect-test-tables.sh CHECKOUT\` from a checkout of commit"
  echo "$(git -C "$checkout" rev-parse --short HEAD) after \`mvn -B -Pfull verify\` there"
  echo "(report files of $(date -u -r "$reports/TEST-io.litemodel.GpuAcceleratorTest.xml" +%Y-%m-%dT%H:%MZ)); machine: $(nproc) cores, no GPU."
  echo
  echo "## LiteRT's GPU accelerator against XNNPACK on the reference models (GpuAcceleratorTest)"
  echo
  echo "${swiftshader#GpuAcceleratorTest: }. Each line as the test printed it; the test's bar is 1e-4 (absolute)."
  echo
  echo '```'
  echo "$parity"
  echo '```'
  echo
  echo "## Java heap allocated per image by the preprocessing stage, OpenCV (PreprocessAllocationTest)"
  echo
  echo "Each line as the test printed it (its bar: 1024 bytes per image)."
  echo
  echo '```'
  grep -ho 'preprocessing, OpenCV[^<&]*' "$reports/TEST-io.litemodel.image.PreprocessAllocationTest.xml"
  echo '```'
  echo
  echo "## Where each public model runs on the GPU path (GpuPublicModelTest, target/gpu-conformance.md)"
  echo
  sed '1{/^# /d}' "$checkout/target/gpu-conformance.md" | sed '1{/^$/d}'
  echo
  echo "## The public models on the CPU against TensorFlow's Python interpreter (PublicModelConformanceTest, target/conformance.md)"
  echo
  cat "$checkout/target/conformance.md"
} > "$out"
echo "collect-test-tables: wrote $out"
