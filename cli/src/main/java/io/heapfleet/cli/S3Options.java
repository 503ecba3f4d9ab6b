package io.heapfleet.cli;

import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.S3Settings;
import io.heapfleet.storage.StorageException;
import io.heapfleet.storage.StoredDump;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * Where the dumps are (a picocli mixin shared by {@code download} and {@code ls}): an S3 bucket
 * reached with the AWS default credential chain, or {@code --local [DIR]}, the embedded S3 store
 * the demo writes. Flags win over the environment: {@code HEAPFLEET_S3_BUCKET}, {@code
 * HEAPFLEET_S3_PREFIX}, {@code HEAPFLEET_S3_ENDPOINT}, {@code AWS_REGION}.
 *
 * <p>{@code --local} without DIR finds the store where {@code heapfleet demo} writes it: {@code
 * <data dir>/s3} when that exists, else the newest demo run's {@code <data dir>/demo-<time>/s3};
 * the data directory is {@code $HEAPFLEET_DATA_DIR}, else {@code heapfleet-data} (the demo's {@code
 * --data-dir} default reads the same variable).
 */
public final class S3Options {
  /** Default key prefix, the collector's default too. */
  public static final String DEFAULT_PREFIX = "heapdumps";

  /** The data directory of {@code heapfleet demo} when {@code $HEAPFLEET_DATA_DIR} is not set. */
  public static final String DEFAULT_DATA_DIR = "heapfleet-data";

  private static final String LOCAL_FALLBACK = DEFAULT_DATA_DIR + "/s3";

  @Option(
      names = "--bucket",
      paramLabel = "BUCKET",
      description = "S3 bucket. Default: $HEAPFLEET_S3_BUCKET (with --local: heapfleet).")
  String bucket;

