package io.heapfleet.cli;

import io.heapfleet.analysis.json.TrendDocument;
import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.cli.demo.CollectorApi;
import io.heapfleet.cli.demo.DemoFleet;
import io.heapfleet.cli.demo.DemoTask;
import io.heapfleet.cli.demo.DurationParser;
import io.heapfleet.cli.demo.FleetVerdict;
import io.heapfleet.cli.demo.NodeTask;
import io.heapfleet.cli.demo.ProjectLayout;
import io.heapfleet.cli.demo.TaskTrendVerdict;
import io.heapfleet.cli.demo.TrendOwnersJson;
import io.heapfleet.cli.report.LeakReport;
import io.heapfleet.cli.report.TaskReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code heapfleet demo}: heapfleet's main job on one machine, with no AWS account. Starts a small
 * fleet on 127.0.0.1 (see {@link DemoFleet}), shows the collector's progress, and after N rounds
 * prints which task leaks, how fast and what grows, with a Markdown report.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run a fleet in miniature on 127.0.0.1 and find its leaking task.",
    description = {
      "",
      "Starts three example task JVMs with the heapfleet agent (one leaks a little",
      "each interval, one fills a cache and then stays flat, one is quiet), a",
      "round-robin load balancer in front of them, an embedded S3 store in a local",
      "directory, and the collector with its dashboard. The collector pins each",
      "task through the load balancer, captures a dump from each once per interval,",
      "stores it in S3, and diffs and trends every task. After the last round the",
      "fleet verdict is printed: which task leaks, its growth in MiB/h, the top",
      "growing classes, and the path of the Markdown report.",
      "",
      "Progress goes to stderr; the verdict to stdout. Ctrl-C stops every process",
      "the demo started. Everything listens on 127.0.0.1 only.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet demo",
      "  heapfleet demo --rounds 4 --interval 5s --json",
      "  heapfleet demo --collectors 3        # three collectors share one queue",
      "  heapfleet demo --keep-running        # then open the dashboard URL it prints",
    })
final class DemoCommand implements Callable<Integer> {

