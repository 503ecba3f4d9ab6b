#!/usr/bin/env bash
# What one capture costs the task (pause, CPU, disk, bytes sent) for raw / gzip / zstd, and the
# time from request to the object stored in S3 for each collector setting (the task compresses,
# or it sends raw and the collector compresses). The task is a child JVM holding MiB of
# application-like heap (default 1100) with the real javaagent; the collector's DumpCapture and
# an in-process S3 run in the benchmark's JVM. Not part of `mvn verify`; takes ~10-20 minutes on
# a 1 GiB heap and loads the machine: run it alone.
#
#   collector/bench/capture-cost.sh [MiB held by the task, default 1100]
#
# Builds within this checkout's reactor (never installs into ~/.m2).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MB="${1:-1100}"
WORK="$(mktemp -d /tmp/heapfleet-cost.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"
mvn -B -q -pl agent-endpoint -am -DskipTests package
mvn -B -q -pl collector -am -DskipTests test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="$ROOT/collector/target/test-classes:$ROOT/collector/target/classes:$(cat "$WORK/cp.txt")"
# The collector's memory does not grow with the dump: 1 GiB covers it and the in-process S3.
# The task's JVM gets -Xmx of twice the heap it holds.
exec java -Xmx1g -cp "$CP" io.heapfleet.collector.bench.CaptureCostBenchmark "$MB" \
  "$ROOT/agent-endpoint/target/heapfleet-agent.jar"
