#!/usr/bin/env bash
# Queue-mode benchmark (not part of `mvn verify`): planner cost of one round for N tasks, and one
# worker capturing from fake tasks that stream a prebuilt real dump at a fixed rate, all against
# the in-process SQS (ElasticMQ) and S3 (S3Proxy).
#
#   collector/bench/queue.sh [tasks=2000] [dumpMB=64] [rateMBps=16] [captures=12] [concurrency=2] [dir]
#
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# In the reactor, so the sibling modules come from their target/classes, not from ~/.m2.
(cd "$here/.." && mvn -B -q -pl collector -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null)
cd "$here"
cp_file="target/bench-classpath.txt"
exec "${JAVA:-java}" -Xmx512m ${BENCH_JAVA_OPTS:-} \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  io.heapfleet.collector.queue.QueueBenchmark "${1:-2000}" "${2:-64}" "${3:-16}" "${4:-12}" \
  "${5:-2}" "${6:-$here/target/bench-queue}"
