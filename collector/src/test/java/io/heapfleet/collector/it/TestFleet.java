package io.heapfleet.collector.it;

import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.storage.EmbeddedS3;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet the collector under test watches, started before Quarkus: an in-process S3 (S3Proxy on
 * 127.0.0.1, filesystem store in a temp dir) and three {@code examples/leaky-app} JVMs with the
 * real agent, each its own service: {@code leaky-1} leaks {@code com.acme.cart.Cart}s fast, {@code
 * quiet-1} only makes garbage, {@code plateau-1} fills a bounded cache and then stays flat. The
 * collector uses static discovery and on-demand captures only (the test drives the rounds).
 */
public class TestFleet implements QuarkusTestResourceLifecycleManager {
  public static final String API_TOKEN = "test-api-token-7f3c";
  public static final String BUCKET = "heapfleet";

  /** The task ids (the test runs in another class loader than this resource: share constants). */
  public static final List<String> TASK_IDS = List.of("leaky-1", "quiet-1", "plateau-1");

  static final Map<String, TaskJvm> TASKS = new LinkedHashMap<>();
  static EmbeddedS3 s3;
  static Path dir;

  /** Where the collector's deep analysis downloads dumps (shared with the test via a property). */
  public static final String DEEP_DIR_PROPERTY = "heapfleet.test.deep-dir";

  @Override
  public Map<String, String> start() {
    try {
      dir = Files.createTempDirectory("collector-it");
      s3 = EmbeddedS3.filesystem(dir.resolve("s3"), BUCKET);
      Path secret = dir.resolve("secret");
      Files.writeString(secret, TaskJvm.SECRET + "\n");
      List<TaskJvm> started = new ArrayList<>();
      // Real example tasks (examples/leaky-app) with the agent, -Xmx64m each.
      started.add(
          leakyApp("leaky-1", "leak")
              // 64 KiB retained every 250 ms: clearly growing between rounds a second apart,
              // and far from the app's cap (60% of the heap) for the whole test.
              .env("LEAK_RATE_KB", "64")
              .env("LEAK_INTERVAL_MS", "250")
              .start());
      started.add(leakyApp("quiet-1", "quiet").start());
      // A cache that fills in about a second, then stays full: grown, but not a leak.
      started.add(
          leakyApp("plateau-1", "plateau")
              .env("LEAK_RATE_KB", "32")
              .env("LEAK_INTERVAL_MS", "50")
              .env("PLATEAU_ENTRIES", "16")
              .start());
      started.forEach(t -> TASKS.put(t.taskId(), t));
      // The trend of a JVM one second old would include its own start-up (see TaskJvm.warmUp).
      for (TaskJvm t : started) {
        t.warmUp(2);
      }
      // The SDK's default credential chain reads these (the collector has no credential config:
      // on AWS it uses the task role).
      System.setProperty("aws.accessKeyId", s3.accessKey());
      System.setProperty("aws.secretAccessKey", s3.secretKey());
      System.setProperty("heapfleet.test.s3.endpoint", s3.endpoint().toString());
      System.setProperty("heapfleet.test.s3.region", s3.region());
      System.setProperty(DEEP_DIR_PROPERTY, dir.resolve("deep").toString());
      Map<String, String> config = new LinkedHashMap<>();
      config.put("heapfleet.collector.s3.bucket", BUCKET);
      config.put("heapfleet.collector.s3.endpoint-override", s3.endpoint().toString());
      config.put("heapfleet.collector.s3.region", s3.region());
      config.put("heapfleet.collector.s3.path-style", "true");
      config.put("heapfleet.collector.s3.part-size", Integer.toString(5 << 20));
      config.put("heapfleet.collector.discovery.mode", "static");
      // Outside ECS the agents do not know their service: say it per URL.
      TASKS.forEach(
          (id, t) ->
              config.put(
                  "heapfleet.collector.discovery.static-targets.services." + service(id),
                  t.base().toString()));
      config.put("heapfleet.collector.discovery.static-targets.cluster", "it");
      config.put("heapfleet.collector.schedule.enabled", "false");
      config.put("heapfleet.collector.schedule.tick", "1s");
      config.put("heapfleet.collector.schedule.jitter", "0s");
      config.put("heapfleet.collector.token.secret-file", secret.toString());
      config.put("heapfleet.collector.api.token", API_TOKEN);
      // The deep analysis of the leaking task: its downloads and spill files go here (the test
      // checks that nothing is left behind).
      config.put("heapfleet.collector.deep.temp-dir", dir.resolve("deep").toString());
      config.put("quarkus.http.test-port", "0");
      return config;
    } catch (Exception e) {
      stop();
      throw new IllegalStateException("cannot start the test fleet: " + e.getMessage(), e);
    }
  }

  /** {@code leaky-1} is in service {@code leaky}. */
  static String service(String taskId) {
    return taskId.substring(0, taskId.indexOf('-'));
  }

  private static TaskJvm.Builder leakyApp(String taskId, String mode) {
    // Captures 1.5 s apart stand for captures half an hour apart; the agent's HTTP server keeps a
    // finished capture's idle connection (and its buffers) for 30 s, so between real captures it
    // is gone. Forgetting it within a second keeps it out of the next dump here too, or a quiet
    // task's dumps would grow by one connection per capture.
    return TaskJvm.task(taskId)
        .leakyApp()
        .env("LEAK_MODE", mode)
        .jvmOption("-Dsun.net.httpserver.idleInterval=1")
        .jvmOption("-Dsun.net.httpserver.clockTick=200");
  }

  @Override
  public void stop() {
    TASKS.values().forEach(TaskJvm::close);
    if (s3 != null) {
      s3.close();
    }
  }
}
