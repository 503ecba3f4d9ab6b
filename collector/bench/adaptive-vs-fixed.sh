#!/usr/bin/env bash
# Adaptive vs fixed capture on the demo fleet, side by side in one run: two identical fleets of
# examples/leaky-app JVMs (leak, plateau, quiet; -Xmx64m, the agent), one collector with
# capture.policy=fixed (a dump per task every FIXED interval) and one with capture.policy=adaptive
# (stats every 5 s), each on its own fleet and S3 prefix. Reports per task: dumps, total pause
# (the agent's dumpMs: the stop-the-world dumpHeap), probes (full collections asked for with
# /heapdump/stats?gc=full, PROBE_INTERVAL apart at least, default 30s; 0s turns them off) and their
# total pause (the agent's gcMs), and when the API first said `leaking` with the owner
# (topSuspectHolder). Not part of `mvn verify`.
#
#   collector/bench/adaptive-vs-fixed.sh [minutes, default 10] [fixed interval, default 60s]
#
# HEAP (default 64m) is each task's -Xmx, TASK_JAVA_OPTS more options of the task JVMs (e.g.
# -Xmn16m: a young generation small enough that the demo app, which allocates little, runs young
# GCs as often as a busy service would); the leaky-app settings (LEAK_INTERVAL_MS, LEAK_RATE_KB,
# LEAK_MAX_MB) pass through, e.g. HEAP=128m LEAK_INTERVAL_MS=4000 keeps the leak growing (64 KB/s)
# for 20 minutes, where the defaults stop it at 60 % of a 64m heap after 2.5 minutes.
#
# KEEP_LOGS=1 keeps the tasks' and collectors' logs (the path is printed at the end).
#
# Needs: agent-endpoint/target/heapfleet-agent.jar, examples/leaky-app/target/leaky-app.jar, the
# collector built (collector/target/quarkus-app/quarkus-run.jar), storage compiled.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MINUTES="${1:-10}"
FIXED="${2:-60s}"
COLLECTOR_JAR="${COLLECTOR_JAR:-$ROOT/collector/target/quarkus-app/quarkus-run.jar}"
AGENT="$ROOT/agent-endpoint/target/heapfleet-agent.jar"
APP="$ROOT/examples/leaky-app/target/leaky-app.jar"
WORK="$(mktemp -d /tmp/heapfleet-adaptive-bench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "${KEEP_LOGS:-}" ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
for f in "$AGENT" "$APP" "$COLLECTOR_JAR"; do [ -f "$f" ] || { echo "missing $f" >&2; exit 2; }; done

. "$ROOT/collector/bench/embedded-s3.sh"
start_embedded_s3
SECRET=bench-secret-0123456789abcdef0123456789abcdef0123

start_task() { # policy mode
  HEAPFLEET_SECRET=$SECRET HEAPFLEET_TASK_ID="$2-$1" HEAPFLEET_PORT=0 HEAPFLEET_BIND=127.0.0.1 \
    HEAPFLEET_MIN_INTERVAL=0s LEAK_MODE="$2" \
    java -Xmx"${HEAP:-64m}" ${TASK_JAVA_OPTS:-} -XX:+UseSerialGC -javaagent:"$AGENT" -jar "$APP" 2>"$WORK/$1-$2.err" &
  PIDS+=($!)
}
for p in fixed adaptive; do for m in leak plateau quiet; do start_task $p $m; done; done
url() { for i in $(seq 1 120); do grep -q 'listening on' "$WORK/$1-$2.err" 2>/dev/null && break; sleep 1; done
  echo "http://127.0.0.1:$(sed -n 's/.*listening on [^:]*:\([0-9]*\).*/\1/p' "$WORK/$1-$2.err" | head -1)"; }

