#!/usr/bin/env bash
# heapfleet deep-analysis benchmark: dominator tree + retained sizes on a ~1 GB dump, heapfleet
# vs Square's Shark 2.14. Not part of `mvn verify`.
#
#   analysis/bench/deep-run.sh                 # ~1 GB dump (FillHeap, reused if present)
#   analysis/bench/deep-run.sh --size-mb 200   # smaller
#   SHARK_TIMEOUT=900 analysis/bench/deep-run.sh
#
#   # bounded heap: each dump with -Xmx1g (half of it for arrays, the rest spills), next to
#   # reading the file once (cat > /dev/null); make the dumps with FillHeap, e.g.
#   #   java -Xmx4g -cp CLASSES io.heapfleet.analysis.bench.FillHeap 1740 /data/2gb.hprof
#   analysis/bench/deep-run.sh --xmx 1g --dump /data/1gb.hprof --dump /data/2gb.hprof
#
# Each measurement runs in its own JVM under /usr/bin/time for the peak RSS (DeepBench also
# prints the peak split into anonymous and file-backed pages). Results are appended to
# $BENCH_DIR/<size>mb/deep-results.txt (or $BENCH_DIR/xmx-<XMX>/) and printed. Builds within the
# reactor (package), never installs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(cd "$here/.." && pwd)"
root="$(cd "$module/.." && pwd)"

size_mb=780 # live MB; the dump file is ~1.3x this
xmx=""
dumps=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size-mb) size_mb="$2"; shift 2 ;;
    --xmx) xmx="$2"; shift 2 ;;
    --dump) dumps+=("$2"); shift 2 ;;
    *) echo "usage: $0 [--size-mb N] | --xmx SIZE --dump FILE [--dump FILE ...]" >&2; exit 2 ;;
  esac
done
if [[ -n "$xmx" ]]; then
  dir="${BENCH_DIR:-/tmp/heapfleet-bench}/xmx-$xmx"
else
  dir="${BENCH_DIR:-/tmp/heapfleet-bench}/${size_mb}mb"
fi
mkdir -p "$dir"

echo "== building analysis and the benchmark (profile 'bench' adds shark)" >&2
(cd "$root" && mvn -B -q -pl analysis -am -DskipTests package)
(cd "$module" && mvn -B -q -Pbench generate-sources)
classes="$module/target/deep-bench-classes"
rm -rf "$classes" && mkdir -p "$classes"
cp="$module/target/classes:$(cat "$module/target/bench-classpath.txt")"
javac -d "$classes" -cp "$cp" $(find "$here/src" -name '*.java')
cp="$classes:$cp"

results="$dir/deep-results.txt"
if [[ -n "$xmx" ]]; then
  [[ ${#dumps[@]} -gt 0 ]] || { echo "--xmx needs at least one --dump" >&2; exit 2; }
  spill="${SPILL_DIR:-$dir/spill}"
  mkdir -p "$spill"
  heap_mb=$(( $(numfmt --from=iec "${xmx^^}") >> 20 ))
  echo "# $(date -u +%FT%TZ) load $(cut -d' ' -f1-3 /proc/loadavg) -Xmx$xmx budget $((heap_mb / 2))m" \
    | tee -a "$results" >&2
  for dump in "${dumps[@]}"; do
    cat "$dump" > /dev/null # once into the page cache (as after a download)
    start=$(date +%s.%N)
    cat "$dump" > /dev/null
    read_s=$(echo "$(date +%s.%N) - $start" | bc)
    line=$( (/usr/bin/time -f 'RSS %M CPU %U %S WALL %e' -o "$dir/time.txt" \
      java "-Xmx$xmx" "-Djava.io.tmpdir=$spill" -cp "$cp" \
      io.heapfleet.analysis.retainer.bench.DeepBench deep "$dump" $((heap_mb / 2)) \
      || echo "RESULT failed") | grep '^RESULT' | tail -1)
    t=$(awk '/^RSS/ {printf "time_RSS_MB %d CPU_s %.1f wall_s %.1f", $2/1024, $4+$5, $7}' "$dir/time.txt")
    echo "$(basename "$dump") $(stat -c %s "$dump") bytes cat_s $read_s $line $t" | tee -a "$results" >&2
    left=$(find "$spill" -type f | wc -l)
    [[ "$left" -eq 0 ]] || echo "WARNING: $left spill files left in $spill" | tee -a "$results" >&2
  done
  exit 0
fi

plain="$dir/bench.hprof"
if [[ ! -s "$plain" ]]; then
  echo "== generating a ${size_mb} MB live heap dump" >&2
  java -Xmx$((size_mb * 2 + 512))m -XX:+UseParallelGC -cp "$cp" io.heapfleet.analysis.bench.FillHeap \
    "$size_mb" "$plain" >&2
fi
echo "== dump: $(du -h "$plain" | cut -f1)" >&2
cat "$plain" > /dev/null # warm the page cache

results="$dir/deep-results.txt"
run() { # label heap timeout args...
  local label="$1" heap="$2" limit="$3"; shift 3
  local line rss
  line=$( (/usr/bin/time -f 'RSS %M CPU %U %S' -o "$dir/time.txt" \
    timeout "$limit" java "-Xmx$heap" -cp "$cp" io.heapfleet.analysis.retainer.bench.DeepBench "$@" \
    || echo "RESULT failed-or-timed-out after ${limit}s") | grep '^RESULT' | tail -1)
  # CPU seconds (user+sys) next to wall time: on a shared machine wall time mostly measures
  # the neighbours.
  rss=$(awk '/^RSS/ {printf "%d CPU_s %.1f", $2/1024, $4+$5}' "$dir/time.txt" 2>/dev/null || echo "?")
  echo "$label -Xmx$heap $line RSS_MB $rss" | tee -a "$results" >&2
}
run heapfleet 6g 600 deep "$plain"
run heapfleet-spill 2g 600 deep "$plain" 256
run shark 6g "${SHARK_TIMEOUT:-900}" shark "$plain"
