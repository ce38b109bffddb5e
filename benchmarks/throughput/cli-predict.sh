#!/usr/bin/env bash
# The `predict` command with its defaults over the head-to-head's first N generated JPEGs (default 200), RUNS times
# (default 3): what a command-line user gets, start-up and JIT warm-up included. Writes
# benchmarks/results/cli-predict.md. Needs target/litemodel (mvn -B -DskipTests install) and the images that
# headtohead.sh generates (benchmarks/throughput/.data/images-2000).
#
#   bash benchmarks/throughput/cli-predict.sh [N] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
count=${1:-200}
runs=${2:-3}
images=$here/.data/images-2000
[[ -d $images ]] || { echo "cli-predict: $images missing: run benchmarks/throughput/headtohead.sh once" >&2; exit 1; }
subset=$(mktemp -d)
trap 'rm -rf "$subset"' EXIT
mapfile -t files < <(find "$images" -name '*.jpg' | sort)
ln -s "${files[@]:0:count}" "$subset/"
out=$root/benchmarks/results/cli-predict.md
{
  echo "# \`litemodel predict\` with its defaults over $count of the head-to-head's JPEGs"
  echo
  echo "Written by \`bash benchmarks/throughput/cli-predict.sh $count $runs\` on $(date -u +%FT%TZ), commit"
  echo "$(git -C "$root" rev-parse --short HEAD), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
  echo "Command: \`target/litemodel predict --model models/image_cnn.tflite --input DIR --output OUT.csv\` (no options)."
  echo "Each run is a new JVM: the rate includes the JIT's warm-up, not the JVM's start."
  echo
  for ((r = 1; r <= runs; r++)); do
    echo "## Run $r"
    echo
    echo '```'
    "$root/target/litemodel" predict --model "$root/models/image_cnn.tflite" --input "$subset" \
      --output "$subset/predictions.csv" 2>&1 | grep -v '^predict .*%' | grep -v "^wrote"
    echo '```'
    echo
    rm -f "$subset/predictions.csv"
  done
} > "$out"
echo "cli-predict: wrote $out"
