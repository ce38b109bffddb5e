#!/usr/bin/env bash
# Checks the runnable CLI (target/litemodel + target/litemodel-cli.jar) as a user outside the clone would run it:
# from an empty folder, with an empty JavaCPP cache (so the natives, our JNI shim included, must come out of the
# jar), TensorFlow Lite silent on stderr, the optional runtimes (TensorFlow, OpenCV) found in the local Maven repository,
# a usage error in one line plus a hint. Run by the Maven build (verify).
#
# Usage: cli-jar-check.sh LAUNCHER MODELS_DIR WORK_DIR
set -eu
launcher=$(readlink -f "$1")
models=$(readlink -f "$2")
work=$3
rm -rf "$work"
mkdir -p "$work/run" "$work/javacpp-cache"
work=$(readlink -f "$work")
cd "$work/run"
export LITEMODEL_JAVA_OPTS="-Dorg.bytedeco.javacpp.cachedir=$work/javacpp-cache"

fail() {
  echo "cli-jar-check: $*" >&2
  exit 1
}

"$launcher" info --model "$models/seed_mlp.tflite" >info.out 2>info.err || fail "info failed: $(cat info.err)"
grep -q "seed_mlp" info.out || fail "info printed no model description: $(cat info.out)"
[ ! -s info.err ] || fail "info wrote to stderr (TensorFlow Lite should be silent): $(cat info.err)"
# The optional runtimes come from the local Maven repository through target/litemodel-runtimes.classpath.
grep -q "^  TensorFlow C API (SavedModel, frozen graph): present: " info.out \
  || fail "info does not list the TensorFlow runtime as present: $(cat info.out)"
grep -q "^  OpenCV image decoder: present: " info.out || fail "info does not list OpenCV as present: $(cat info.out)"
ls "$work"/javacpp-cache/*/io/litemodel/internal/presets/linux-x86_64/libjniLiteModelShim.so >/dev/null 2>&1 \
  || fail "the JNI shim was not extracted from the jar into the empty JavaCPP cache"

"$launcher" info --verbose --model "$models/seed_mlp.tflite" >verbose.out 2>verbose.err \
  || fail "info --verbose failed: $(cat verbose.err)"
grep -q "XNNPACK delegate" verbose.err || fail "--verbose did not show TensorFlow Lite's log: $(cat verbose.err)"

"$launcher" predict --model "$models/seed_mlp.tflite" --input "$models/seed_mlp.golden.input.npy" \
  --output predictions.npy >predict.out 2>predict.err || fail "predict failed: $(cat predict.err)"
[ -s predictions.npy ] || fail "predict wrote no predictions.npy"
if grep -q $'\r' predict.err; then fail "predict redrew a progress bar into a non-terminal: $(cat -A predict.err)"; fi

status=0
"$launcher" latency --model "$models/seed_mlp.tflite" --calls 0 >usage.out 2>usage.err || status=$?
[ "$status" = 2 ] || fail "a usage error exited with $status, not 2"
[ "$(wc -l <usage.err)" = 2 ] || fail "a usage error printed more than its line and hint: $(cat usage.err)"
grep -q "^Try 'litemodel latency --help'" usage.err || fail "no --help hint: $(cat usage.err)"

echo "cli-jar-check: info (TensorFlow and OpenCV present), predict, --verbose and a usage error work from $work/run with an empty JavaCPP cache"
