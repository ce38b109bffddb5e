#!/usr/bin/env bash
# Checks the artifacts Maven Central would receive from this build (profiles "release" and "full", verify), before
# anything is signed or uploaded:
#   - every file is there: FINAL_NAME.jar, -sources.jar, -javadoc.jar, -linux-x86_64-litert.jar and FINAL_NAME.pom;
#   - the POM has what Central requires: name, description, url, licenses, scm, developers;
#   - every jar (those, and each EXTRA_JAR such as the CLI jar) holds META-INF/LICENSE and META-INF/NOTICE, the same
#     bytes as LICENSE and NOTICE at the top of the source tree;
#   - the library jar holds our JNI shims for each of PLATFORMS (linux-x86_64,linux-arm64 for a release), the same
#     set for each, each an ELF file of its platform; the LiteRT jar holds LiteRT's two libraries; the javadoc jar documents no internal package.
# Prints every failure, not only the first, then exits 1; on success prints the bundle's files and sizes.
#
# Usage: release-bundle-check.sh BUILD_DIR FINAL_NAME LICENSE NOTICE PLATFORMS [EXTRA_JAR...]
set -eu
if [ $# -lt 5 ]; then
  echo "usage: release-bundle-check.sh BUILD_DIR FINAL_NAME LICENSE NOTICE PLATFORMS [EXTRA_JAR...]" >&2
  exit 2
fi
exec python3 - "$@" <<'PY'
import os
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

build_dir, final_name, licence_file, notice_file = sys.argv[1:5]
platforms = [p for p in sys.argv[5].split(",") if p]
extra_jars = sys.argv[6:]
failures = []


def fail(message):
    failures.append(message)


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        fail(f"{path}: cannot be read ({e.strerror})")
        return None


licence = read(licence_file)
notice = read(notice_file)

library = os.path.join(build_dir, final_name + ".jar")
sources = os.path.join(build_dir, final_name + "-sources.jar")
javadoc = os.path.join(build_dir, final_name + "-javadoc.jar")
litert = os.path.join(build_dir, final_name + "-linux-x86_64-litert.jar")
pom = os.path.join(build_dir, final_name + ".pom")
bundle = [library, sources, javadoc, litert, pom]

for path in bundle + extra_jars:
    if not os.path.isfile(path):
        fail(f"{path}: missing")
    elif os.path.getsize(path) == 0:
        fail(f"{path}: empty")

# The POM: what Central's validation asks for, at the project level (not inside a profile).
if os.path.isfile(pom):
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    try:
        project = ET.parse(pom).getroot()
    except ET.ParseError as e:
        fail(f"{pom}: not XML ({e})")
        project = None
    if project is not None:
        def text(path):
            element = project.find(path, ns)
            return (element.text or "").strip() if element is not None else ""

        for field in ("groupId", "artifactId", "version", "name", "description", "url"):
            if not text("m:" + field):
                fail(f"{pom}: no <{field}>")
        licences = project.findall("m:licenses/m:license", ns)
        if not licences:
            fail(f"{pom}: no <licenses><license>")
        for element in licences:
            for field in ("name", "url"):
                if not (element.findtext("m:" + field, "", ns) or "").strip():
                    fail(f"{pom}: a <license> without <{field}>")
        for field in ("url", "connection"):
            if not text("m:scm/m:" + field):
                fail(f"{pom}: no <scm><{field}>")
        developers = project.findall("m:developers/m:developer", ns)
        if not developers:
            fail(f"{pom}: no <developers><developer>")
        for element in developers:
            if not (element.findtext("m:name", "", ns) or "").strip():
                fail(f"{pom}: a <developer> without <name>")

# Each jar: our LICENSE and NOTICE, byte for byte.
jars = {}
for path in [library, sources, javadoc, litert] + extra_jars:
    if not os.path.isfile(path):
        continue
    try:
        jar = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        fail(f"{path}: not a jar ({e})")
        continue
    jars[path] = jar
    names = set(jar.namelist())
    for entry, expected in (("META-INF/LICENSE", licence), ("META-INF/NOTICE", notice)):
        if entry not in names:
            fail(f"{path}: no {entry}")
        elif expected is not None and jar.read(entry) != expected:
            fail(f"{path}: {entry} differs from {licence_file if entry.endswith('LICENSE') else notice_file}")

ELF_MACHINE = {"linux-x86_64": 62, "linux-arm64": 183}  # e_machine: EM_X86_64, EM_AARCH64


def check_elf(jar_path, jar, entry, platform):
    header = jar.read(entry)[:20]
    if header[:4] != b"\x7fELF":
        fail(f"{jar_path}: {entry} is not an ELF file")
    elif int.from_bytes(header[18:20], "little") != ELF_MACHINE[platform]:
        fail(f"{jar_path}: {entry} is not built for {platform} (ELF machine {int.from_bytes(header[18:20], 'little')})")


for platform in platforms:
    if platform not in ELF_MACHINE:
        fail(f"PLATFORMS: unknown platform {platform} (known: {', '.join(ELF_MACHINE)})")

# The library jar: our JNI shims, the same set for every platform.
if library in jars:
    shim = re.compile(r"(io/litemodel/(?:.+/)?)(linux-x86_64|linux-arm64)/(libjni[^/]+\.so)")
    shims = {platform: set() for platform in platforms if platform in ELF_MACHINE}
    for entry in jars[library].namelist():
        match = shim.fullmatch(entry)
        if match and match.group(2) in shims:
            shims[match.group(2)].add(match.group(1) + match.group(3))
            check_elf(library, jars[library], entry, match.group(2))
    for platform, found in shims.items():
        if not found:
            fail(f"{library}: no JNI shim for {platform} (io/litemodel/.../{platform}/libjni*.so)")
    found = [names for names in shims.values() if names]
    if any(names != found[0] for names in found):
        every = set().union(*found)
        fail(f"{library}: the shims differ between platforms: "
             + "; ".join(f"{p} lacks {', '.join(sorted(every - names))}" for p, names in shims.items()
                         if names and names != every))

if sources in jars and not any(n.endswith(".java") for n in jars[sources].namelist()):
    fail(f"{sources}: no .java file")

if javadoc in jars:
    names = jars[javadoc].namelist()
    if "index.html" not in names:
        fail(f"{javadoc}: no index.html")
    internal = [n for n in names if n.startswith("io/litemodel/internal/")]
    if internal:
        fail(f"{javadoc}: documents internal packages ({internal[0]}, ...)")

if litert in jars:
    names = set(jars[litert].namelist())
    for library_name in ("libLiteRt.so", "libLiteRtWebGpuAccelerator.so"):
        entry = "io/litemodel/litert/linux-x86_64/" + library_name
        if entry not in names:
            fail(f"{litert}: no {entry}")
        else:
            check_elf(litert, jars[litert], entry, "linux-x86_64")

if failures:
    for message in failures:
        print("release-bundle-check: " + message, file=sys.stderr)
    print(f"release-bundle-check: FAILED ({len(failures)} problem(s))", file=sys.stderr)
    sys.exit(1)
print(f"release-bundle-check: OK (JNI shims for {', '.join(platforms)}), the files for Maven Central (unsigned):")
for path in bundle:
    print(f"  {os.path.getsize(path):>10}  {os.path.basename(path)}")
for path in extra_jars:
    print(f"  {os.path.getsize(path):>10}  {os.path.basename(path)} (not for Central; LICENSE and NOTICE checked)")
PY