  @Mixin VerboseOption verbose;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "6",
      description =
          "Capture rounds (one dump of every task each) before the verdict. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "15s",
      converter = DurationParser.class,
      description = "Time between two dumps of a task, e.g. 5s, 1m. Default: ${DEFAULT-VALUE}.")
  Duration interval;

  @Option(
      names = "--collectors",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Collector processes. Above 1 they share the fleet through a local SQS FIFO queue"
              + " (ElasticMQ) and the same S3, as in docs/scale.md: the first plans and works,"
              + " the others work; the demo says which collector took each capture and checks"
              + " that all show the same fleet. 1..8; default: ${DEFAULT-VALUE}.")
  int collectors;

  @Option(
      names = "--json",
      description = "Print the verdict as JSON on stdout (progress stays on stderr).")
  boolean json;

  @Option(
      names = "--keep-running",
      description =
          "After the verdict, keep the tasks, the collector and its dashboard running until"
              + " Ctrl-C.")
  boolean keepRunning;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:HEAPFLEET_DATA_DIR:-heapfleet-data}",
      description =
          "Where each run keeps its dumps, logs and report (a new demo-<time>/ per run;"
              + " `--local` of ls/download/report finds the newest). Default:"
              + " $HEAPFLEET_DATA_DIR, else heapfleet-data.")
  Path dataDir;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private static final DateTimeFormatter RUN_NAME =
      DateTimeFormatter.ofPattern("'demo-'yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  @Override
  public Integer call() throws Exception {
    if (rounds < 3 || rounds > 1000) {
      throw UserException.badInput(
          "--rounds must be 3..1000 (a trend needs three dumps), got " + rounds);
    }
    if (interval.compareTo(Duration.ofSeconds(2)) < 0
        || interval.compareTo(Duration.ofHours(1)) > 0) {
      throw UserException.badInput("--interval must be 2s..1h, got " + interval);
    }
    if (collectors < 1 || collectors > 8) {
      throw UserException.badInput("--collectors must be 1..8, got " + collectors);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProjectLayout layout = ProjectLayout.locate().requireBuilt();
    if (collectors > 1) {
      layout.requireLocalSqs();
    }
    Path runDir = dataDir.toAbsolutePath().normalize().resolve(RUN_NAME.format(Instant.now()));

    Optional<String> noNode = NodeTask.unavailable(layout);
    DemoFleet fleet =
        new DemoFleet(
            layout,
            new DemoFleet.Settings(runDir, interval, verbose.verbose, noNode.isEmpty(), collectors),
            err);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              fleet.close();
              stopped.countDown();
            },
            "heapfleet-demo-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Instant started = Instant.now();
    try {
      noNode.ifPresent(
          why -> err.println("demo: no Node.js task (" + why + "); running the JVM fleet"));
      err.println(
          "demo: starting "
              + (noNode.isEmpty() ? "3 JVM tasks and a Node.js task" : "3 tasks")
              + ", a load balancer, embedded S3 and "
              + (collectors == 1
                  ? "the collector"
                  : "a local SQS queue with " + collectors + " collectors")
              + " (run dir "
              + runDir
              + ")");
      err.flush();
      fleet.start();
      int idWidth = fleet.tasks().stream().mapToInt(t -> t.taskId().length()).max().orElse(10);
      for (DemoTask t : fleet.tasks()) {
        err.printf(
            Locale.ROOT,
            "demo:   %-" + Math.max(10, idWidth) + "s LEAK_MODE=%-8s %s%n",
            t.taskId(),
            t.leakMode(),
            t.description());
      }
      waitUntilReady(fleet, err);
      QueueDemo.awaitReady(fleet, err);
      err.println("demo: dashboard: " + fleet.dashboardUri());
      err.printf(
          Locale.ROOT,
          "demo: capturing every task every %s for %d rounds (about %s)%n",
          Format.duration(interval),
          rounds,
          Format.duration(interval.multipliedBy(rounds)));
      err.flush();
      List<CollectorApi.Task> last = awaitRounds(fleet, err, started);
      awaitOwners(fleet, last, err);
      QueueDemo.reportSpreadAndFleets(fleet, err);
      FleetVerdict verdict = verdict(fleet, last, runDir);
      if (json) {
        out.println(verdict.toJson());
      } else {
        out.println();
        out.print(verdict.toText());
        out.println(
            "Dashboard: "
                + fleet.dashboardUri()
                + (keepRunning ? "" : " (stopped with the demo; use --keep-running to keep it)"));
      }
      out.flush();
      if (keepRunning) {
        err.println(
            "demo: the tasks, the collector and the dashboard keep running at "
                + fleet.dashboardUri()
                + "; press Ctrl-C to stop them all");
        err.flush();
        stopped.await();
      }
      return ExitCode.OK;
    } finally {
      fleet.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutting down already: the hook is running.
      }
    }
  }

  private void waitUntilReady(DemoFleet fleet, PrintWriter err) throws InterruptedException {
    CollectorApi api = fleet.api();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    err.println("demo: waiting for the collector at " + api.base() + " …");
    err.flush();
    while (!api.ready()) {
      failIfDead(fleet);
      if (System.nanoTime() > deadline) {
        throw UserException.failure(
            "the collector did not become ready within 120 s (health: "
                + api.lastHealth()
                + "); see "
                + logOf(fleet, "collector"),
            null);
      }
      Thread.sleep(500);
    }
  }

  private List<CollectorApi.Task> awaitRounds(DemoFleet fleet, PrintWriter err, Instant started)
      throws IOException, InterruptedException {
    CollectorApi api = fleet.api();
    // Generous: a slow machine may take several times the interval per round.
    Duration budget = interval.multipliedBy(rounds * 3L).plus(Duration.ofSeconds(120));
    long deadline = System.nanoTime() + budget.toNanos();
    int shownRound = 0;
    int shownTasks = -1;
    Map<String, String> shownFailures = new HashMap<>();
    int expected = fleet.tasks().size();
    while (true) {
      failIfDead(fleet);
      fleet.replicas().ifPresent(r -> r.reportCaptures(err));
      List<CollectorApi.Task> tasks;
      try {
        tasks = api.tasks();
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(1000);
        continue;
      }
      if (tasks.size() != shownTasks) {
        shownTasks = tasks.size();
        err.printf(
            Locale.ROOT,
            "demo: collector sees %d of %d tasks through the load balancer%n",
            shownTasks,
            expected);
      }
      for (CollectorApi.Task t : tasks) {
        if ("failed".equalsIgnoreCase(t.lastOutcome())
            || "failure".equalsIgnoreCase(t.lastOutcome())) {
          String m = String.valueOf(t.lastMessage());
          if (!m.equals(shownFailures.put(t.taskId(), m))) {
            err.println(
                "demo: capture of " + t.taskId() + " failed: " + m + " (the collector retries)");
          }
        }
      }
      int round =
          tasks.size() < expected
              ? 0
              : tasks.stream().mapToInt(CollectorApi.Task::snapshots).min().orElse(0);
      int captures = tasks.stream().mapToInt(CollectorApi.Task::snapshots).sum();
      if (round > shownRound) {
        shownRound = round;
        err.printf(
            Locale.ROOT,
            "demo: round %d/%d · %d captures · %s stored · %s elapsed%n",
            Math.min(round, rounds),
            rounds,
            captures,
            Format.bytes(storedBytes(fleet)),
            Format.duration(Duration.between(started, Instant.now())));
      }
      err.flush();
      if (round >= rounds) {
        return tasks;
      }
      if (System.nanoTime() > deadline) {
        throw UserException.failure(
            "only "
                + round
                + " of "
                + rounds
                + " rounds completed within "
                + Format.duration(budget)
                + "; see "
                + logOf(fleet, "collector"),
            null);
      }
      Thread.sleep(1000);
    }
  }

  private FleetVerdict verdict(DemoFleet fleet, List<CollectorApi.Task> tasks, Path runDir)
      throws IOException, InterruptedException {
    CollectorApi api = fleet.api();
    List<FleetVerdict.TaskVerdict> verdicts = new ArrayList<>();
    Map<String, TrendDocument> trends = new HashMap<>();
    for (CollectorApi.Task t : tasks) {
      TrendDocument trend = api.trend(t.taskId()).orElse(null);
      if (trend != null) {
        trends.put(t.taskId(), trend);
      }
      verdicts.add(TaskTrendVerdict.of(t, trend));
    }
    FleetVerdict draft = new FleetVerdict(verdicts, null);
    // The report is about the task that grows fastest (the leaking one when there is one).
    String subject = draft.tasks().get(0).task();
    Path report = runDir.resolve("report-" + subject + ".md");
    LeakReport facts =
        TaskReport.writeFromStore(
            fleet.s3().settings().withPrefix(DemoFleet.S3_PREFIX).withPathStyle(true),
            subject,
            "--local " + fleet.s3().directory(),
            report);
    // What grows fastest is often a JDK type (byte[] inside a Cart); the class to fix is the
    // application class that holds it, as the report's retainer analysis measured.
    // The collector's deep analysis gives the owners in the trend (suspects' owner/path); until it
    // has finished, the report's retainer paths stand in for the task the report is about.
    List<FleetVerdict.TaskVerdict> named = new ArrayList<>();
    for (FleetVerdict.TaskVerdict v : verdicts) {
      TrendDocument trend = trends.get(v.task());
      List<GrowingOwner> owners =
          trend == null || !v.leaking()
              ? List.of()
              : TrendOwnersJson.rank(
                  trend, v.task().equals(subject) ? facts.retainerPaths() : List.of());
      if (!owners.isEmpty()) {
        v = v.withOwner(owners.get(0).owner(), TrendOwnersJson.line(owners.get(0)));
      } else if (v.task().equals(subject) && v.topSuspect() != null) {
        String top = v.topSuspect();
        String owner =
            facts.retainerPaths().stream()
                .filter(p -> p.className().equals(top))
                .findFirst()
                .flatMap(LeakReport.RetainerPath::owner)
                .filter(o -> !o.equals(top) && !FleetVerdict.isPlatformClass(o))
                .orElse(null);
        if (owner != null && FleetVerdict.isPlatformClass(top)) {
          v = v.withTopSuspect(owner, top + " held by " + owner);
        }
      }
      named.add(v);
    }
    return new FleetVerdict(named, report);
  }

  /**
   * Waits (a bounded while) until the collector's deep analysis has named an owner in the trend of
   * every leaking task, so the verdict can name it: the analyses run one at a time in the
   * background, and the last round's may still be running.
   */
  private void awaitOwners(DemoFleet fleet, List<CollectorApi.Task> tasks, PrintWriter err)
      throws IOException, InterruptedException {
    CollectorApi api = fleet.api();
    long deadline = System.nanoTime() + OWNER_WAIT.toNanos();
    List<String> waiting =
        tasks.stream()
            .filter(t -> "leaking".equals(t.assessment()))
            .map(CollectorApi.Task::taskId)
            .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    boolean told = false;
    while (!waiting.isEmpty() && System.nanoTime() < deadline) {
      for (java.util.Iterator<String> it = waiting.iterator(); it.hasNext(); ) {
        TrendDocument trend = api.trend(it.next()).orElse(null);
        if (trend == null || !trend.owners().isEmpty()) {
          it.remove();
        }
      }
      if (!waiting.isEmpty()) {
        if (!told) {
          err.println("demo: waiting for the deep analysis of " + String.join(", ", waiting));
          err.flush();
          told = true;
        }
        Thread.sleep(1000);
      }
    }
  }

  private static final Duration OWNER_WAIT = Duration.ofSeconds(60);

  private static void failIfDead(DemoFleet fleet) {
    var dead = fleet.firstDead();
    if (dead != null) {
      throw UserException.failure(
          dead.name()
              + " (pid "
              + dead.pid()
              + ") exited with code "
              + dead.process().exitValue()
              + "; see "
              + dead.log(),
          null);
    }
  }

  private static Path logOf(DemoFleet fleet, String name) {
    return fleet.children().children().stream()
        .filter(c -> c.name().equals(name) || c.name().equals(name + "-1"))
        .map(c -> c.log())
        .findFirst()
        .orElse(null);
  }

  private static long storedBytes(DemoFleet fleet) {
    Path dir = fleet.s3().directory();
    if (dir == null || !Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException | RuntimeException e) {
      return 0; // files come and go while the collector writes; progress is best effort
    }
  }
}
