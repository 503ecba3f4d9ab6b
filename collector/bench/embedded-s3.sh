# Sourced by the collector benchmarks: starts the embedded S3 (S3Proxy on a directory, in its own
# JVM, collector/bench/EmbeddedS3Main.java) and sets ENDPOINT and REGION, and AWS_ACCESS_KEY_ID /
# AWS_SECRET_ACCESS_KEY for the collector's default credential chain. Expects ROOT (the project),
# WORK (the run's directory) and PIDS (the processes the caller's cleanup stops); storage compiled.
start_embedded_s3() {
  mvn -B -q -f "$ROOT/storage/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
  local cp="$ROOT/storage/target/classes:$(cat "$WORK/cp.txt")"
  java -cp "$cp" "$ROOT/collector/bench/EmbeddedS3Main.java" "$WORK/s3" > "$WORK/s3.out" 2>"$WORK/s3.err" &
  PIDS+=($!)
  for _ in $(seq 1 120); do grep -q '^region=' "$WORK/s3.out" 2>/dev/null && break; sleep 1; done
  grep -q '^region=' "$WORK/s3.out" || { echo "the embedded S3 did not start: $(cat "$WORK/s3.err")" >&2; return 1; }
  ENDPOINT=$(sed -n 's/^endpoint=//p' "$WORK/s3.out")
  REGION=$(sed -n 's/^region=//p' "$WORK/s3.out")
  AWS_ACCESS_KEY_ID=$(sed -n 's/^accessKey=//p' "$WORK/s3.out")
  AWS_SECRET_ACCESS_KEY=$(sed -n 's/^secretKey=//p' "$WORK/s3.out")
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
}
