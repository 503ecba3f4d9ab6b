package io.heapfleet.endpoint;

import static io.heapfleet.endpoint.TestSupport.SECRET;
import static io.heapfleet.endpoint.TestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol through the javaagent's HTTP server, in this JVM, over real HTTP on 127.0.0.1, with
 * real HotSpot dumps of this JVM. Seams: a latch-held dumper, a free-space probe, a clock.
 */
class HeapdumpEndpointTest {

  @TempDir Path tmp;
  @RegisterExtension final LocalAgentServer server = new LocalAgentServer();
  @RegisterExtension final AuditLines audit = new AuditLines();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static TaskIdentity identity() {
    return new TaskIdentity(
        "task-a", null, "prod", "orders", "orders-td", "7", TaskIdentity.Source.CONFIG, "JVM");
  }

  private EndpointSettings.Builder settings() {
    return LocalAgentServer.settings(tmp);
  }

  private URI start(HeapdumpEndpoint endpoint) throws IOException {
    return server.start(endpoint).resolve("/heapdump");
  }

  private URI start(HeapDumper dumper) throws IOException {
    return start(HeapdumpEndpoint.builder(settings().build(), identity()).dumper(dumper).build());
  }

  private HttpResponse<String> get(URI uri, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    if (token != null) {
      b.header(HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<String> auditLines() {
    return audit.lines();
  }

  private long tempFiles() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.count();
    }
  }

  @Test
  void missingOrWrongTokenIs401WithoutDetail() throws Exception {
    LatchDumper dumper = new LatchDumper(false);
    URI uri = start(dumper);
    for (String t : new String[] {null, "nonsense", TestSupport.wrongToken()}) {
      HttpResponse<String> r = get(uri, t);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body())
          .isEqualTo("{\"error\":\"unauthorized\",\"message\":\"a valid token is required\"}");
      assertThat(r.headers().firstValue(HeapfleetHeaders.TASK)).isEmpty();
    }
    assertThat(get(URI.create(uri + "/identity"), null).statusCode()).isEqualTo(401);
    assertThat(dumper.dumps.get()).isZero();
  }

  @Test
  void validTokenStreamsAGzippedHprofAndDeletesTheTempFile() throws Exception {
    URI uri = start(new HotSpotHeapDumper());
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(uri)
                .header(
                    HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue(HeapfleetHeaders.TASK)).contains("task-a");
    assertThat(r.headers().firstValue(HeapfleetHeaders.CLUSTER)).contains("prod");
    assertThat(r.headers().firstValue(HeapfleetHeaders.SERVICE)).contains("orders");
    assertThat(r.headers().firstValue(HeapfleetHeaders.FORMAT)).contains("gzip");
    assertThat(r.headers().firstValue("Content-Disposition").orElseThrow())
        .matches("attachment; filename=\"task-a-\\d{8}T\\d{6}Z\\.hprof\\.gz\"");
    // The response started before the dump: its size comes in the stream's trailer.
    assertThat(r.headers().firstValue(HeapfleetHeaders.STREAM))
        .contains(HeapfleetHeaders.STREAM_KEEPALIVE);
    assertThat(r.headers().firstValue(HeapfleetHeaders.HPROF_BYTES)).isEmpty();
    byte[] body = r.body().readAllBytes();
    int tail = Math.min(body.length, StreamTrailer.MAX_BYTES);
    Map<String, String> trailer =
        StreamTrailer.parse(
                Compression.GZIP,
                java.util.Arrays.copyOfRange(body, body.length - tail, body.length),
                tail)
            .orElseThrow();
    long hprofBytes = Long.parseLong(trailer.get(HeapfleetHeaders.HPROF_BYTES));
    try (InputStream in =
        TestSupport.decode(new java.io.ByteArrayInputStream(body), Compression.GZIP)) {
      assertThat(TestSupport.assertHprof(in)).isEqualTo(hprofBytes);
    }
    awaitNoTempFiles();
  }

