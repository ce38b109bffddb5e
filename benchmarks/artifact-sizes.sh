#!/usr/bin/env bash
# Sizes of what a user downloads and unpacks, for the figures docs/install.md and docs/cli.md quote: TensorFlow Lite's
# natives jar per platform, the CLI's optional runtimes (target/litemodel-runtimes.classpath) and what JavaCPP unpacks
# of them into ~/.javacpp/cache. Run after `mvn -B -DskipTests install` and one `target/litemodel` run of each runtime.
#
#   bash benchmarks/artifact-sizes.sh [OUT]     (default benchmarks/results/artifact-sizes.md)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/benchmarks/results/artifact-sizes.md}
repo=${MAVEN_REPO:-$HOME/.m2/repository}
list=$root/target/litemodel-runtimes.classpath
[[ -s $list ]] || { echo "artifact-sizes: $list missing: run mvn -B -DskipTests install first" >&2; exit 1; }
version() { sed -n "s/^$1=//p" "$root/target/classes/io/litemodel/litemodel-versions.properties"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1e6 }'; }
size() { stat -c %s "$1"; }

{
  echo "# Download and unpacked sizes"
  echo
  echo "Written by \`bash benchmarks/artifact-sizes.sh\` on $(date -u +%FT%TZ) at commit $(git -C "$root" rev-parse --short HEAD);"
  echo "MB = 10^6 bytes."
  echo
  echo "## TensorFlow Lite's natives jar per platform (org.bytedeco:tensorflow-lite:$(version tensorflow-lite))"
  echo
  echo "| platform | jar, MB | unpacked into ~/.javacpp/cache, MB |"
  echo "|---|---:|---:|"
  tflite=$(version tensorflow-lite)
  for jar in "$repo"/org/bytedeco/tensorflow-lite/"$tflite"/tensorflow-lite-"$tflite"-*.jar; do
    platform=${jar##*/tensorflow-lite-"$tflite"-}; platform=${platform%.jar}
    cache=$HOME/.javacpp/cache/$(basename "$jar")
    unpacked=""; [[ -d $cache ]] && unpacked=$(mb "$(du -sb "$cache" | cut -f1)")
    echo "| $platform | $(mb "$(size "$jar")") | $unpacked |"
  done
  echo
  echo "## The CLI's optional runtimes (target/litemodel-runtimes.classpath)"
  echo
  echo "| jar | MB | unpacked into ~/.javacpp/cache, MB |"
  echo "|---|---:|---:|"
  total=0
  IFS=: read -ra jars < "$list" || true  # the list has no final newline
  for jar in "${jars[@]}"; do
    [[ -f $jar ]] || { echo "| $(basename "$jar") (missing) | | |"; continue; }
    bytes=$(size "$jar"); total=$((total + bytes))
    cache=$HOME/.javacpp/cache/$(basename "$jar")
    unpacked=""; [[ -d $cache ]] && unpacked=$(mb "$(du -sb "$cache" | cut -f1)")
    echo "| $(basename "$jar") | $(mb "$bytes") | $unpacked |"
  done
  echo "| all | $(mb "$total") | |"
} > "$out"
echo "artifact-sizes: wrote $out"
