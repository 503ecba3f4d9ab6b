#!/usr/bin/env bash
# heapfleet V8 heap snapshot benchmark: `heapfleet histo` (and `retainers`) on a Node.js snapshot
# against reading the same bytes (cat / gzip -dc into /dev/null), against Node's own JSON.parse
# of the file, and against Chrome DevTools' own loader run headless in Node (v8/devtools-setup.sh).
#
#   analysis/bench/v8.sh                 # a ~525 MB snapshot (2.3 M objects), several minutes
#   analysis/bench/v8.sh --objects 500000 # ~115 MB, quicker
#   BENCH_DIR=/data/bench analysis/bench/v8.sh
#
# Needs node and the CLI jar (mvn -B -pl cli -am -DskipTests package). Generates its snapshot
# with bench/v8/fill-heap.js, a gzip -1 copy, warms the page cache, then runs each measurement
# as its own process under /usr/bin/time for the wall time and the peak RSS. Not part of
# `mvn verify`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
jar="$root/cli/target/heapfleet.jar"

objects=2300000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --objects) objects="$2"; shift 2 ;;
    *) echo "usage: $0 [--objects N]" >&2; exit 2 ;;
  esac
done
command -v node > /dev/null || { echo "v8.sh: node is not installed" >&2; exit 1; }
[[ -f "$jar" ]] || { echo "v8.sh: $jar is missing; run mvn -B -pl cli -am -DskipTests package" >&2; exit 1; }
dir="${BENCH_DIR:-/tmp/heapfleet-bench}/v8-${objects}"
mkdir -p "$dir"
# A private copy of the jar: a build of the worktree must not replace it mid-run.
cp "$jar" "$dir/heapfleet.jar"
jar="$dir/heapfleet.jar"
snap="$dir/bench.heapsnapshot"
if [[ ! -s "$snap" ]]; then
  echo "== generating a snapshot of $objects objects" >&2
  /usr/bin/time -f "node writeHeapSnapshot: %e s, peak RSS %M KB" \
    node --max-old-space-size=16000 "$here/v8/fill-heap.js" "$snap.tmp" "$objects" >&2
  mv "$snap.tmp" "$snap"
fi
[[ -s "$snap.gz" ]] || { echo "== gzip -1" >&2; gzip -1 -c "$snap" > "$snap.gz"; }
echo "== warming the page cache" >&2
cat "$snap" "$snap.gz" > /dev/null

bytes=$(stat -c %s "$snap")
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
printf "snapshot: %s MB (%s bytes), gzip -1: %.1f MB, %s objects in the fill\n" \
  "$mb" "$bytes" "$(awk -v b="$(stat -c %s "$snap.gz")" 'BEGIN { print b / 1e6 }')" "$objects"
printf "%-34s %8s %8s %9s %9s %9s\n" "measurement" "wall s" "CPU s" "MB/s" "MB/CPU-s" "peak RSS"

measure() { # label command...: wall and CPU seconds, throughput, peak RSS (MB)
  local label="$1"
  shift
  if ! /usr/bin/time -o "$dir/time.txt" -f "%e %U %S %M" "$@" > /dev/null 2> "$dir/last.err"; then
    printf "%-34s failed: %s\n" "$label" "$(tail -c 300 "$dir/last.err" | tr '\n' ' ')"
    return 0
  fi
  read -r wall user sys kb < <(tail -1 "$dir/time.txt")
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kb" -v b="$bytes" 'BEGIN {
    c = u + s
    printf "%-34s %8.2f %8.2f %9.0f %9.0f %6.0f MB\n", l, w, c, (w > 0 ? b / 1e6 / w : 0),
      (c > 0 ? b / 1e6 / c : 0), k / 1024 }'
}

java_opts="${BENCH_JAVA_OPTS:--Xmx4g}"
measure "cat > /dev/null (read floor)" cat "$snap"
measure "heapfleet histo (plain)" java $java_opts -jar "$jar" histo "$snap" --top 5
measure "gzip -dc > /dev/null (gzip floor)" gzip -dc "$snap.gz"
measure "heapfleet histo (gzip)" java $java_opts -jar "$jar" histo "$snap.gz" --top 5
measure "node JSON.parse (whole file)" node --max-old-space-size=16000 -e \
  "JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'))" "$snap"
measure "heapfleet retainers (deep)" java ${BENCH_DEEP_JAVA_OPTS:--Xmx8g} -jar "$jar" \
  retainers "$snap" --class Order --top 5
# Chrome DevTools' own loader, bundled from the chrome-devtools-frontend npm package.
if "$here/v8/devtools-setup.sh" "$dir/devtools" > "$dir/devtools-setup.log" 2>&1; then
  measure "DevTools HeapSnapshotLoader (node)" node --max-old-space-size=16000 \
    "$here/v8/devtools-loader.mjs" "$dir/devtools/loader.mjs" "$snap"
  node --max-old-space-size=16000 "$here/v8/devtools-loader.mjs" "$dir/devtools/loader.mjs" \
    "$snap" >&2 || true
else
  echo "DevTools loader: cannot build it (npm or esbuild unavailable): see $dir/devtools-setup.log"
fi
echo "(MB/s = uncompressed snapshot bytes / wall seconds, MB/CPU-s = the same per CPU second (user + sys);"
echo " every run reads from the page cache; on a shared machine the CPU figure is the stable one)"
