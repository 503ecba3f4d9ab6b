#!/usr/bin/env bash
# heapfleet deep-analysis benchmark: dominator tree + retained sizes on a ~1 GB dump, heapfleet
# vs Square's Shark 2.14. Not part of `mvn verify`.
#
#   analysis/bench/deep-run.sh                 # ~1 GB dump (FillHeap, reused if present)
#   analysis/bench/deep-run.sh --size-mb 200   # smaller
#   SHARK_TIMEOUT=900 analysis/bench/deep-run.sh
#
# Each measurement runs in its own JVM under /usr/bin/time for the peak RSS. Results are
# appended to $BENCH_DIR/<size>mb/deep-results.txt and printed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(cd "$here/.." && pwd)"
root="$(cd "$module/.." && pwd)"

size_mb=780 # live MB; the dump file is ~1.3x this
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size-mb) size_mb="$2"; shift 2 ;;
    *) echo "usage: $0 [--size-mb N]" >&2; exit 2 ;;
  esac
done
dir="${BENCH_DIR:-/tmp/heapfleet-bench}/${size_mb}mb"
mkdir -p "$dir"

echo "== building analysis and the benchmark (profile 'bench' adds shark)" >&2
(cd "$root" && mvn -B -q package -pl analysis -DskipTests)
(cd "$module" && mvn -B -q -Pbench generate-sources)
classes="$module/target/deep-bench-classes"
rm -rf "$classes" && mkdir -p "$classes"
cp="$module/target/classes:$(cat "$module/target/bench-classpath.txt")"
javac -d "$classes" -cp "$cp" $(find "$here/src" -name '*.java')
cp="$classes:$cp"

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
