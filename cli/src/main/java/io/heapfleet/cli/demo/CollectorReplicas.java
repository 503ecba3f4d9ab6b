package io.heapfleet.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo with several collectors ({@code demo --collectors N}): a local SQS and N collector
 * processes that share the fleet through its FIFO capture queue and the one embedded S3, as {@code
 * docs/scale.md} describes. The first collector plans and works (role {@code both}); the others
 * only work. The demo reads its progress and verdict from the first; this class says which
 * collector took each capture (from the collectors' own log lines) and whether every collector's
 * {@code /api/fleet} shows the same fleet. Not thread-safe.
 */
public final class CollectorReplicas {
  /** One collector process: its name in the output, its queue role and its API. */
  public record Replica(String name, String role, CollectorApi api, ChildProcesses.Child child) {}

  /** A capture a collector stored, as its worker logged it. */
  public record Capture(String collector, String taskId, long bytes, long millis) {}

  /** Starts one collector process with the demo's settings plus {@code queueProps}. */
  @FunctionalInterface
  interface Launcher {
    ChildProcesses.Child start(
        String name, int port, int managementPort, Map<String, String> queueProps)
        throws IOException;
  }

  /** The worker's line for a stored capture ({@code QueueWorker}): task, service, bytes, ms. */
  private static final Pattern CAPTURED =
      Pattern.compile("captured (\\S+) \\((\\S+)\\): (\\d+) bytes in (\\d+) ms");

  /** How long the collectors may take to agree after the last round (they catch up from S3). */
  private static final Duration AGREE_TIMEOUT = Duration.ofSeconds(45);

  private final LocalSqsProcess sqs;
  private final List<Replica> replicas;
  private final List<LogTail> logs = new ArrayList<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();

  private CollectorReplicas(LocalSqsProcess sqs, List<Replica> replicas) {
    this.sqs = sqs;
    this.replicas = List.copyOf(replicas);
    for (Replica r : replicas) {
      logs.add(new LogTail(r.child().log()));
      counts.put(r.name(), 0);
    }
  }

  /**
   * Starts the local SQS, then {@code count} collectors on it.
   *
   * @param interval the demo's capture interval (a failed capture is offered again after it)
   * @param apiToken the run's API token, for the {@link CollectorApi} of each collector
   */
  static CollectorReplicas start(
      int count,
      Duration interval,
      ChildProcesses children,
      ProjectLayout layout,
      Path logs,
      String apiToken,
      Launcher launcher)
      throws IOException {
    if (count < 2) {
      throw new IllegalArgumentException("several collectors means 2 or more, got " + count);
    }
    LocalSqsProcess sqs = LocalSqsProcess.start(children, layout, logs, 5);
    List<Replica> replicas = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      String name = "collector-" + i;
      // One planner is enough; a second one would be harmless (docs/scale.md) but costs the
      // 2-core machine another discovery and planning loop.
      String role = i == 1 ? "both" : "worker";
      int port = FreePorts.pick();
      int managementPort = FreePorts.pick();
      ChildProcesses.Child c =
          launcher.start(name, port, managementPort, queueProps(role, sqs, count, interval));
      replicas.add(
          new Replica(
              name,
              role,
              new CollectorApi(
                  URI.create("http://127.0.0.1:" + port),
                  URI.create("http://127.0.0.1:" + managementPort),
                  apiToken),
              c));
    }
    return new CollectorReplicas(sqs, replicas);
  }

  /** The {@code heapfleet.collector.queue.*} settings of one collector. */
  static Map<String, String> queueProps(
      String role, LocalSqsProcess sqs, int count, Duration interval) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("heapfleet.collector.queue.role", role);
    p.put("heapfleet.collector.queue.url", sqs.queueUrl());
    p.put("heapfleet.collector.queue.endpoint-override", sqs.endpoint().toString());
    p.put("heapfleet.collector.queue.region", "us-east-1");
    // k message groups for the one service: up to one capture per collector at once.
    p.put("heapfleet.collector.queue.per-service", Integer.toString(count));
    p.put("heapfleet.collector.queue.concurrency", "1");
    // The demo's intervals are seconds, not minutes: plan, poll and catch up at that pace.
    p.put("heapfleet.collector.queue.plan-every", "PT1S");
    p.put("heapfleet.collector.queue.poll-wait", "PT5S");
    p.put("heapfleet.collector.queue.visibility", "PT30S");
    p.put("heapfleet.collector.queue.retry-delay", interval.toString());
    p.put("heapfleet.collector.queue.state-refresh", "PT2S");
    return p;
  }

  /** Every collector, the first (the one the demo reads) first. */
  public List<Replica> replicas() {
    return replicas;
  }

  public Replica first() {
    return replicas.get(0);
  }

  /** The local SQS's endpoint. */
  public URI sqsEndpoint() {
    return sqs.endpoint();
  }

  public String queueUrl() {
    return sqs.queueUrl();
  }

  /** Waits until every collector after the first is ready too. */
  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Replica r : replicas) {
      while (!r.api().ready()) {
        if (!r.child().process().isAlive() || System.nanoTime() > deadline) {
          throw new IOException(
              r.name()
                  + " did not become ready (health: "
                  + r.api().lastHealth()
                  + "); see "
                  + r.child().log());
        }
        Thread.sleep(500);
      }
    }
  }

  /** The captures logged since the last call, in each collector's log order. */
  public List<Capture> newCaptures() {
    List<Capture> out = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      String name = replicas.get(i).name();
      List<String> lines;
      try {
        lines = logs.get(i).newLines();
      } catch (IOException e) {
        continue; // progress is best effort; the next call reads on from the same offset
      }
      for (String line : lines) {
        Matcher m = CAPTURED.matcher(line);
        if (m.find()) {
          out.add(
              new Capture(
                  name, m.group(1), Long.parseLong(m.group(3)), Long.parseLong(m.group(4))));
          counts.merge(name, 1, Integer::sum);
        }
      }
    }
    return out;
  }

  /** Prints one line per capture logged since the last call. */
  public void reportCaptures(PrintWriter err) {
    for (Capture c : newCaptures()) {
      err.printf(
          Locale.ROOT,
          "demo:   %s captured by %s (%.1f MB in %.1f s)%n",
          c.taskId(),
          c.collector(),
          c.bytes() / 1_048_576.0,
          c.millis() / 1000.0);
    }
  }

  /** Captures per collector so far, in collector order. */
  public Map<String, Integer> capturesByCollector() {
    return Map.copyOf(counts);
  }

  /** How many collectors stored at least one capture. */
  public int collectorsThatCaptured() {
    return (int) counts.values().stream().filter(n -> n > 0).count();
  }

  /** "collector-1 (both) 4, collector-2 (worker) 5, …". */
  public String spread() {
    StringJoiner j = new StringJoiner(", ");
    for (Replica r : replicas) {
      j.add(r.name() + " (" + r.role() + ") " + counts.getOrDefault(r.name(), 0));
    }
    return j.toString();
  }

  /**
   * Reads {@code /api/fleet} of every collector until all show the same fleet (live tasks, which
   * leak, how many are stable, inconclusive or unknown), for at most 45 s; returns that fleet in
   * words, or empty with {@code differences} filled with each collector's view.
   */
  public Optional<String> sameFleet(List<String> differences) throws InterruptedException {
    long deadline = System.nanoTime() + AGREE_TIMEOUT.toNanos();
    while (true) {
      List<String> views = new ArrayList<>();
      for (Replica r : replicas) {
        try {
          views.add(r.api().fleet().map(CollectorReplicas::describe).orElse("no fleet"));
        } catch (IOException e) {
          views.add("unreadable: " + e.getMessage());
        }
      }
      if (views.stream().distinct().count() == 1 && !views.get(0).startsWith("unreadable")) {
        return Optional.of(views.get(0));
      }
      if (System.nanoTime() > deadline) {
        differences.clear();
        for (int i = 0; i < replicas.size(); i++) {
          differences.add(replicas.get(i).name() + ": " + views.get(i));
        }
        return Optional.empty();
      }
      Thread.sleep(1000);
    }
  }

  /** A collector's {@code /api/fleet} without what differs by process (discovery times). */
  static String describe(JsonNode fleet) {
    List<String> leaking = new ArrayList<>();
    for (JsonNode t : fleet.path("leaking")) {
      leaking.add(t.path("taskId").asText());
    }
    return String.format(
        Locale.ROOT,
        "%d live tasks: %d leaking%s, %d stable, %d inconclusive, %d unknown",
        fleet.path("liveTasks").asInt(),
        leaking.size(),
        leaking.isEmpty() ? "" : " (" + String.join(", ", leaking) + ")",
        fleet.path("stable").asInt(),
        fleet.path("inconclusive").asInt(),
        fleet.path("unknown").asInt());
  }
}
