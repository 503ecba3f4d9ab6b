package io.heapfleet.cli;

import io.heapfleet.analysis.report.Format;
import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.endpoint.client.DumpRequest;
import io.heapfleet.endpoint.client.DumpResponse;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.endpoint.client.HeapdumpClientException;
import io.heapfleet.endpoint.client.ProofException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code heapfleet fetch}: downloads a heap dump from one task's /heapdump. */
@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    header = "Download a heap dump from a task's /heapdump, named by its task id.",
    description = {
      "",
      "Asks URL (a task, or a load balancer in front of a service's tasks) for a dump and saves",
      "it as <taskId>-<yyyyMMddTHHmmssZ>.hprof.gz (the name the endpoint gives). With --task,",
      "the request carries X-Heapdump-Target-Task; other tasks answer 421 at once, and the",
      "request is retried on a new connection until that task answers (at most --max-attempts).",
      "The dump is written to FILE.part and renamed when complete; a failed download leaves",
      "nothing behind. Progress goes to stderr on a terminal; the saved path to stdout.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  heapfleet fetch http://10.0.1.23:9091 --secret-file /run/secrets/heapfleet",
      "  heapfleet fetch https://orders.example.com --task 158d1c80 -o dumps/",
      "  heapfleet fetch http://127.0.0.1:9091 --format zstd --no-live -o a.hprof.zst",
    })
final class FetchCommand implements Callable<Integer> {

  @Mixin SecretOptions secretOptions;
  @Mixin VerboseOption verbose;

  @Parameters(
      index = "0",
      paramLabel = "URL",
      description = "The task or load balancer; /heapdump is appended unless present.")
  String url;

