#!/usr/bin/env bash
# Dump cost benchmark: JVM pause, time to last byte and size for raw / gzip / zstd through the
# real /heapdump endpoint and client, plus HotSpot's `jcmd GC.heap_dump -gz=1` where jcmd exists.
# Usage: agent-endpoint/bench/run.sh [heapMB]   (default 400; the JVM gets -Xmx of 2.5x that)
# Not part of `mvn verify`. Results are recorded in docs/endpoint.md.
# Builds within this checkout's reactor (never installs into ~/.m2).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
mb="${1:-400}"
cd "$root"
mvn -B -q -pl agent-endpoint -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$here/target/bench.classpath" >/dev/null
cp="$here/target/classes:$here/target/test-classes:$(cat "$here/target/bench.classpath")"
exec "${JAVA:-java}" -Xmx$((mb * 5 / 2))m -Xms$((mb * 5 / 2))m -cp "$cp" \
  io.heapfleet.endpoint.bench.DumpBenchmark "$mb"
