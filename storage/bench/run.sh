#!/usr/bin/env bash
# Upload throughput benchmark (not part of `mvn verify`): DumpStore's streaming multipart upload
# vs one plain single-threaded putObject of the same file, both to the in-process S3Proxy with a
# filesystem store on local disk, under -Xmx128m.
#
#   storage/bench/run.sh [sizeMiB=1024] [dir=storage/target/bench] [partMiB=16] [partsInFlight=3] [rounds=2]
#
# Needs `mvn -B install -pl storage -am -DskipTests` (or a full build) first; writes a size-MiB
# source file plus the uploaded copies under dir and deletes the copies afterwards.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -B -q test-compile -DskipTests
cp_file="target/bench-classpath.txt"
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >/dev/null
size="${1:-1024}"
dir="${2:-$here/target/bench}"
exec "${JAVA:-java}" -Xmx128m ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  io.heapfleet.storage.bench.UploadBenchmark "$size" "$dir" "${3:-16}" "${4:-3}" "${5:-2}"