  @Test
  void withoutKeepAliveTheFiguresAreHeadersAndTheResponseStartsAfterTheDump() throws Exception {
    URI uri =
        start(
            HeapdumpEndpoint.builder(settings().keepAlive(Duration.ZERO).build(), identity())
                .dumper(new HotSpotHeapDumper())
                .build());
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(uri)
                .header(
                    HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue(HeapfleetHeaders.STREAM)).isEmpty();
    long hprofBytes =
        Long.parseLong(r.headers().firstValue(HeapfleetHeaders.HPROF_BYTES).orElseThrow());
    try (InputStream in = TestSupport.decode(r.body(), Compression.GZIP)) {
      assertThat(TestSupport.assertHprof(in)).isEqualTo(hprofBytes);
    }
    awaitNoTempFiles();
  }

  @Test
  void hashQueryParameterIsAcceptedAndRedactedFromTheAuditLog() throws Exception {
    URI uri = start(new LatchDumper(false));
    String t = token();
    HttpResponse<String> r = get(URI.create(uri + "/identity?hash=" + t), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(TaskIdentity.fromJson(r.body()).taskId()).isEqualTo("task-a");
    get(URI.create(uri + "?hash=" + t + "&format=nonsense"), null);
    List<String> lines = auditLines();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
    assertThat(lines).allSatisfy(l -> assertThat(l).doesNotContain(t).contains("remote=127.0.0.1"));
    assertThat(String.join("\n", lines)).contains("hash=REDACTED").contains("status=400");
  }

  @Test
  void wrongTargetTaskIs421AtOnceNamingThisTaskWithoutDumping() throws Exception {
    LatchDumper dumper = new LatchDumper(true);
    URI uri = start(dumper);
    long t0 = System.nanoTime();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri)
                .header(
                    HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
                .header(HeapfleetHeaders.TARGET_TASK, "task-b")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(r.statusCode()).isEqualTo(421);
    assertThat(r.headers().firstValue(HeapfleetHeaders.TASK)).contains("task-a");
    assertThat(Json.parseObject(r.body()))
        .containsEntry("error", "misdirected")
        .containsEntry("taskId", "task-a");
    assertThat(millis).isLessThan(1000);
    assertThat(dumper.started.getCount()).as("no dump was started").isEqualTo(1);
  }

  @Test
  void aSecondRequestWhileADumpRunsIs429WithRetryAfter() throws Exception {
    LatchDumper dumper = new LatchDumper(true);
    URI uri = start(dumper);
    CompletableFuture<HttpResponse<String>> first =
        http.sendAsync(
            HttpRequest.newBuilder(uri)
                .header(
                    HeapfleetHeaders.AUTHORIZATION, HeapfleetHeaders.SCHEME_HOURLY + " " + token())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(dumper.started.await(10, TimeUnit.SECONDS)).isTrue();
    HttpResponse<String> second = get(uri, token());
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.headers().firstValue(HeapfleetHeaders.RETRY_AFTER)).isPresent();
    assertThat(Json.parseObject(second.body())).containsEntry("error", "busy");
    dumper.release.countDown();
    assertThat(first.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(dumper.dumps.get()).isEqualTo(1);
    awaitNoTempFiles();
  }

  @Test
  void minimumIntervalAnswers429UntilItHasPassed() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T01:10:00Z"));
    LatchDumper dumper = new LatchDumper(false);
    URI uri =
        start(
            HeapdumpEndpoint.builder(
                    settings().minInterval(Duration.ofMinutes(5)).build(), identity())
                .dumper(dumper)
                .clock(clock)
                .build());
    String t = io.heapfleet.auth.HourlyToken.compute(SECRET, "heapdump", clock.instant());
    // zstd is chunked: the lock is released before the last chunk, so the next request cannot
    // see "busy" (with raw, the client may read the last byte before the server unlocks).
    assertThat(get(URI.create(uri + "?format=zstd"), t).statusCode()).isEqualTo(200);
    clock.now = clock.now.plusSeconds(60);
    HttpResponse<String> r = get(uri, t);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue(HeapfleetHeaders.RETRY_AFTER)).contains("240");
    assertThat(Json.parseObject(r.body())).containsEntry("error", "too_soon");
    clock.now = clock.now.plusSeconds(241);
    assertThat(get(URI.create(uri + "?format=zstd"), t).statusCode()).isEqualTo(200);
    assertThat(dumper.dumps.get()).isEqualTo(2);
  }

