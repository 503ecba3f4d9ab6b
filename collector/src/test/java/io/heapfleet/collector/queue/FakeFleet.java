package io.heapfleet.collector.queue;

import io.heapfleet.auth.Secret;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.endpoint.EndpointSettings;
import io.heapfleet.endpoint.HeapDumper;
import io.heapfleet.endpoint.HeapdumpEndpoint;
import io.heapfleet.endpoint.TaskIdentity;
import io.heapfleet.endpoint.agent.AgentServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cheap fake tasks: the real {@code /heapdump} endpoint (agent server, proofs, tokens) on 127.0.0.1
 * per task, whose dumper "pauses" for a while and then hands out a prebuilt real dump. Each
 * endpoint logs its dumps, so a test can read from the endpoints themselves how many captures of
 * one service ran at once and how often each task was dumped.
 */
final class FakeFleet implements AutoCloseable {

  /** The endpoints' own log: dumps per task, dumps in progress and the most at once per service. */
  static final class DumpLog {
    private final Map<String, AtomicInteger> perTask = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxAtOnce = new ConcurrentHashMap<>();

    void started(String service, String taskId) {
      perTask.computeIfAbsent(taskId, k -> new AtomicInteger()).incrementAndGet();
      int now = inProgress.computeIfAbsent(service, k -> new AtomicInteger()).incrementAndGet();
      maxAtOnce.computeIfAbsent(service, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
    }

    void ended(String service) {
      inProgress.get(service).decrementAndGet();
    }

    int dumps(String taskId) {
      AtomicInteger n = perTask.get(taskId);
      return n == null ? 0 : n.get();
    }

    int total() {
      return perTask.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The most dumps of one service that were in progress at once. */
    Map<String, Integer> maxAtOnce() {
      Map<String, Integer> out = new java.util.TreeMap<>();
      maxAtOnce.forEach((k, v) -> out.put(k, v.get()));
      return out;
    }
  }

  static final String CLUSTER = "prod";

  private final List<AgentServer> servers = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();
  final DumpLog log = new DumpLog();

  /**
   * Starts {@code services} × {@code tasksPerService} endpoints serving {@code dump}, each dump
   * pausing for {@code pause}.
   */
  FakeFleet(int services, int tasksPerService, Path dump, Duration pause, Path tmp)
      throws IOException {
    for (int s = 0; s < services; s++) {
      for (int i = 0; i < tasksPerService; i++) {
        String service = "svc-" + s;
        String taskId = String.format("task-%02d-%02d", s, i);
        targets.add(start(service, taskId, dump, pause, tmp));
      }
    }
  }

  /** One more endpoint (e.g. behind a slow link), with the same log. */
  Target start(String service, String taskId, Path dump, Duration pause, Path tmp)
      throws IOException {
    EndpointSettings settings =
        EndpointSettings.builder(Secret.of(TaskJvm.SECRET, false))
            .tempDir(tmp)
            .minInterval(Duration.ZERO)
            .diskReserve(0)
            .build();
    TaskIdentity identity =
        new TaskIdentity(taskId, null, CLUSTER, service, null, null, null, "JVM");
    HeapDumper dumper =
        (file, live) -> {
          log.started(service, taskId);
          try {
            Thread.sleep(pause.toMillis());
            Files.copy(dump, file);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          } finally {
            log.ended(service);
          }
        };
    AgentServer server =
        AgentServer.start(
            HeapdumpEndpoint.builder(settings, identity).dumper(dumper).build(), "127.0.0.1", 0);
    servers.add(server);
    return new Target(
        taskId, CLUSTER, service, URI.create("http://127.0.0.1:" + server.port()), false);
  }

  List<Target> targets() {
    return List.copyOf(targets);
  }

  @Override
  public void close() {
    servers.forEach(AgentServer::close);
  }
}