start_collector() { # policy api-port mgmt-port extra-props...
  local policy=$1 api=$2 mgmt=$3; shift 3
  HEAPFLEET_SECRET=$SECRET java -Xmx256m \
    -Dquarkus.http.port=$api -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.management.port=$mgmt -Dquarkus.management.host=127.0.0.1 \
    -Dheapfleet.collector.s3.bucket=heapfleet -Dheapfleet.collector.s3.prefix=$policy \
    -Dheapfleet.collector.s3.endpoint-override="$ENDPOINT" \
    -Dheapfleet.collector.s3.region="$REGION" -Dheapfleet.collector.s3.path-style=true \
    -Dheapfleet.collector.discovery.static-targets.services.leak="$(url $policy leak)" \
    -Dheapfleet.collector.discovery.static-targets.services.plateau="$(url $policy plateau)" \
    -Dheapfleet.collector.discovery.static-targets.services.quiet="$(url $policy quiet)" \
    -Dheapfleet.collector.api.auth-enabled=false -Dheapfleet.collector.retention.enabled=false \
    -Dheapfleet.collector.schedule.jitter=0s -Dheapfleet.collector.schedule.tick=1s \
    -Dheapfleet.collector.capture.policy=$policy "$@" \
    -jar "$COLLECTOR_JAR" > "$WORK/collector-$policy.log" 2>&1 &
  PIDS+=($!)
}
start_collector fixed 18093 18094 -Dheapfleet.collector.schedule.interval="$FIXED"
start_collector adaptive 18095 18096 \
  -Dheapfleet.collector.schedule.interval="$FIXED" \
  -Dheapfleet.collector.stats.interval=5s -Dheapfleet.collector.stats.window=2m \
  -Dheapfleet.collector.stats.persist-every=1m \
  -Dheapfleet.collector.capture.adaptive.baseline-after=10s \
  -Dheapfleet.collector.capture.adaptive.min-interval=1m \
  -Dheapfleet.collector.capture.adaptive.max-interval=1h \
  -Dheapfleet.collector.capture.adaptive.growth-min-bytes=4194304 \
  -Dheapfleet.collector.capture.adaptive.probe-interval="${PROBE_INTERVAL:-30s}"
for port in 18094 18096; do
  for i in $(seq 1 300); do curl -sf "http://127.0.0.1:$port/q/health/live" >/dev/null && break; sleep 1; done
done
START=$(date +%s)
END=$((START + MINUTES * 60))
declare -A FOUND
while [ "$(date +%s)" -lt "$END" ]; do
  for p in fixed:18093 adaptive:18095; do
    name=${p%%:*}; port=${p##*:}
    if [ -z "${FOUND[$name]:-}" ]; then
      if curl -s "http://127.0.0.1:$port/api/tasks/leak-$name" | grep -q '"assessment":"leaking".*"topSuspectHolder":"[^"]'; then
        FOUND[$name]=$(( $(date +%s) - START ))
      fi
    fi
  done
  sleep 5
done
echo "tasks: -Xmx${HEAP:-64m} ${TASK_JAVA_OPTS:-} Serial GC, LEAK_INTERVAL_MS=${LEAK_INTERVAL_MS:-1000} LEAK_RATE_KB=${LEAK_RATE_KB:-256}; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "run: ${MINUTES} min; fixed: every $FIXED; adaptive: stats every 5 s, min 1m, growth max(4 MiB, 5 % of heap max), window 2m, probes every ${PROBE_INTERVAL:-30s} at most"
printf '%-9s %-8s %6s %14s %7s %14s  %s\n' policy task dumps "dump pause ms" probes "probe pause ms" "verdict"
for p in fixed:18093 adaptive:18095; do
  name=${p%%:*}; port=${p##*:}
  for m in leak plateau quiet; do
    dumps=$(grep -c 'outcome=ok.*dumpMs=' "$WORK/$name-$m.err" || true)
    pause=$(grep -o 'outcome=ok.*dumpMs=[0-9]*' "$WORK/$name-$m.err" | sed 's/.*dumpMs=//' | paste -sd+ - | bc 2>/dev/null || echo 0)
    probes=$(grep -c 'outcome=stats-gc .*gcMs=' "$WORK/$name-$m.err" || true)
    gcpause=$(grep -o 'outcome=stats-gc .*gcMs=[0-9]*' "$WORK/$name-$m.err" | sed 's/.*gcMs=//' | paste -sd+ - | bc 2>/dev/null || echo 0)
    verdict=$(curl -s "http://127.0.0.1:$port/api/tasks/$m-$name" | sed -n 's/.*"assessment":"\([a-z]*\)".*/\1/p')
    printf '%-9s %-8s %6s %14s %7s %14s  %s\n' "$name" "$m" "$dumps" "${pause:-0}" "$probes" "${gcpause:-0}" "$verdict"
  done
  echo "$name: leak found with its owner after ${FOUND[$name]:-not within the run} s"
done
echo "adaptive dump reasons:"
grep -o 'dumping [^ ]* ([a-z]*): .*' "$WORK/collector-adaptive.log" | sed 's/^/  /' || true
