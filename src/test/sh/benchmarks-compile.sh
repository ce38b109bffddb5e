#!/usr/bin/env bash
# Compiles the JMH benchmarks (benchmarks/pom.xml, a Maven project of its own) against this checkout's library and
# runs none of them, so a change that breaks a benchmark fails the build, not the next benchmark run.
# benchmarks/reactor.xml puts the library and the benchmarks in one reactor: the benchmarks resolve litemodel to the
# library's target/classes and its pom.xml, never to a snapshot installed earlier. Run by the Maven build (verify,
# profile full), after the library is built, so its own compile step finds nothing to do.
#
# Usage: benchmarks-compile.sh MVN OFFLINE LOCAL_REPO VERSION BUILD_DIR
#   MVN: the Maven that runs the build; OFFLINE: offline=true or offline=false (the build's -o); LOCAL_REPO: its
#   local repository;
#   VERSION: the library's version (the benchmarks' litemodel.version); BUILD_DIR: its build directory.
set -eu
if [ $# -ne 5 ]; then
  echo "usage: benchmarks-compile.sh MVN OFFLINE LOCAL_REPO VERSION BUILD_DIR" >&2
  exit 2
fi
mvn=$1 offline=$2 repo=$3 version=$4 build_dir=$5
cd "$(dirname "$0")/../../.."
args=(-B -q -ntp -f benchmarks/reactor.xml "-Dmaven.repo.local=$repo" "-Dlitemodel.version=$version"
  "-Dlitemodel.build.dir=$build_dir")
case $offline in
  offline=true) args+=(-o) ;;
  offline=false) ;;
  *) echo "benchmarks-compile.sh: OFFLINE is $offline, not offline=true or offline=false" >&2; exit 2 ;;
esac
# The compiler plugin does not notice a change in the library's classes alone ("Nothing to compile"), so a stale
# compile would pass; without its record of the last compile it compiles every benchmark again.
rm -rf benchmarks/target/maven-status
start=$SECONDS
"$mvn" "${args[@]}" compile
echo "benchmarks-compile: the benchmarks compile against this build ($((SECONDS - start)) s; none was run)"
