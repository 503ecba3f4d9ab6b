package io.heapfleet.cli;

import io.heapfleet.analysis.report.Format;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.endpoint.client.HeapdumpClientException;
import io.heapfleet.endpoint.client.ProvenTask;
import io.heapfleet.endpoint.client.TaskStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code heapfleet stats}: one task's heap figures from its /heapdump/stats, for a person. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    header = "Show a task's heap figures from /heapdump/stats (no dump, no pause).",
    description = {
      "",
      "Asks URL (a task, or a load balancer in front of a service's tasks) for its heap",
      "figures: heap used and max, the old generation after the last garbage collection",
      "(what survives; a leak raises it collection after collection), GC counts and time,",
      "uptime and RSS. JVM and Node.js tasks answer the same fields. The task takes no dump",
      "and does not pause. Credentials as for 'heapfleet fetch': the hourly token, or with",
      "--task the task's proof and its read-only task token.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet stats http://10.0.1.23:9091 --secret-file /run/secrets/heapfleet",
      "  heapfleet stats https://orders.example.com --task 158d1c80",
      "  heapfleet stats http://127.0.0.1:9091 --format json",
      "  heapfleet stats http://127.0.0.1:9091 --gc",
    })
final class StatsCommand implements Callable<Integer> {

  @Mixin SecretOptions secretOptions;
  @Mixin VerboseOption verbose;

  @Parameters(
      index = "0",
      paramLabel = "URL",
      description = "The task or load balancer; /heapdump/stats is appended unless present.")
  String url;

  @Option(
      names = "--task",
      paramLabel = "ID",
      description =
          "Pin this task behind a load balancer (retry on 421). The task proves who it is first"
              + " and is asked with its read-only task token, never the hourly token.")
  String task;

  @Option(
      names = "--gc",
      description =
          "Run a full collection on the task first (/heapdump/stats?gc=full): the old generation"
              + " after GC is then fresh. Pauses the task for one full GC; at most one per 10 s.")
  boolean fullGc;

  @Mixin OutputFormatOption output;

  @Mixin TaskRequestOptions taskRequest;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  StatsCommand() {
    this(Clock.systemUTC());
  }

  StatsCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    OutputFormat format = output.requireTextOrJson("stats");
    int maxAttempts = taskRequest.maxAttempts();
    URI base = FetchCommand.parseUrl(url);
    Secret secret = secretOptions.load(CliEnvironment.get());
    HeapdumpClient client = HeapdumpClient.create();
    TaskStats stats;
    try {
      if (task == null) {
        stats =
            client.stats(
                base, HourlyToken.compute(secret, taskRequest.scope(), clock.instant()), fullGc);
      } else {
        ProvenTask proven = prove(client, base, TaskCredentials.of(secret, taskRequest.scope()));
        stats = client.stats(proven, Math.max(1, maxAttempts - proven.requests() + 1), fullGc);
      }
    } catch (HeapdumpClientException e) {
      throw UserException.failure(FetchCommand.explain(e), e);
    } catch (IOException e) {
      throw UserException.failure("cannot read stats from " + base + ": " + e.getMessage(), e);
    }
    if (format == OutputFormat.json) {
      out.println(stats.json());
    } else {
      print(stats, out);
    }
    out.flush();
    return ExitCode.OK;
  }

  /**
   * The pinned task's proof: through a load balancer another task may answer (421); each try is a
   * new connection, at most {@code --max-attempts}.
   */
  private ProvenTask prove(HeapdumpClient client, URI base, TaskCredentials credentials)
      throws IOException {
    if (!io.heapfleet.endpoint.TaskIdentity.isValidTaskId(task)) {
      throw UserException.badInput("--task: '" + task + "' is not a task id");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return client.prove(base, credentials, task);
      } catch (HeapdumpClientException e) {
        if (e.status() != 421 || attempt >= taskRequest.maxAttempts()) {
          throw e;
        }
      }
    }
  }

  /** The figures as aligned lines; unknown figures are shown as {@code ?}. */
  static void print(TaskStats s, PrintWriter out) {
    String version = s.string(s.runtime()).map(v -> ": " + v).orElse("");
    row(out, "task", s.taskId() + " (" + s.runtime() + version + ")");
    row(
        out,
        "time",
        s.time()
            + s.uptimeMillis().stream()
                .mapToObj(ms -> ", up " + Format.duration(Duration.ofMillis(ms)))
                .findFirst()
                .orElse(""));
    row(
        out,
        "heap",
        size(s.heapUsed())
            + " used of "
            + size(s.heapMax())
            + " max ("
            + size(s.heapCommitted())
            + " committed)");
    String pool = s.string("oldGenPool").map(p -> " (" + p + ")").orElse("");
    row(
        out,
        "old gen",
        size(s.oldGenUsed())
            + " used; "
            + (s.oldGenUsedAfterGc().isPresent()
                ? size(s.oldGenUsedAfterGc()) + " after the last GC"
                : "no GC of it yet")
            + pool);
    row(
        out,
        "last major GC",
        s.lastMajorGcAt()
            .map(
                at ->
                    at
                        + " ("
                        + Format.duration(
                            Duration.ofMillis(
                                Math.max(0, Duration.between(at, s.time()).toMillis())))
                        + " before)")
            .orElse("none yet"));
    row(
        out,
        "GC",
        count(s.gcCount())
            + " collections, "
            + count(s.majorGcCount())
            + " major, "
            + (s.gcTimeMillis().isPresent()
                ? Format.duration(Duration.ofMillis(s.gcTimeMillis().getAsLong()))
                : "?")
            + " in total");
    row(out, "RSS", size(s.rss()));
    if (s.fields().get("gc") instanceof java.util.Map<?, ?> gc) {
      row(
          out,
          "full GC",
          Boolean.TRUE.equals(gc.get("forced"))
              ? "run on request, " + gc.get("pauseMs") + " ms pause"
              : "not run: " + gc.get("reason"));
    }
  }

  private static void row(PrintWriter out, String label, String value) {
    out.printf(Locale.ROOT, "%-14s %s%n", label, value);
  }

  private static String size(OptionalLong bytes) {
    return bytes.isPresent() ? Format.bytesOrDash(bytes.getAsLong()) : "?";
  }

  private static String count(OptionalLong n) {
    return n.isPresent() ? Long.toString(n.getAsLong()) : "?";
  }
}