  @Option(
      names = "--prefix",
      paramLabel = "PREFIX",
      description = "Key prefix. Default: $HEAPFLEET_S3_PREFIX, else " + DEFAULT_PREFIX + ".")
  String prefix;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "S3 endpoint for S3-compatible stores (LocalStack, MinIO); implies path-style."
              + " Default: $HEAPFLEET_S3_ENDPOINT, else AWS.")
  URI endpoint;

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "The bucket's region. Default: $AWS_REGION, else the AWS SDK's chain.")
  String region;

  @Option(
      names = "--path-style",
      description = "Path-style addressing (bucket in the path, not the host name).")
  boolean pathStyle;

  @Option(
      names = "--local",
      paramLabel = "DIR",
      arity = "0..1",
      fallbackValue = LOCAL_FALLBACK,
      description =
          "Use the embedded S3 store under DIR instead of a remote bucket. Without DIR: where"
              + " the demo writes, $HEAPFLEET_DATA_DIR (default heapfleet-data)/s3 if it"
              + " exists, else the newest demo run's <data dir>/demo-<time>/s3.")
  Path local;

  /** A store (and the embedded server behind it, if any); close both with one call. */
  public record OpenStore(DumpStore store, EmbeddedS3 embedded, String where)
      implements AutoCloseable {
    /**
     * The task's stored dumps, oldest first.
     *
     * @throws UserException (bad input) naming the task and the store when there are none
     */
    public List<StoredDump> seriesOf(String taskId) {
      List<StoredDump> series = store.series(taskId);
      if (series.isEmpty()) {
        throw UserException.badInput(
            "no dumps for task '"
                + taskId
                + "' in "
                + where
                + "; run 'heapfleet ls' to see the tasks");
      }
      return series;
    }

    @Override
    public void close() {
      store.close();
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  /**
   * The embedded store under {@code dataDir}: {@code dataDir/s3} when it is a directory, else the
   * newest {@code dataDir/demo-<yyyyMMdd'T'HHmmss'Z'>/s3} (names sort by time), else {@code
   * dataDir/s3} (which does not exist).
   */
  static Path defaultLocalStore(Path dataDir) {
    Path plain = dataDir.resolve("s3");
    if (Files.isDirectory(plain) || !Files.isDirectory(dataDir)) {
      return plain;
    }
    try (Stream<Path> runs = Files.list(dataDir)) {
      return runs.filter(p -> p.getFileName().toString().startsWith("demo-"))
          .map(p -> p.resolve("s3"))
          .filter(Files::isDirectory)
          .max(Comparator.comparing(p -> p.getParent().getFileName().toString()))
          .orElse(plain);
    } catch (java.io.IOException e) {
      throw UserException.failure("cannot list " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /** Opens the store these options point at; {@code env} is the process environment. */
  public OpenStore open(Map<String, String> env) {
    String pfx = prefix != null ? prefix : env.getOrDefault("HEAPFLEET_S3_PREFIX", DEFAULT_PREFIX);
    if (local != null) {
      if (endpoint != null) {
        throw UserException.badInput("give either --local or --endpoint, not both");
      }
      boolean defaulted = local.equals(Path.of(LOCAL_FALLBACK));
      if (defaulted) {
        // From here on (e.g. in a report's reproduce commands) local is the directory used.
        local =
            defaultLocalStore(Path.of(env.getOrDefault("HEAPFLEET_DATA_DIR", DEFAULT_DATA_DIR)));
      }
      if (!Files.isDirectory(local)) {
        throw UserException.badInput(
            "--local: no embedded store at "
                + local.toAbsolutePath()
                + (defaulted
                    ? " nor in a demo run under " + local.toAbsolutePath().getParent()
                    : "")
                + " (run 'heapfleet demo' or the collector with it first)");
      }
      String b = bucket != null ? bucket : EmbeddedS3.DEFAULT_BUCKET;
      EmbeddedS3 embedded = EmbeddedS3.filesystem(local, b);
      try {
        DumpStore store = DumpStore.create(embedded.settings().withPrefix(pfx));
        return new OpenStore(
            store, embedded, "local store " + local + " (" + store.settings().describe() + ")");
      } catch (RuntimeException e) {
        embedded.close();
        throw e;
      }
    }
    String b = bucket != null ? bucket : env.get("HEAPFLEET_S3_BUCKET");
    if (b == null || b.isBlank()) {
      throw UserException.badInput(
          "no S3 bucket: give --bucket or set HEAPFLEET_S3_BUCKET (or use --local for the"
              + " embedded store)");
    }
    S3Settings settings;
    try {
      settings = S3Settings.of(b).withPrefix(pfx);
    } catch (IllegalArgumentException e) {
      throw UserException.badInput(e.getMessage());
    }
    URI ep = endpoint;
    if (ep == null && env.get("HEAPFLEET_S3_ENDPOINT") != null) {
      try {
        ep = URI.create(env.get("HEAPFLEET_S3_ENDPOINT"));
      } catch (IllegalArgumentException e) {
        throw UserException.badInput(
            "HEAPFLEET_S3_ENDPOINT '" + env.get("HEAPFLEET_S3_ENDPOINT") + "' is not a URL");
      }
    }
    if (ep != null) {
      if (ep.getScheme() == null || ep.getHost() == null) {
        throw UserException.badInput("S3 endpoint '" + ep + "' is not an http(s) URL");
      }
      settings = settings.withEndpoint(ep);
    }
    String r = region != null ? region : env.get("AWS_REGION");
    if (r != null && !r.isBlank()) {
      settings = settings.withRegion(r);
    }
    if (pathStyle) {
      settings = settings.withPathStyle(true);
    }
    try {
      return new OpenStore(DumpStore.create(settings), null, settings.describe());
    } catch (RuntimeException e) {
      // e.g. no region anywhere
      throw UserException.failure("cannot set up the S3 client: " + e.getMessage(), e);
    }
  }

  /** A storage failure as a one-line user error (exit 1). */
  static UserException failure(StorageException e) {
    return UserException.failure(e.getMessage(), e);
  }
}
