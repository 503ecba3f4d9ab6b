#!/usr/bin/env bash
# Stats polling at fleet scale: N simulated tasks (one Node.js process, one Node agent endpoint per
# port, collector/bench/stats-fleet.js) polled every 60 s by one collector (-Xmx256m, static
# discovery, no dumps) against the embedded S3. Reports the collector's CPU seconds, RSS, heap after
# GC, stats requests and S3 requests over the run, and per hour. Not part of `mvn verify`.
#
#   collector/bench/stats-1000.sh [tasks, default 1000] [minutes, default 10] [persist-every, default 15m]
#
# Needs: node on PATH, the collector built (collector/target/quarkus-app/quarkus-run.jar, or
# COLLECTOR_JAR=...), storage compiled (mvn -B -q -pl collector -am -DskipTests package).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
N="${1:-1000}"
MINUTES="${2:-10}"
PERSIST="${3:-15m}"
COLLECTOR_JAR="${COLLECTOR_JAR:-$ROOT/collector/target/quarkus-app/quarkus-run.jar}"
WORK="$(mktemp -d /tmp/heapfleet-stats-bench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
[ -f "$COLLECTOR_JAR" ] || { echo "missing $COLLECTOR_JAR: mvn -B -q -pl collector -am -DskipTests package" >&2; exit 2; }

. "$ROOT/collector/bench/embedded-s3.sh"
start_embedded_s3

SECRET=bench-secret-0123456789abcdef0123456789abcdef0123
node "$ROOT/collector/bench/stats-fleet.js" "$N" "$SECRET" > "$WORK/fleet.out" 2>"$WORK/fleet.err" &
PIDS+=($!)
for i in $(seq 1 120); do grep -q '^ready' "$WORK/fleet.out" 2>/dev/null && break; sleep 1; done
URLS=$(grep '^http' "$WORK/fleet.out" | paste -sd, -)

API_PORT=18091
MGMT_PORT=18092
# Discovery proves and reads each URL's identity on every refresh: once an hour here, so that the
# figures are those of stats polling (ECS discovery costs no request per task).
HEAPFLEET_SECRET=$SECRET java -Xmx256m -Xlog:gc:file="$WORK/gc.log" \
  -Dquarkus.http.port=$API_PORT -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.management.port=$MGMT_PORT -Dquarkus.management.host=127.0.0.1 \
  -Dheapfleet.collector.s3.bucket=heapfleet -Dheapfleet.collector.s3.endpoint-override="$ENDPOINT" \
  -Dheapfleet.collector.s3.region="$REGION" -Dheapfleet.collector.s3.path-style=true \
  -Dheapfleet.collector.discovery.static-targets.services.sim="$URLS" \
  -Dheapfleet.collector.discovery.refresh=1h \
  -Dheapfleet.collector.schedule.enabled=false -Dheapfleet.collector.api.auth-enabled=false \
  -Dheapfleet.collector.stats.persist-every="$PERSIST" \
  -Dheapfleet.collector.retention.enabled=false \
  -jar "$COLLECTOR_JAR" > "$WORK/collector.log" 2>&1 &
CPID=$!
PIDS+=($CPID)
for i in $(seq 1 600); do curl -sf "http://127.0.0.1:$MGMT_PORT/q/health/live" >/dev/null && break; sleep 1; done
metric() { curl -s "http://127.0.0.1:$MGMT_PORT/q/metrics" | awk -v m="$1" -v t="$2" 'index($0, m"{")==1 && index($0, t) {s+=$NF} END {print s+0}'; }
cpu() { awk '{print $14 + $15}' "/proc/$CPID/stat"; }
TICK=$(getconf CLK_TCK)
# Wait until the first round has polled every task (discovery of N URLs comes first).
for i in $(seq 1 900); do [ "$(metric heapfleet_stats_polls_total outcome=\"ok\")" -ge "$N" ] 2>/dev/null && break; sleep 1; done
CPU0=$(cpu); OK0=$(metric heapfleet_stats_polls_total 'outcome="ok"'); W0=$(metric heapfleet_stats_s3_writes_total 'result="ok"')
START=$(date +%s)
PEAK=0
END=$((START + MINUTES * 60))
while [ "$(date +%s)" -lt "$END" ]; do
  r=$(awk '/VmRSS/{print $2}' "/proc/$CPID/status"); [ "$r" -gt "$PEAK" ] && PEAK=$r
  sleep 2
done
CPU1=$(cpu); OK1=$(metric heapfleet_stats_polls_total 'outcome="ok"'); W1=$(metric heapfleet_stats_s3_writes_total 'result="ok"')
FAILED=$(curl -s "http://127.0.0.1:$MGMT_PORT/q/metrics" | awk 'index($0,"heapfleet_stats_polls_total{")==1 && !index($0,"outcome=\"ok\"") {s+=$NF} END {print s+0}')
ELAPSED=$(( $(date +%s) - START ))
CPUS=$(echo "scale=1; ($CPU1 - $CPU0) / $TICK" | bc)
HEAP=$(grep -o 'Pause Young[^>]*->[0-9]*M' "$WORK/gc.log" | tail -20 | sed 's/.*->//; s/M//' | sort -n | tail -1)
echo "tasks: $N, measured over ${ELAPSED} s after the first full round (stats every 60 s, persist every $PERSIST)"
echo "stats requests ok: $((OK1 - OK0)) ($(echo "scale=0; ($OK1 - $OK0) * 3600 / $ELAPSED" | bc)/hour), failed in all: $FAILED"
echo "collector CPU: ${CPUS} s in ${ELAPSED} s = $(echo "scale=2; $CPUS * 100 / $ELAPSED" | bc) % of one core ($(echo "scale=0; $CPUS * 3600 / $ELAPSED" | bc) CPU s/hour)"
echo "collector peak RSS: $((PEAK / 1024)) MiB; heap after young GC (last 20): max ${HEAP:-?} MiB (-Xmx256m)"
echo "S3 stats.json writes: $((W1 - W0)) in the window ($(echo "scale=0; ($W1 - $W0) * 3600 / $ELAPSED" | bc)/hour); reads: one per task at its first poll ($N)"
