#!/usr/bin/env bash
# Checks the LiteRT natives jar (classifier linux-x86_64-litert) as a user would use it: the runnable CLI jar plus the
# natives jar on the class path, no litemodel.litert.dir and no LITEMODEL_LITERT_DIR, an empty JavaCPP cache (so both
# libraries must come out of the jar), SwiftShader as the only Vulkan device; and without the natives jar, an error
# that names it. Run by the Maven build (verify, profile full).
#
# Usage: litert-jar-check.sh CLI_JAR NATIVES_JAR MODELS_DIR SWIFTSHADER_DIR WORK_DIR
set -eu
cli=$(readlink -f "$1")
natives=$(readlink -f "$2")
models=$(readlink -f "$3")
swiftshader=$(readlink -f "$4")
work=$5
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
rm -rf "$work"
mkdir -p "$work/run" "$work/javacpp-cache"
work=$(readlink -f "$work")
cd "$work/run"
unset LITEMODEL_LITERT_DIR
export VK_ICD_FILENAMES="$swiftshader/vk_swiftshader_icd.json"
export LD_LIBRARY_PATH="$swiftshader${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

fail() {
  echo "litert-jar-check: $*" >&2
  exit 1
}

entries=$("${JAVA_HOME:+$JAVA_HOME/bin/}jar" tf "$natives")
for library in libLiteRt.so libLiteRtWebGpuAccelerator.so; do
  grep -qx "io/litemodel/litert/linux-x86_64/$library" <<<"$entries" || fail "$natives lacks $library: $entries"
done

cli_gpu() {
  "$java" -Dorg.bytedeco.javacpp.cachedir="$work/javacpp-cache" -cp "$1" io.litemodel.cli.LiteModelCli info \
    --model "$models/seed_mlp.tflite" --device gpu --software-gpu
}

cli_gpu "$cli:$natives" >info.out 2>info.err || fail "info --device gpu failed: $(cat info.err)"
grep -q "runs on: GPU on SwiftShader Device" info.out || fail "the model did not run on LiteRT's GPU: $(cat info.out)"
[ ! -s info.err ] || fail "info wrote to stderr (LiteRT should be silent): $(cat info.err)"
ls "$work"/javacpp-cache/*/io/litemodel/litert/linux-x86_64/libLiteRtWebGpuAccelerator.so >/dev/null 2>&1 \
  || fail "LiteRT's natives were not extracted from the jar into the empty JavaCPP cache"

status=0
cli_gpu "$cli" >missing.out 2>missing.err || status=$?
[ "$status" = 1 ] || fail "without the natives jar, --device gpu exited with $status, not 1"
grep -q "no linux-x86_64-litert jar is on the class path" missing.err \
  || fail "without the natives jar, the error does not name it: $(cat missing.err)"
echo "litert-jar-check: passed (the natives jar runs the GPU path on SwiftShader; its absence is named)"
