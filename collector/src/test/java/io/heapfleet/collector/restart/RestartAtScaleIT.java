package io.heapfleet.collector.restart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassStats;
import io.heapfleet.analysis.histogram.SizeModel;
import io.heapfleet.analysis.json.AnalysisJson;
import io.heapfleet.collector.discovery.EcsStubAccess;
import io.heapfleet.storage.DumpFormat;
import io.heapfleet.storage.DumpKey;
import io.heapfleet.storage.DumpMetadata;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.S3Clients;
import io.heapfleet.storage.TaskRef;
import io.heapfleet.testsupport.ChildProcess;
import io.heapfleet.testsupport.JavaCommand;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A restart at scale: a bucket holding 20,000 ended tasks (index marker and dump each) and three
 * live ones, and the packaged collector ({@code quarkus-run.jar}) started in a child JVM with
 * {@code -Xmx256m}, discovering the live tasks through the ECS stub. It must be ready long before
 * its background restore has gone through the markers, restore the live tasks first (in full, with
 * their heap figures), then every ended one, without running out of memory.
 */
class RestartAtScaleIT {
  private static final int STALE_TASKS = 20_000;
  private static final String PREFIX = "heapdumps";
  private static final List<String> LIVE = List.of("live-a", "live-b", "live-c");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void readyAtOnceLiveTasksFirstThenTwentyThousandEndedOnesAtXmx256m() throws Exception {
    Path jar =
        Path.of(
            System.getProperty("heapfleet.collector.jar", "target/quarkus-app/quarkus-run.jar"));
    assertThat(jar).as("the packaged collector (mvn package)").exists();
    try (EmbeddedS3 s3 = EmbeddedS3.filesystem(dir.resolve("s3"), "heapfleet");
        DumpStore store = DumpStore.create(s3.settings().withPrefix(PREFIX));
        EcsStubAccess ecs = new EcsStubAccess()) {
      long fillStart = System.nanoTime();
      writeStaleTasks(s3);
      for (String id : LIVE) {
        TaskRef task = new TaskRef("prod", "orders", id);
        for (int i = 3; i >= 1; i--) {
          storeDump(store, task, Instant.now().minus(Duration.ofHours(i)), 100_000_000L * (4 - i));
        }
      }
      System.out.printf(
          "bucket filled: %d ended + %d live tasks in %d ms%n",
          STALE_TASKS, LIVE.size(), (System.nanoTime() - fillStart) / 1_000_000);
      Map<String, String> live = new LinkedHashMap<>();
      LIVE.forEach(id -> live.put(id, "orders"));
      ecs.tasks("prod", live);

      int port = freePort();
      Path secret = dir.resolve("secret");
      Files.writeString(secret, "restart-test-secret-0123456789abcdef");
      JavaCommand cmd = JavaCommand.withHeap("256m").options("-XX:+ExitOnOutOfMemoryError");
      Map<String, String> props = new LinkedHashMap<>();
      props.put("quarkus.http.host", "127.0.0.1");
      props.put("quarkus.http.port", Integer.toString(port));
      int managementPort = freePort();
      props.put("quarkus.management.host", "127.0.0.1");
      props.put("quarkus.management.port", Integer.toString(managementPort));
      // The restore's progress is a health detail.
      props.put("heapfleet.collector.health.details", "true");
      props.put("heapfleet.collector.api.auth-enabled", "false");
      props.put("heapfleet.collector.discovery.mode", "ecs");
      props.put("heapfleet.collector.discovery.ecs.cluster", "prod");
      props.put("heapfleet.collector.discovery.ecs.services", "orders");
      props.put("heapfleet.collector.discovery.ecs.region", "eu-west-1");
      props.put("heapfleet.collector.discovery.ecs.endpoint-override", ecs.endpoint().toString());
      props.put("heapfleet.collector.schedule.enabled", "false");
      props.put("heapfleet.collector.retention.enabled", "false");
      props.put("heapfleet.collector.s3.bucket", s3.bucket());
      props.put("heapfleet.collector.s3.prefix", PREFIX);
      props.put("heapfleet.collector.s3.endpoint-override", s3.endpoint().toString());
      props.put("heapfleet.collector.s3.region", s3.region());
      props.put("heapfleet.collector.s3.path-style", "true");
      props.put("heapfleet.collector.token.secret-file", secret.toString());
      props.forEach((k, v) -> cmd.options("-D" + k + "=" + v));
      cmd.jar(jar.toAbsolutePath());
      Path log = Path.of("target", "restart-at-scale-collector.log");
      Files.deleteIfExists(log);
      long t0 = System.nanoTime();
      try (ChildProcess child =
          cmd.process("collector")
              .env("AWS_ACCESS_KEY_ID", s3.accessKey())
              .env("AWS_SECRET_ACCESS_KEY", s3.secretKey())
              .env("AWS_REGION", s3.region())
              .logTo(log)
              .start()) {
        Process collector = child.process();
        HttpClient http = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + port);
        URI management = URI.create("http://127.0.0.1:" + managementPort);

        JsonNode restoreAtReady = null;
        while (restoreAtReady == null) {
          assertThat(collector.isAlive()).as("collector running (see %s)", log).isTrue();
          assertThat(millisSince(t0)).as("ready within 60 s").isLessThan(60_000);
          HttpResponse<String> r = get(http, management.resolve("/q/health/ready"));
          if (r != null && r.statusCode() == 200) {
            restoreAtReady = restoreCheck(JSON.readTree(r.body()));
          } else {
            Thread.sleep(100);
          }
        }
        long readyMillis = millisSince(t0);
        System.out.printf("ready after %d ms, restore then: %s%n", readyMillis, restoreAtReady);
        // Serving does not wait for the restore: 20,000 markers are far from read.
        assertThat(restoreAtReady.path("phase").asText()).isIn("waiting", "live", "ended");
        assertThat(restoreAtReady.path("markersSeen").asInt()).isLessThan(STALE_TASKS);

        // Live tasks first: once the ended tasks are being read, all live ones are restored.
        JsonNode status = restoreAtReady;
        boolean checkedLiveFirst = false;
        while (!status.path("phase").asText().equals("done")) {
          assertThat(collector.isAlive()).as("collector running (see %s)", log).isTrue();
          assertThat(status.path("phase").asText()).isNotEqualTo("failed");
          assertThat(millisSince(t0)).as("restore within 10 minutes").isLessThan(600_000);
          if (!checkedLiveFirst && !status.path("phase").asText().matches("waiting|live")) {
            assertThat(status.path("liveTotal").asInt()).isEqualTo(LIVE.size());
            assertThat(status.path("liveRestored").asInt()).isEqualTo(LIVE.size());
            assertThat(status.path("markersSeen").asInt()).isLessThan(STALE_TASKS);
            JsonNode liveTask = JSON.readTree(get(http, base.resolve("/api/tasks/live-b")).body());
            assertThat(liveTask.path("snapshots").asInt()).isEqualTo(3);
            assertThat(liveTask.path("heapUsedBytes").asLong()).isEqualTo(300_000_000L);
            checkedLiveFirst = true;
          }
          Thread.sleep(200);
          HttpResponse<String> r = get(http, management.resolve("/q/health/ready"));
          status = restoreCheck(JSON.readTree(r.body()));
        }
        long doneMillis = millisSince(t0);
        assertThat(checkedLiveFirst).as("the restore was seen reading ended tasks").isTrue();
        assertThat(status.path("endedRestored").asInt()).isEqualTo(STALE_TASKS);
        assertThat(status.path("markersSeen").asInt()).isEqualTo(STALE_TASKS + LIVE.size());

        HttpResponse<String> all = get(http, base.resolve("/api/tasks"));
        assertThat(JSON.readTree(all.body()).size()).isEqualTo(STALE_TASKS + LIVE.size());
        // An ended task's trend is read from S3 when it is opened.
        JsonNode ended = JSON.readTree(get(http, base.resolve("/api/tasks/stale-00042")).body());
        assertThat(ended.path("live").asBoolean()).isFalse();
        assertThat(ended.path("snapshots").asInt()).isEqualTo(1);
        assertThat(collector.isAlive()).isTrue();
        System.out.printf(
            "restore done after %d ms (ready at %d ms); collector peak RSS %s%n",
            doneMillis, readyMillis, peakRss(collector.pid()));
      }
    }
  }

  /** 20,000 ended tasks, each an index marker and a small dump, written in parallel. */
  private static void writeStaleTasks(EmbeddedS3 s3) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (S3Client client = S3Clients.create(s3.settings())) {
      Instant at = Instant.parse("2026-10-01T00:00:00Z");
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < STALE_TASKS; i++) {
        String id = String.format("stale-%05d", i);
        DumpKey key =
            new DumpKey(new TaskRef("prod", "orders", id), at.plusSeconds(i), DumpFormat.GZIP);
        done.add(
            pool.submit(
                () -> {
                  byte[] dump = ("dump " + id).getBytes(StandardCharsets.UTF_8);
                  client.putObject(
                      b -> b.bucket(s3.bucket()).key(key.toKey(PREFIX)),
                      RequestBody.fromBytes(dump));
                  // The marker as DumpStore writes it: the task path, then one line per dump.
                  String marker =
                      key.task().path()
                          + "\n"
                          + key.fileName()
                          + " heapfleet-size="
                          + dump.length
                          + "\n";
                  client.putObject(
                      b ->
                          b.bucket(s3.bucket())
                              .key(PREFIX + "/" + DumpStore.TASKS_INDEX + "/" + id),
                      RequestBody.fromString(marker));
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void storeDump(DumpStore store, TaskRef task, Instant at, long heap)
      throws Exception {
    DumpKey key = new DumpKey(task, at, DumpFormat.GZIP);
    store.upload(
        key,
        new ByteArrayInputStream(("dump of " + task.taskId()).getBytes(StandardCharsets.UTF_8)),
        new DumpMetadata("17.0.12", heap, -1, null));
    ClassHistogram h =
        new ClassHistogram(
            at,
            8,
            heap / 40,
            heap,
            1,
            List.of(new ClassStats("com.example.Order", heap / 40, heap)),
            List.of(),
            SizeModel.COMPRESSED_OOPS);
    store.putSummary(key, AnalysisJson.histogramToString(h));
  }

  private static JsonNode restoreCheck(JsonNode health) {
    for (JsonNode check : health.path("checks")) {
      if ("restore".equals(check.path("name").asText())) {
        return check.path("data");
      }
    }
    throw new AssertionError("no restore check in " + health);
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) {
    try {
      return http.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      return null; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static String peakRss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring("VmHWM:".length()).strip();
        }
      }
    } catch (java.io.IOException e) {
      // not Linux
    }
    return "unknown";
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
