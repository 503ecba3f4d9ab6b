#!/usr/bin/env bash
# heapfleet analysis benchmark: read floor vs `histo` vs Square's Shark, plain and compressed.
#
#   analysis/bench/run.sh            # full: a ~2.3 GB dump (takes several minutes)
#   analysis/bench/run.sh --quick    # a ~200 MB dump, a minute or two
#   BENCH_DIR=/data/bench analysis/bench/run.sh --size-mb 4000
#
# Generates its own dump (a JVM filling its heap with a known object mix, bench/src/FillHeap),
# plus HotSpot's chunked gzip dump of the same heap, a zstd and a gzip copy; then runs each
# measurement in its own JVM under /usr/bin/time to get the peak RSS. Not part of `mvn verify`.
# The chunked gzip dump is read twice: sequentially (-Dheapfleet.gunzip.threads=1, one inflater)
# and in parallel (default: one inflater thread per core), against the single-threaded gunzip floor.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(cd "$here/.." && pwd)"
root="$(cd "$module/.." && pwd)"

size_mb=2300
only=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) size_mb=200; shift ;;
    --size-mb) size_mb="$2"; shift 2 ;;
    # e.g. --only gunzip-chunked,histo-chunked-seq,histo-chunked (labels as in the results)
    --only) only=",$2,"; shift 2 ;;
    *) echo "usage: $0 [--quick] [--size-mb N] [--only LABEL,...]" >&2; exit 2 ;;
  esac
done
dir="${BENCH_DIR:-/tmp/heapfleet-bench}/${size_mb}mb"
mkdir -p "$dir"

echo "== building analysis and the benchmark (profile 'bench' adds shark-graph)" >&2
(cd "$root" && mvn -B -q package -pl analysis -Dmaven.test.skip=true)
(cd "$module" && mvn -B -q -Pbench generate-sources)
classes="$module/target/bench-classes"
rm -rf "$classes" && mkdir -p "$classes"
# A private copy of the classes: other builds of the module must not change them mid-run.
rm -rf "$dir/analysis-classes" && cp -r "$module/target/classes" "$dir/analysis-classes"
cp="$dir/analysis-classes:$(cat "$module/target/bench-classpath.txt")"
javac -d "$classes" -cp "$cp" $(find "$here/src" -name '*.java')
cp="$classes:$cp"

plain="$dir/bench.hprof"
chunked="$dir/bench-chunked.hprof.gz"
if [[ ! -s "$plain" || ! -s "$chunked" ]]; then
  echo "== generating a ${size_mb} MB live heap dump" >&2
  java -Xmx$((size_mb * 2 + 512))m -XX:+UseParallelGC -cp "$cp" io.heapfleet.analysis.bench.FillHeap \
    "$size_mb" "$plain" "$chunked" >&2
fi
[[ -s "$dir/bench.hprof.zst" ]] || { echo "== zstd -1" >&2; zstd -q -1 -T0 -f "$plain" -o "$dir/bench.hprof.zst"; }
[[ -s "$dir/bench.hprof.gz" ]] || { echo "== gzip -1" >&2; gzip -1 -c "$plain" > "$dir/bench.hprof.gz"; }

echo "== warming the page cache" >&2
cat "$dir"/bench* > /dev/null

