package io.heapfleet.endpoint.alb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.auth.Compression;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapDumper;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.HotSpotHeapDumper;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.TestSupport;
import io.heapfleet.endpoint.agent.AgentServer;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.endpoint.client.HeapdumpClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dump that takes longer than a load balancer's idle timeout, through a proxy that closes
 * connections silent for 5 s (as an ALB does after its idle timeout), in front of the javaagent's
 * real HTTP server. The dumper sleeps before a real HotSpot dump: the slow part of a real dump is a
 * JVM pause in which no thread runs, so this stands for everything around it (see
 * docs/endpoint.md).
 */
class AlbIdleTimeoutTest {

  private static final Duration PROXY_IDLE = Duration.ofSeconds(5);

  @TempDir Path tmp;
  private AgentServer server;
  private IdleTimeoutProxy proxy;

  @AfterEach
  void stop() throws IOException {
    if (proxy != null) {
      proxy.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aGzipDumpSlowerThanTheIdleTimeoutArrivesWholeBecauseBytesKeepFlowing() throws Exception {
    URI alb = start(Duration.ofSeconds(1), slowDumper(Duration.ofSeconds(15)));

    Path saved = tmp.resolve("through-alb.hprof.gz");
    DumpResponse response =
        HeapdumpClient.create()
            .open(alb, TestSupport.token(), DumpRequest.defaults().withFormat(Compression.GZIP));
    assertThat(response.startedBeforeDump()).isTrue();
    assertThat(response.header(HeapfleetHeaders.HEAP_USED)).isPresent();
    assertThat(response.hprofBytes()).isEmpty(); // known only at the end
    copy(response, saved);

    assertThat(proxy.idleCloses()).isZero();
    assertThat(proxy.maxResponseGap()).isLessThan(PROXY_IDLE);
    long decoded;
    try (InputStream in = TestSupport.decode(Files.newInputStream(saved), Compression.GZIP)) {
      decoded = TestSupport.assertHprof(in);
    }
    Map<String, String> trailer = response.trailer().orElseThrow();
    assertThat(Long.parseLong(trailer.get(HeapfleetHeaders.HPROF_BYTES))).isEqualTo(decoded);
    assertThat(response.hprofBytes()).hasValue(decoded);
    assertThat(response.pauseMillis().getAsLong()).isGreaterThanOrEqualTo(15_000);
  }

  @Test
  void aZstdDumpSlowerThanTheIdleTimeoutArrivesWhole() throws Exception {
    URI alb = start(Duration.ofSeconds(1), slowDumper(Duration.ofSeconds(8)));

    Path saved = tmp.resolve("through-alb.hprof.zst");
    DumpResponse response =
        HeapdumpClient.create()
            .open(alb, TestSupport.token(), DumpRequest.defaults().withFormat(Compression.ZSTD));
    copy(response, saved);

    assertThat(proxy.idleCloses()).isZero();
    assertThat(proxy.maxResponseGap()).isLessThan(PROXY_IDLE);
    long decoded;
    try (InputStream in = TestSupport.decode(Files.newInputStream(saved), Compression.ZSTD)) {
      decoded = TestSupport.assertHprof(in);
    }
    assertThat(response.hprofBytes()).hasValue(decoded);
  }

  @Test
  void withoutKeepAliveTheSameProxyAnswers504AndTheCaptureFails() throws Exception {
    URI alb = start(Duration.ZERO, slowDumper(Duration.ofSeconds(8)));

    assertThatThrownBy(
            () ->
                HeapdumpClient.create()
                    .open(
                        alb,
                        TestSupport.token(),
                        DumpRequest.defaults().withFormat(Compression.GZIP)))
        .isInstanceOfSatisfying(
            HeapdumpClientException.class, e -> assertThat(e.status()).isEqualTo(504));
    assertThat(proxy.idleCloses()).isEqualTo(1);
  }

  @Test
  void aDumpThatFailsAfterTheResponseStartedBreaksTheStreamInsteadOfEndingIt() throws Exception {
    HeapDumper failing =
        (file, live) -> {
          sleep(Duration.ofSeconds(2));
          throw new IOException("No space left on device");
        };
    URI alb = start(Duration.ofMillis(500), failing);

    DumpResponse response =
        HeapdumpClient.create()
            .open(alb, TestSupport.token(), DumpRequest.defaults().withFormat(Compression.ZSTD));
    Path saved = tmp.resolve("broken.hprof.zst");
    assertThatThrownBy(() -> copy(response, saved)).isInstanceOf(IOException.class);
    assertThat(response.trailer()).isEmpty();
    assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().startsWith("heapfleet-")))
        .isEmpty();
  }

  private URI start(Duration keepAlive, HeapDumper dumper) throws IOException {
    EndpointSettings settings =
        EndpointSettings.builder(TestSupport.SECRET)
            .tempDir(tmp)
            .minInterval(Duration.ZERO)
            .diskReserve(0)
            .keepAlive(keepAlive)
            .build();
    HeapdumpEndpoint endpoint =
        HeapdumpEndpoint.builder(
                settings, new TaskIdentity("task-a", null, null, null, null, null, null, "JVM"))
            .dumper(dumper)
            .build();
    server = AgentServer.start(endpoint, "127.0.0.1", 0);
    proxy = IdleTimeoutProxy.start(URI.create("http://127.0.0.1:" + server.port()), PROXY_IDLE);
    return proxy.uri();
  }

  /** A real HotSpot dump that first takes {@code delay}, as a big heap's dump does. */
  private static HeapDumper slowDumper(Duration delay) {
    HeapDumper real = new HotSpotHeapDumper();
    return (file, live) -> {
      sleep(delay);
      real.dumpHeap(file, live);
    };
  }

  private static void sleep(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  private static void copy(DumpResponse response, Path to) throws IOException {
    try (response;
        InputStream in = response.body();
        OutputStream out = Files.newOutputStream(to)) {
      in.transferTo(out);
    }
  }
}