  @Test
  void notEnoughFreeDiskIs507AndNoDump() throws Exception {
    LatchDumper dumper = new LatchDumper(false);
    URI uri =
        start(
            HeapdumpEndpoint.builder(settings().build(), identity())
                .dumper(dumper)
                .freeSpace(dir -> 1024 * 1024)
                .build());
    HttpResponse<String> r = get(uri, token());
    assertThat(r.statusCode()).isEqualTo(507);
    assertThat(Json.parseObject(r.body())).containsEntry("error", "insufficient_storage");
    assertThat(r.body()).contains(tmp.toString()).contains("free 1 MiB");
    assertThat(dumper.dumps.get()).isZero();
    // The lock was released: the next request with room succeeds.
    assertThat(tempFiles()).isZero();
  }

  @Test
  void aJvmThatCannotDumpAnswers503AndAFailedDump500AsJson() throws Exception {
    // A dumper that says it is unavailable is refused before the response starts.
    URI uri =
        start(
            new HeapDumper() {
              @Override
              public void checkAvailable() {
                throw new HeapDumpUnavailableException("no HotSpot here");
              }

              @Override
              public void dumpHeap(Path file, boolean live) {
                throw new AssertionError("never called");
              }
            });
    HttpResponse<String> r = get(uri, token());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(Json.parseObject(r.body())).containsEntry("error", "unavailable");
    server.stop();
    // A failed dump is a 500 when the response starts after the dump (no keep-alive); with
    // keep-alive the stream breaks instead (AlbIdleTimeoutTest).
    uri =
        start(
            HeapdumpEndpoint.builder(settings().keepAlive(Duration.ZERO).build(), identity())
                .dumper(
                    (file, live) -> {
                      Files.write(file, new byte[] {1, 2, 3});
                      throw new IOException("disk on fire");
                    })
                .build());
    r = get(uri, token());
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(Json.parseObject(r.body())).containsEntry("error", "dump_failed");
    assertThat(r.body()).doesNotContain("\tat ");
    assertThat(tempFiles()).as("the partial dump is deleted").isZero();
  }

  @Test
  void badFormatOrLiveIs400() throws Exception {
    URI uri = start(new LatchDumper(false));
    assertThat(get(URI.create(uri + "?format=bzip2"), token()).body()).contains("bzip2");
    assertThat(get(URI.create(uri + "?live=maybe"), token()).statusCode()).isEqualTo(400);
  }

  @Test
  void aClientThatDisconnectsMidStreamLeavesNoTempFileAndFreesTheLock() throws Exception {
    // Raw: the body is as big as the heap, far more than the socket buffers hold.
    byte[][] ballast = new byte[48][];
    for (int i = 0; i < ballast.length; i++) {
      ballast[i] = new byte[1 << 20];
      new java.util.Random(i).nextBytes(ballast[i]);
    }
    URI uri = start(new HotSpotHeapDumper());
    try (Socket s = new Socket("127.0.0.1", uri.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /heapdump?format=raw HTTP/1.1\r\nHost: x\r\nAuthorization: HeapDump "
                  + token()
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[64 * 1024];
      int read = 0;
      while (read < 256 * 1024) {
        int n = in.read(buf);
        assertThat(n).isPositive();
        read += n;
      }
      assertThat(new String(buf, 0, 12, StandardCharsets.US_ASCII)).isNotEmpty();
      s.setSoLinger(true, 0);
    }
    awaitNoTempFiles();
    // The lock is free again (it is released just after the temp file is deleted).
    HttpResponse<Void> r = null;
    for (int i = 0; i < 50 && (r == null || r.statusCode() == 429); i++) {
      if (r != null) {
        Thread.sleep(100);
      }
      r =
          http.send(
              HttpRequest.newBuilder(URI.create(uri + "?format=raw"))
                  .header(
                      HeapfleetHeaders.AUTHORIZATION,
                      HeapfleetHeaders.SCHEME_HOURLY + " " + token())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
    }
    assertThat(r.statusCode()).isEqualTo(200);
    awaitNoTempFiles();
    assertThat(ballast[47].length).isEqualTo(1 << 20);
    assertThat(String.join("\n", auditLines())).contains("outcome=aborted");
  }

  private void awaitNoTempFiles() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tempFiles() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(tempFiles()).as("temp files left in " + tmp).isZero();
  }

  private static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
