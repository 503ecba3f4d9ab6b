package io.heapfleet.endpoint.it;

import static io.heapfleet.endpoint.TestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.heapfleet.auth.Compression;
import io.heapfleet.endpoint.HeapfleetHeaders;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.TestSupport;
import io.heapfleet.endpoint.WireEncoding;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.endpoint.client.HeapdumpClientException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real javaagent jar in real child JVMs (-Xmx64m), over HTTP on 127.0.0.1, through the real
 * client. One shared JVM for the common cases; others where a setting differs.
 */
class AgentIT {

  @TempDir static Path tmp;
  private static AgentProcess app;
  private static final HeapdumpClient client = HeapdumpClient.create();

  static Map<String, String> env(String taskId) {
    Map<String, String> env = new HashMap<>();
    env.put("HEAPFLEET_SECRET", TestSupport.SECRET_TEXT);
    env.put("HEAPFLEET_TASK_ID", taskId);
    env.put("HEAPFLEET_MIN_INTERVAL", "0");
    env.put("HEAPFLEET_TEMP_DIR", tmp.toString());
    return env;
  }

  @BeforeAll
  static void startApp() throws Exception {
    app = AgentProcess.start(env("task-one"), "bind=127.0.0.1,port=0", "24").awaitReady();
  }

  @AfterAll
  static void stopApp() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  private static long tempFiles() throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.count();
    }
  }

  @Test
  void theAgentJarCarriesOnlyRelocatedDependencies() throws Exception {
    try (JarFile jar = new JarFile(AgentProcess.agentJar().toFile())) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Premain-Class"))
          .isEqualTo("io.heapfleet.endpoint.agent.HeapfleetAgent");
      assertThat(jar.getManifest().getMainAttributes().getValue("Agent-Class")).isNotNull();
      assertThat(jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")))
          .allMatch(n -> n.startsWith("io/heapfleet/"))
          .noneMatch(n -> n.startsWith("io/heapfleet/endpoint/quarkus/"))
          .anyMatch(n -> n.startsWith("io/heapfleet/shaded/bouncycastle/"))
          .anyMatch(n -> n.startsWith("io/heapfleet/shaded/aircompressor/"));
    }
  }

  @Test
  void withoutOrWithABadTokenTheAnswerIs401() throws Exception {
    for (String t : new String[] {null, TestSupport.wrongToken()}) {
      assertThatThrownBy(() -> client.open(app.base(), t, DumpRequest.defaults()))
          .isInstanceOfSatisfying(
              HeapdumpClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.error()).isEqualTo("unauthorized");
                assertThat(e.taskId()).isEmpty();
              });
    }
  }

  @Test
  void gzipAndZstdDumpsAreValidHprofNamedByTask() throws Exception {
    for (Compression format : new Compression[] {Compression.GZIP, Compression.ZSTD}) {
      try (DumpResponse r =
          client.open(app.base(), token(), DumpRequest.defaults().withFormat(format))) {
        assertThat(r.taskId()).isEqualTo("task-one");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.format()).isEqualTo(format);
        assertThat(r.fileName())
            .startsWith("task-one-")
            .endsWith(WireEncoding.hprofExtension(format));
        assertThat(r.header(HeapfleetHeaders.JVM)).isPresent();
        // The response started before the dump: its figures arrive in the stream's record.
        assertThat(r.startedBeforeDump()).isTrue();
        try (InputStream in = TestSupport.decode(r.body(), format)) {
          assertThat(TestSupport.assertHprof(in))
              .isEqualTo(r.hprofBytes().getAsLong())
              .isGreaterThan(24L << 20);
        }
        assertThat(r.pauseMillis()).isPresent();
      }
    }
    awaitNoTempFiles();
  }

  @Test
  void aWrongTargetTaskIs421FastWithoutADump() throws Exception {
    long dumpsBefore = dumpsLogged();
    long t0 = System.nanoTime();
    assertThatThrownBy(
            () ->
                client.open(
                    app.base(),
                    token(),
                    DumpRequest.defaults().withTargetTask("task-two").withMaxAttempts(3)))
        .isInstanceOfSatisfying(
            HeapdumpClientException.class,
            e -> {
              assertThat(e.status()).isEqualTo(421);
              assertThat(e.attempts()).isEqualTo(3);
              assertThat(e.taskId()).contains("task-one");
              assertThat(e.getMessage()).contains("task-two").contains("task-one");
            });
    // The machine may be loaded: bound the wall time loosely and the server's own time by the
    // fastest of the three answers (a dump of this 24 MB+ heap takes far longer).
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "status=421 outcome=misdirected bytes=\\d+ durationMs=(\\d+)")
            .matcher(app.stderr());
    long fastest = Long.MAX_VALUE;
    int answered = 0;
    while (m.find()) {
      answered++;
      fastest = Math.min(fastest, Long.parseLong(m.group(1)));
    }
    assertThat(answered).isEqualTo(3);
    assertThat(fastest).as("server time of the fastest 421, ms").isLessThan(100);
    // No dump was taken for them: every dump leaves a "dumpMs=" in its audit line.
    assertThat(dumpsLogged()).isEqualTo(dumpsBefore);
    assertThat(tempFiles()).isZero();
  }

  @Test
  void tenHalfSentRequestsDoNotBlockTheAgentAndTheProvenPathWorks() throws Exception {
    java.util.List<java.net.Socket> halfOpen = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        java.net.Socket s = new java.net.Socket("127.0.0.1", app.base().getPort());
        halfOpen.add(s);
        s.getOutputStream()
            .write(
                "GET /heapdump/identity HTTP/1.1\r\nHost: x\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
      Thread.sleep(500);
      io.heapfleet.auth.TaskCredentials creds =
          io.heapfleet.auth.TaskCredentials.of(TestSupport.SECRET, "heapdump");
      long t0 = System.nanoTime();
      io.heapfleet.endpoint.client.ProvenTask proven = client.prove(app.base(), creds, null);
      TaskIdentity id = client.identity(proven, creds, 1);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(id.taskId()).isEqualTo("task-one");
      assertThat(millis).as("proof and identity while 10 requests stall").isLessThan(2000);
    } finally {
      for (java.net.Socket s : halfOpen) {
        s.close();
      }
    }
  }

  @Test
  void aConcurrentRequestIs429WhileTheFirstStreams() throws Exception {
    // Raw: the 24 MB of random ballast cannot sit in socket buffers, so the first stream is open.
    try (DumpResponse first =
        client.open(app.base(), token(), DumpRequest.defaults().withFormat(Compression.RAW))) {
      assertThat(first.contentLength()).isPresent();
      assertThatThrownBy(() -> client.open(app.base(), token(), DumpRequest.defaults()))
          .isInstanceOfSatisfying(
              HeapdumpClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.error()).isEqualTo("busy");
                assertThat(e.retryAfter()).isPresent();
              });
      assertThat(TestSupport.assertHprof(first.body()))
          .isEqualTo(first.contentLength().getAsLong());
    }
    awaitNoTempFiles();
  }

  @Test
  void notEnoughDiskIs507AndEcsMetadataNamesTheTask() throws Exception {
    byte[] json;
    try (InputStream in = AgentIT.class.getResourceAsStream("/ecs-task-metadata-v4.json")) {
      json = in.readAllBytes();
    }
    HttpServer metadata = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    metadata.createContext(
        "/v4/abc/task",
        ex -> {
          ex.sendResponseHeaders(200, json.length);
          ex.getResponseBody().write(json);
          ex.close();
        });
    metadata.start();
    Map<String, String> env = env("ignored");
    env.remove("HEAPFLEET_TASK_ID");
    env.put("HEAPFLEET_DISK_RESERVE", "1024TB");
    env.put(
        TaskIdentity.ECS_METADATA_ENV,
        "http://127.0.0.1:" + metadata.getAddress().getPort() + "/v4/abc");
    try (AgentProcess ecs = AgentProcess.start(env, "bind=127.0.0.1,port=0").awaitReady()) {
      TaskIdentity id = client.identity(ecs.base(), token());
      assertThat(id.taskId()).isEqualTo("158d1c8083dd49d6b527399fd6414f5c");
      assertThat(id.cluster()).contains("prod-eu");
      assertThat(id.service()).contains("orders-api");
      assertThatThrownBy(() -> client.open(ecs.base(), token(), DumpRequest.defaults()))
          .isInstanceOfSatisfying(
              HeapdumpClientException.class,
              e -> {
                assertThat(e.status()).isEqualTo(507);
                assertThat(e.error()).isEqualTo("insufficient_storage");
              });
    } finally {
      metadata.stop(0);
    }
  }

  @Test
  void theAgentNeverKeepsAnAppAliveNorTakesItDown() throws Exception {
    try (AgentProcess exits =
        AgentProcess.start(env("task-exit"), "bind=127.0.0.1,port=0", "exit")) {
      exits.awaitReady();
      assertThat(exits.process.waitFor(20, TimeUnit.SECONDS))
          .as("the JVM exits when main returns")
          .isTrue();
      assertThat(exits.process.exitValue()).isZero();
    }
    Map<String, String> noSecret = env("task-nosecret");
    noSecret.remove("HEAPFLEET_SECRET");
    try (AgentProcess broken = AgentProcess.start(noSecret, "port=0", "exit")) {
      assertThat(broken.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(broken.process.exitValue()).isZero();
      assertThat(broken.stderr()).contains("NOT running").contains("HEAPFLEET_SECRET");
    }
  }

  /** Dumps taken so far by the shared app: each one logs "dumpMs=" in its audit line. */
  private static long dumpsLogged() {
    return app.stderr().lines().filter(l -> l.contains("dumpMs=")).count();
  }

  private static void awaitNoTempFiles() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tempFiles() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(tempFiles()).isZero();
  }
}
