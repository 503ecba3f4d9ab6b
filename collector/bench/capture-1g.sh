#!/usr/bin/env bash
# Measures one collector capture of a >= 1 GiB heap dump with the collector at -Xmx256m:
# throughput, the collector's peak RSS and its heap after GC. Not part of `mvn verify`.
#
#   collector/bench/capture-1g.sh [MiB held by the task, default 1200] [format, default gzip]
#
# Needs: agent-endpoint/target/heapfleet-agent.jar, the collector built
# (collector/target/quarkus-app/quarkus-run.jar, or COLLECTOR_JAR=...), storage installed.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MB="${1:-1200}"
FORMAT="${2:-gzip}"
COLLECTOR_JAR="${COLLECTOR_JAR:-$ROOT/collector/target/quarkus-app/quarkus-run.jar}"
AGENT="$ROOT/agent-endpoint/target/heapfleet-agent.jar"
WORK="$(mktemp -d /tmp/heapfleet-bench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
[ -f "$AGENT" ] || { echo "missing $AGENT: mvn -B -q install -pl agent-endpoint -am -DskipTests" >&2; exit 2; }
[ -f "$COLLECTOR_JAR" ] || { echo "missing $COLLECTOR_JAR: mvn -B -q install -pl collector -am -DskipTests" >&2; exit 2; }

. "$ROOT/collector/bench/embedded-s3.sh"
start_embedded_s3

SECRET=bench-secret-0123456789abcdef0123456789abcdef0123
javac -d "$WORK/app" "$ROOT/collector/bench/BigHeapApp.java"
HEAPFLEET_SECRET=$SECRET HEAPFLEET_TASK_ID=big-1 HEAPFLEET_PORT=0 HEAPFLEET_BIND=127.0.0.1 \
  HEAPFLEET_TEMP_DIR="$WORK" \
  java -Xmx$((MB + 600))m -XX:+UseParallelGC -javaagent:"$AGENT" -cp "$WORK/app" BigHeapApp "$MB" 2>"$WORK/task.err" &
PIDS+=($!)
for i in $(seq 1 300); do grep -q 'listening on' "$WORK/task.err" 2>/dev/null && grep -q holding "$WORK/task.err" && break; sleep 1; done
PORT=$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' "$WORK/task.err")

API_PORT=18089
MGMT_PORT=18090
HEAPFLEET_SECRET=$SECRET java -Xmx256m -Xlog:gc:file="$WORK/gc.log" \
  -Dquarkus.http.port=$API_PORT -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.management.port=$MGMT_PORT -Dquarkus.management.host=127.0.0.1 \
  -Dheapfleet.collector.s3.bucket=heapfleet -Dheapfleet.collector.s3.endpoint-override="$ENDPOINT" \
  -Dheapfleet.collector.s3.region="$REGION" -Dheapfleet.collector.s3.path-style=true \
  -Dheapfleet.collector.discovery.static-targets.services.big="http://127.0.0.1:$PORT" \
  -Dheapfleet.collector.schedule.enabled=false -Dheapfleet.collector.api.auth-enabled=false \
  -Dheapfleet.collector.capture.format="$FORMAT" \
  -jar "$COLLECTOR_JAR" > "$WORK/collector.log" 2>&1 &
CPID=$!
PIDS+=($CPID)
for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$MGMT_PORT/q/health/ready" >/dev/null && break; sleep 1; done

PEAK=0
( while kill -0 $CPID 2>/dev/null; do
    r=$(awk '/VmRSS/{print $2}' /proc/$CPID/status); echo "$r"; sleep 0.5; done ) > "$WORK/rss.txt" &
PIDS+=($!)
START=$(date +%s.%N)
RESULT=$(curl -sf -X POST "http://127.0.0.1:$API_PORT/api/tasks/big-1/capture?wait=true&timeoutSeconds=900")
END=$(date +%s.%N)
echo "capture: $RESULT"
BYTES=$(echo "$RESULT" | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p')
MILLIS=$(echo "$RESULT" | sed -n 's/.*"durationMillis":\([0-9]*\).*/\1/p')
PEAK=$(sort -n "$WORK/rss.txt" | tail -1)
HEAP_MAX=$(grep -o '[0-9]*M->[0-9]*M' "$WORK/gc.log" | sed 's/M->.*//' | sort -n | tail -1)
echo "task heap held: ${MB} MiB, format $FORMAT"
echo "dump bytes stored: $BYTES ($(awk "BEGIN{printf \"%.2f\", $BYTES/1073741824}") GiB)"
echo "capture time (request to stored, incl. the task's dump): ${MILLIS} ms, wall $(awk "BEGIN{printf \"%.1f\", $END-$START}") s"
echo "throughput: $(awk "BEGIN{printf \"%.1f\", $BYTES/1048576/($MILLIS/1000)}") MiB/s"
echo "collector -Xmx256m: peak RSS $((PEAK / 1024)) MiB, largest heap before a GC ${HEAP_MAX} MiB"
grep -c 'Pause' "$WORK/gc.log" | sed 's/^/collector GC pauses: /'