results="$dir/results.txt"
: > "$results"
run() { # label heap mode file [extra JVM options]
  local label="$1" heap="$2" mode="$3" file="$4" line rss cpu
  shift 4
  [[ -z "$only" || "$only" == *",$label,"* ]] || return 0
  line=$(/usr/bin/time -f 'RSS %M CPU %U %S' -o "$dir/time.txt" \
    java "-Xmx$heap" "$@" -cp "$cp" io.heapfleet.analysis.bench.Bench "$mode" "$file" | grep '^RESULT')
  rss=$(awk '/^RSS/ {print int($2/1024)}' "$dir/time.txt")
  cpu=$(awk '/^RSS/ {print $4+$5}' "$dir/time.txt")
  echo "$label $line CPU_S $cpu RSS_MB $rss" | tee -a "$results" >&2
}
run floor 64m floor "$plain"
run histo 128m histo "$plain"
run histo2 128m histo "$plain"
# For comparison: C1 only (no C2 compile cost, slower compiled code).
run histo-c1 128m histo "$plain" -XX:TieredStopAtLevel=1
# `histo --format json`: the histogram plus writing its JSON (Jackson streaming).
run histo-json 128m histo-json "$plain"
run shark 8g shark "$plain"
run gunzip 64m gunzip "$dir/bench.hprof.gz"
run histo-gz 128m histo "$dir/bench.hprof.gz"
run gunzip-chunked 64m gunzip "$chunked"
# HotSpot's chunked gzip: sequential (one inflater, like plain gzip) vs parallel (all cores).
run histo-chunked-seq 128m histo "$chunked" -Dheapfleet.gunzip.threads=1
run histo-chunked 128m histo "$chunked"
run unzstd 64m unzstd "$dir/bench.hprof.zst"
run histo-zst 128m histo "$dir/bench.hprof.zst"

# label RESULT mode file bytes seconds MBps detail... CPU_S cpu RSS_MB rss
awk -v plain_bytes="$(stat -c %s "$plain")" -v cores="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
  { label=$1; r[label]=$7; s[label]=$6; m[label]=$NF; c[label]=$(NF-2); b[label]=$5 }
  function row(input, what, l, floor) {
    if (!(l in r) || !(floor in r)) return;
    printf "| %s | %s | %.2f | %.0f | %.2f | %.0f | %d | %.0f%% |\n", input, what, s[l], r[l], c[l], b[l]/1e6/c[l], m[l], 100*r[l]/r[floor];
  }
  END {
    best = ("histo2" in r && (!("histo" in r) || r["histo2"] > r["histo"])) ? "histo2" : "histo";
    printf "Dump: %.2f GB uncompressed HPROF; %d cores; load average %s at the end\n\n", plain_bytes/1e9, cores, load;
    print "| Input | Measurement | Wall (s) | MB/s of input | CPU (s) | MB per CPU-s | Peak RSS (MB) | vs its floor |";
    print "|---|---|---:|---:|---:|---:|---:|---:|";
    row("plain .hprof", "read floor (sequential read)", "floor", "floor");
    row("plain .hprof", "heapfleet histo", best, "floor");
    row("plain .hprof", "heapfleet histo, -XX:TieredStopAtLevel=1", "histo-c1", "floor");
    row("plain .hprof", "heapfleet histo --format json (histogram + JSON)", "histo-json", "floor");
    row("plain .hprof", "Shark 2.14 open + count per class", "shark", "floor");
    row(".hprof.gz (gzip -1)", "gunzip floor", "gunzip", "gunzip");
    row(".hprof.gz (gzip -1)", "heapfleet histo", "histo-gz", "gunzip");
    row("HotSpot -gz=1 (chunked)", "gunzip floor", "gunzip-chunked", "gunzip-chunked");
    row("HotSpot -gz=1 (chunked)", "heapfleet histo, sequential gunzip (-Dheapfleet.gunzip.threads=1)", "histo-chunked-seq", "gunzip-chunked");
    row("HotSpot -gz=1 (chunked)", sprintf("heapfleet histo, parallel gunzip (%d threads)", cores), "histo-chunked", "gunzip-chunked");
    row(".hprof.zst (zstd -1)", "unzstd floor", "unzstd", "unzstd");
    row(".hprof.zst (zstd -1)", "heapfleet histo", "histo-zst", "unzstd");
    if ("histo-chunked" in r && "histo-chunked-seq" in r && "gunzip-chunked" in r) printf "\nchunked gzip: parallel %.2fx the sequential histo, %.2fx the single-threaded gunzip floor\n", r["histo-chunked"]/r["histo-chunked-seq"], r["histo-chunked"]/r["gunzip-chunked"];
    if (best in r && "shark" in r) printf "\nhisto vs Shark: %.1fx faster (wall), %.1fx less CPU, %.1fx less peak RSS\n", r[best]/r["shark"], c["shark"]/c[best], m["shark"]/m[best];
  }' "$results" | tee "$dir/table.md"