  @Option(
      names = "--task",
      paramLabel = "ID",
      description =
          "Pin this task behind a load balancer (retry on 421). The task proves who it is first"
              + " and gets a single-use credential bound to it, never the hourly token.")
  String task;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE|DIR",
      description =
          "Where to save: a file, or a directory for the endpoint's file name. Default: the current directory.")
  Path output;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "gzip (opens in MAT/VisualVM), zstd (faster, smaller) or raw. Default: the endpoint's (gzip).")
  String format;

  @Option(
      names = "--live",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Only live objects (a full GC first). Default: ${DEFAULT-VALUE}; --no-live dumps everything.")
  boolean live;

  @Mixin TaskRequestOptions taskRequest;

  @Option(names = "--force", description = "Overwrite an existing file.")
  boolean force;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  FetchCommand() {
    this(Clock.systemUTC());
  }

  FetchCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    URI base = parseUrl(url);
    DumpRequest request = request();
    if (output != null && !Files.isDirectory(output) && Files.exists(output) && !force) {
      // Before asking for a dump: a dump pauses the task, do not take one for nothing.
      throw UserException.badInput(output + " already exists (use --force to overwrite)");
    }
    Secret secret = secretOptions.load(CliEnvironment.get());
    String token = HourlyToken.compute(secret, taskRequest.scope(), clock.instant());
    long started = System.nanoTime();
    Path target;
    long bytes;
    DumpResponse response;
    try {
      // Pinning through a balancer: the hourly token would reach every task it passes; the proof
      // sends only a single-use credential bound to the pinned task (docs/proof.md), and works
      // where endpoints refuse the hourly token.
      response =
          task == null
              ? HeapdumpClient.create().open(base, token, request)
              : HeapdumpClient.create()
                  .open(base, TaskCredentials.of(secret, taskRequest.scope()), request);
    } catch (HeapdumpClientException e) {
      throw UserException.failure(explain(e), e);
    } catch (IOException e) {
      throw UserException.failure("cannot fetch a dump from " + base + ": " + e.getMessage(), e);
    }
    try (response) {
      target = target(response.fileName());
      bytes = save(response, target, err);
      // After the body: a response that started before the dump has these only at its end.
      if (verbose.verbose) {
        boolean node = response.runtime().equals("node");
        err.printf(
            "task %s answered after %d attempt(s); %s paused %s ms; %s of %s%n",
            response.taskId(),
            response.attempts(),
            node ? "Node.js" : "JVM",
            response.pauseMillis().isPresent() ? response.pauseMillis().getAsLong() : "?",
            response.uncompressedBytes().isPresent()
                ? Format.bytesOrDash(response.uncompressedBytes().getAsLong())
                : "?",
            node ? "V8 heap snapshot" : "HPROF");
      }
    } catch (IOException e) {
      throw UserException.failure("the download from " + base + " failed: " + e.getMessage(), e);
    }
    double seconds = Math.max(1e-3, (System.nanoTime() - started) / 1e9);
    out.println(target);
    out.flush();
    err.println(
        String.format(
            Locale.ROOT,
            "fetched %s from task %s (%s in %s, %s%s)",
            target.getFileName(),
            response.taskId(),
            Format.bytesOrDash(bytes),
            Format.duration(Duration.ofNanos((long) (seconds * 1e9))),
            Format.bytesPerSecond(bytes / seconds),
            task == null
                ? ""
                : ", " + response.attempts() + " attempt" + (response.attempts() == 1 ? "" : "s")));
    err.flush();
    return ExitCode.OK;
  }

  private DumpRequest request() {
    DumpRequest r = DumpRequest.defaults().withLive(live);
    if (format != null) {
      r =
          r.withFormat(
              Compression.fromId(format)
                  .orElseThrow(
                      () ->
                          UserException.badInput(
                              "--format must be gzip, zstd or raw, was '" + format + "'")));
    }
    int maxAttempts = taskRequest.maxAttempts();
    r = r.withMaxAttempts(maxAttempts);
    if (task != null) {
      try {
        r = r.withTargetTask(task);
      } catch (IllegalArgumentException e) {
        throw UserException.badInput("--task: " + e.getMessage());
      }
    }
    return r;
  }

  private Path target(String fileName) {
    Path t;
    if (output == null) {
      t = Path.of(fileName);
    } else if (Files.isDirectory(output) || output.toString().endsWith("/")) {
      t = output.resolve(fileName);
    } else {
      t = output;
    }
    if (Files.exists(t) && !force) {
      throw UserException.badInput(t + " already exists (use --force to overwrite)");
    }
    return t;
  }

  private long save(DumpResponse response, Path target, PrintWriter err) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path part = dir.resolve(target.getFileName() + ".part");
    long total = response.contentLength().orElse(-1);
    TransferProgress progress = new TransferProgress(err, TransferProgress.terminal(), null, total);
    long done = 0;
    boolean ok = false;
    try (InputStream in = response.body();
        OutputStream fileOut = Files.newOutputStream(part)) {
      byte[] buf = new byte[256 * 1024];
      int n;
      while ((n = in.read(buf)) != -1) {
        fileOut.write(buf, 0, n);
        done += n;
        progress.update(done);
      }
      if (total >= 0 && done != total) {
        throw new IOException("the stream ended after " + done + " of " + total + " bytes");
      }
      ok = true;
    } finally {
      progress.finish(done);
      if (!ok) {
        Files.deleteIfExists(part);
      }
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return done;
  }

  /** {@code url} as an http(s) URI with a host, or a bad-input error naming it. */
  static URI parseUrl(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw UserException.badInput("'" + url + "' is not a URL");
    }
    if (uri.getScheme() == null
        || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw UserException.badInput("'" + url + "' is not an http(s) URL with a host");
    }
    return uri;
  }

  /** A refusal in words a person can act on (shared with {@code heapfleet stats}). */
  static String explain(HeapdumpClientException e) {
    if (e instanceof ProofException) {
      return e.getMessage() + ": check the secret and --scope; nothing was sent to it";
    }
    switch (e.status()) {
      case 401:
        return "the endpoint refused the token (401): check the secret and --scope, and the clocks";
      case 421:
        return e.getMessage() + " (raise --max-attempts, or fetch from the task's own address)";
      case 429:
        return e.getMessage()
            + e.retryAfter().map(d -> " (retry after " + d.getSeconds() + "s)").orElse("");
      default:
        return e.getMessage();
    }
  }
}
