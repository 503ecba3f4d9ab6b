package io.heapfleet.endpoint.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.TestSupport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The javaagent's server against clients that send slowly or stop reading, over real sockets on
 * 127.0.0.1. Time bounds here are assertions about behaviour (answered, cut), not measurements.
 */
class AgentServerHardeningTest {

  @TempDir Path tmp;
  private AgentServer server;
  private final List<Socket> sockets = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private URI start(EndpointSettings.Builder settings) throws IOException {
    HeapdumpEndpoint endpoint =
        HeapdumpEndpoint.builder(
                settings.tempDir(tmp).minInterval(Duration.ZERO).diskReserve(0).build(),
                new TaskIdentity("task-a", null, null, null, null, null, null, "JVM"))
            .build();
    server = AgentServer.start(endpoint, "127.0.0.1", 0);
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** Opens a connection that sends half a request, then nothing. */
  private Socket halfOpen(URI base) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5000);
    OutputStream out = s.getOutputStream();
    out.write("GET /heapdump/identity HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  private HttpResponse<String> proof(URI base) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + "/heapdump/proof"))
            .header(HeapfleetHeaders.CHALLENGE, TaskCredentials.randomHex())
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tenHalfOpenConnectionsDoNotKeepALegitimateRequestWaiting() throws Exception {
    URI base = start(EndpointSettings.builder(TestSupport.SECRET));
    for (int i = 0; i < 10; i++) {
      halfOpen(base);
    }
    Thread.sleep(500); // let the server hand every half-sent request to a thread
    long t0 = System.nanoTime();
    HttpResponse<String> r = proof(base);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(millis).as("answered while 10 connections stall").isLessThan(2000);
    // And again, with the half-open connections still there.
    assertThat(proof(base).statusCode()).isEqualTo(200);
  }

  @Test
  void aRequestWhoseHeadersNeverEndIsClosedAfterTheHeaderTimeout() throws Exception {
    URI base =
        start(EndpointSettings.builder(TestSupport.SECRET).headerTimeout(Duration.ofSeconds(1)));
    Socket s = halfOpen(base);
    s.setSoTimeout(15_000);
    InputStream in = s.getInputStream();
    int read;
    try {
      read = in.read();
    } catch (IOException reset) {
      read = -1;
    }
    assertThat(read).as("the server closed the connection").isEqualTo(-1);
    assertThat(server.cuts()[0]).isGreaterThanOrEqualTo(1);
    assertThat(proof(base).statusCode()).isEqualTo(200);
  }

  @Test
  void aClientThatStopsReadingADumpIsCutAndTheLockAndTempFileAreReleased() throws Exception {
    URI base =
        start(EndpointSettings.builder(TestSupport.SECRET).stallTimeout(Duration.ofSeconds(1)));
    Socket s = new Socket();
    sockets.add(s);
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 5000);
    s.setSoTimeout(60_000);
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET /heapdump?format=raw HTTP/1.1\r\nHost: x\r\nAuthorization: HeapDump "
                + TestSupport.token()
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    byte[] head = new byte[1024];
    int n = s.getInputStream().read(head);
    assertThat(new String(head, 0, n, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
    // Now read nothing: the dump (tens of MB of this JVM's heap) cannot fit in the socket buffers.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (server.cuts()[1] == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(server.cuts()[1]).as("the stalled response was cut").isEqualTo(1);
    while (tempFiles() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(tempFiles()).as("the temp dump is deleted").isZero();
    HttpResponse<InputStream> again =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/heapdump?format=" + Compression.RAW.id()))
                .header(
                    HeapfleetHeaders.AUTHORIZATION,
                    HeapfleetHeaders.SCHEME_HOURLY + " " + TestSupport.token())
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(again.statusCode()).as("the dump lock was released").isEqualTo(200);
    try (InputStream body = again.body()) {
      body.transferTo(OutputStream.nullOutputStream());
    }
  }

  private long tempFiles() throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.count();
    }
  }
}
