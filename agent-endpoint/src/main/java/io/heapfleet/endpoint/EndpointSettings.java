package io.heapfleet.endpoint;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.SecretException;
import io.heapfleet.auth.SecretSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of a {@code /heapdump} endpoint, read the same way by both front doors: from agent
 * arguments ({@code -javaagent:heapfleet-agent.jar=port=9091,taskId=orders-1}) and environment
 * variables, agent arguments winning. Every setting has an environment name and a short agent
 * argument name:
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>env</th><th>agent arg</th><th>default</th></tr>
 *   <tr><td>HEAPFLEET_SECRET</td><td>(env only: never on a command line)</td><td>-</td></tr>
 *   <tr><td>HEAPFLEET_SECRET_FILE</td><td>secretFile</td><td>-</td></tr>
 *   <tr><td>HEAPFLEET_SECRET_PREVIOUS</td><td>(env only)</td><td>-</td></tr>
 *   <tr><td>HEAPFLEET_SECRET_PREVIOUS_FILE</td><td>secretPreviousFile</td><td>-</td></tr>
 *   <tr><td>HEAPFLEET_ALLOW_WEAK_SECRET</td><td>allowWeakSecret</td><td>false</td></tr>
 *   <tr><td>HEAPFLEET_SCOPE</td><td>scope</td><td>heapdump</td></tr>
 *   <tr><td>HEAPFLEET_TASK_ID</td><td>taskId</td><td>ECS metadata, then hostname</td></tr>
 *   <tr><td>HEAPFLEET_PORT</td><td>port</td><td>9091 (javaagent only)</td></tr>
 *   <tr><td>HEAPFLEET_BIND</td><td>bind</td><td>0.0.0.0 (javaagent only)</td></tr>
 *   <tr><td>HEAPFLEET_MIN_INTERVAL</td><td>minInterval</td><td>30s</td></tr>
 *   <tr><td>HEAPFLEET_TEMP_DIR</td><td>tempDir</td><td>java.io.tmpdir</td></tr>
 *   <tr><td>HEAPFLEET_DISK_RESERVE</td><td>diskReserve</td><td>64MB</td></tr>
 *   <tr><td>HEAPFLEET_FORMAT</td><td>format</td><td>gzip</td></tr>
 *   <tr><td>HEAPFLEET_ECS_TIMEOUT</td><td>ecsTimeout</td><td>1s</td></tr>
 *   <tr><td>HEAPFLEET_HOURLY_TOKEN</td><td>hourlyToken</td><td>accept (or refuse)</td></tr>
 *   <tr><td>HEAPFLEET_HEADER_TIMEOUT</td><td>headerTimeout</td><td>10s (javaagent only)</td></tr>
 *   <tr><td>HEAPFLEET_STALL_TIMEOUT</td><td>stallTimeout</td><td>60s (javaagent only)</td></tr>
 *   <tr><td>HEAPFLEET_KEEPALIVE</td><td>keepalive</td><td>20s (0 = off)</td></tr>
 *   <tr><td>HEAPFLEET_HTTP_THREADS</td><td>httpThreads</td><td>8 (javaagent only)</td></tr>
 * </table>
 *
 * <p>Durations are ISO-8601 ({@code PT30S}) or a number with unit {@code ms}, {@code s}, {@code m},
 * {@code h} (bare numbers are seconds). Sizes are bytes or a number with {@code KB}, {@code MB},
 * {@code GB}, {@code TB}. Immutable and thread-safe.
 */
public final class EndpointSettings {

  /** The javaagent's default port. */
  public static final int DEFAULT_PORT = 9091;

  /** The default minimum time between two dumps of one JVM. */
  public static final Duration DEFAULT_MIN_INTERVAL = Duration.ofSeconds(30);

  /** How long a client may take to send a request's line and headers, by default. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** How long a dump stream may make no progress (client not reading) before it is cut. */
  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

  /**
   * How often a started dump response sends keep-alive bytes, by default: a third of an ALB's
   * default 60 s idle timeout.
   */
  public static final Duration DEFAULT_KEEPALIVE = Duration.ofSeconds(20);

  /** Request threads of the javaagent's HTTP server, by default. */
  public static final int DEFAULT_HTTP_THREADS = 8;

  /** Free disk that must remain after a dump, by default. */
  public static final long DEFAULT_DISK_RESERVE = 64L << 20;

  private final Secret secret;
  private final Secret previousSecret;
  private final String scope;
  private final String taskId;
  private final int port;
  private final String bind;
  private final Duration minInterval;
  private final Path tempDir;
  private final long diskReserve;
  private final Compression defaultFormat;
  private final Duration ecsTimeout;
  private final boolean acceptHourlyToken;
  private final Duration headerTimeout;
  private final Duration stallTimeout;
  private final Duration keepAlive;
  private final int httpThreads;

  private EndpointSettings(Builder b) {
    this.secret = b.secret;
    this.previousSecret = b.previousSecret;
    this.scope = b.scope;
    this.taskId = b.taskId;
    this.port = b.port;
    this.bind = b.bind;
    this.minInterval = b.minInterval;
    this.tempDir = b.tempDir;
    this.diskReserve = b.diskReserve;
    this.defaultFormat = b.defaultFormat;
    this.ecsTimeout = b.ecsTimeout;
    this.acceptHourlyToken = b.acceptHourlyToken;
    this.headerTimeout = b.headerTimeout;
    this.stallTimeout = b.stallTimeout;
    this.keepAlive = b.keepAlive;
    this.httpThreads = b.httpThreads;
  }

  /** Settings from environment variables only (the Quarkus front door). */
  public static EndpointSettings fromEnvironment(Map<String, String> env) {
    return fromAgentArgs(null, env);
  }

  /**
   * Settings from agent arguments ({@code key=value} pairs separated by commas) over environment
   * variables.
   *
   * @throws IllegalArgumentException naming the setting and value when one is invalid
   * @throws SecretException when no usable secret is configured
   */
  public static EndpointSettings fromAgentArgs(String agentArgs, Map<String, String> env) {
    Map<String, String> args = parseAgentArgs(agentArgs);
    Lookup l = new Lookup(args, env);
    boolean allowWeak = parseBoolean("HEAPFLEET_ALLOW_WEAK_SECRET", l.get("allowWeakSecret"));
    Secret secret;
    String secretFile = args.get("secretFile");
    if (secretFile != null && !secretFile.isBlank()) {
      secret = SecretSource.fromFile(Path.of(secretFile), allowWeak);
    } else {
      secret = SecretSource.fromEnvironment(env, allowWeak);
    }
    Builder b = builder(secret);
    String previousFile = l.get("secretPreviousFile");
    if (previousFile != null) {
      b.previousSecret(SecretSource.fromFile(Path.of(previousFile), allowWeak));
    } else if (env.get("HEAPFLEET_SECRET_PREVIOUS") != null
        && !env.get("HEAPFLEET_SECRET_PREVIOUS").isBlank()) {
      b.previousSecret(SecretSource.fromEnv("HEAPFLEET_SECRET_PREVIOUS", env, allowWeak));
    }
    l.opt("scope").ifPresent(b::scope);
    l.opt("taskId").ifPresent(b::taskId);
    l.opt("port").ifPresent(v -> b.port(parseInt("HEAPFLEET_PORT", v)));
    l.opt("bind").ifPresent(b::bind);
    l.opt("minInterval").ifPresent(v -> b.minInterval(parseDuration("HEAPFLEET_MIN_INTERVAL", v)));
    l.opt("tempDir").ifPresent(v -> b.tempDir(Path.of(v)));
    l.opt("diskReserve").ifPresent(v -> b.diskReserve(parseSize("HEAPFLEET_DISK_RESERVE", v)));
    l.opt("format").ifPresent(v -> b.defaultFormat(parseFormat("HEAPFLEET_FORMAT", v)));
    l.opt("ecsTimeout").ifPresent(v -> b.ecsTimeout(parseDuration("HEAPFLEET_ECS_TIMEOUT", v)));
    l.opt("hourlyToken")
        .ifPresent(v -> b.acceptHourlyToken(parseAcceptRefuse("HEAPFLEET_HOURLY_TOKEN", v)));
    l.opt("headerTimeout")
        .ifPresent(v -> b.headerTimeout(parseDuration("HEAPFLEET_HEADER_TIMEOUT", v)));
    l.opt("stallTimeout")
        .ifPresent(v -> b.stallTimeout(parseDuration("HEAPFLEET_STALL_TIMEOUT", v)));
    l.opt("keepalive").ifPresent(v -> b.keepAlive(parseDuration("HEAPFLEET_KEEPALIVE", v)));
    l.opt("httpThreads").ifPresent(v -> b.httpThreads(parseThreads("HEAPFLEET_HTTP_THREADS", v)));
    return b.build();
  }

  /** A builder for code and tests; defaults as documented on this class. */
  public static Builder builder(Secret secret) {
    return new Builder(secret);
  }

  public Secret secret() {
    return secret;
  }

  /**
   * The secret before the last rotation, still accepted for the hourly token and the task-bound
   * credentials while callers move to the new one; proofs are made with {@link #secret()} only.
   */
  public Optional<Secret> previousSecret() {
    return Optional.ofNullable(previousSecret);
  }

  public String scope() {
    return scope;
  }

  /** The explicitly configured task id, which overrides ECS metadata and the hostname. */
  public Optional<String> taskId() {
    return Optional.ofNullable(taskId);
  }

  public int port() {
    return port;
  }

  public String bind() {
    return bind;
  }

  public Duration minInterval() {
    return minInterval;
  }

  public Path tempDir() {
    return tempDir;
  }

  /** Bytes of free disk that must remain in {@link #tempDir()} after a dump is written. */
  public long diskReserve() {
    return diskReserve;
  }

  public Compression defaultFormat() {
    return defaultFormat;
  }

  public Duration ecsTimeout() {
    return ecsTimeout;
  }

  /** Whether the hourly token ({@code HeapDump <token>}, {@code ?hash=}) opens this endpoint. */
  public boolean acceptHourlyToken() {
    return acceptHourlyToken;
  }

  /** How long the javaagent's server waits for a request's line and headers. */
  public Duration headerTimeout() {
    return headerTimeout;
  }

  /** How long a dump stream may make no progress before the javaagent's server cuts it. */
  public Duration stallTimeout() {
    return stallTimeout;
  }

  /**
   * How often a gzip or zstd dump response sends keep-alive bytes while the dump is taken; zero
   * when the response starts only after the dump (no keep-alive).
   */
  public Duration keepAlive() {
    return keepAlive;
  }

  /** The javaagent's request threads. */
  public int httpThreads() {
    return httpThreads;
  }

  @Override
  public String toString() {
    // Never the secret: only its length, via Secret.toString().
    return "EndpointSettings[scope="
        + scope
        + ", taskId="
        + taskId
        + ", port="
        + port
        + ", bind="
        + bind
        + ", minInterval="
        + minInterval
        + ", tempDir="
        + tempDir
        + ", diskReserve="
        + diskReserve
        + ", format="
        + defaultFormat.id()
        + ", hourlyToken="
        + (acceptHourlyToken ? "accept" : "refuse")
        + ", headerTimeout="
        + headerTimeout
        + ", stallTimeout="
        + stallTimeout
        + ", keepAlive="
        + keepAlive
        + ", httpThreads="
        + httpThreads
        + ", secret="
        + secret
        + (previousSecret == null ? "" : ", previousSecret=" + previousSecret)
        + "]";
  }

  static Map<String, String> parseAgentArgs(String agentArgs) {
    Map<String, String> args = new HashMap<>();
    if (agentArgs == null || agentArgs.isBlank()) {
      return args;
    }
    for (String part : agentArgs.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "agent argument '" + part + "' is not key=value (e.g. port=9091,taskId=orders-1)");
      }
      String key = part.substring(0, eq).trim();
      if (key.equals("secret")) {
        // A secret on the command line would be visible in `ps` and in JAVA_TOOL_OPTIONS logs.
        throw new IllegalArgumentException(
            "the secret cannot be an agent argument; use HEAPFLEET_SECRET or secretFile=PATH");
      }
      args.put(key, part.substring(eq + 1).trim());
    }
    return args;
  }

  static int parseInt(String name, String v) {
    try {
      int port = Integer.parseInt(v.trim());
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + v + "' is not a port number (0-65535)");
    }
  }

  static boolean parseBoolean(String name, String v) {
    if (v == null || v.isBlank()) {
      return false;
    }
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true":
      case "yes":
      case "1":
        return true;
      case "false":
      case "no":
      case "0":
        return false;
      default:
        throw new IllegalArgumentException(name + ": '" + v + "' is not true or false");
    }
  }

  static boolean parseAcceptRefuse(String name, String v) {
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "accept":
        return true;
      case "refuse":
        return false;
      default:
        throw new IllegalArgumentException(name + ": '" + v + "' is not accept or refuse");
    }
  }

  static int parseThreads(String name, String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 2 || n > 256) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + v + "' is not a number from 2 to 256");
    }
  }

  /**
   * Parses a {@link DurationText} duration: {@code PT30S}, {@code 30s}, {@code 500ms}, {@code 30}.
   */
  public static Duration parseDuration(String name, String v) {
    try {
      return DurationText.parse(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage());
    }
  }

  /**
   * Parses {@code 1048576}, {@code 64MiB}, {@code 2GiB}; {@code 64MB} and {@code 2GB} are read as
   * the same binary multiples (2^20, 2^30 bytes), as they always were.
   */
  public static long parseSize(String name, String v) {
    String t = v.trim().toUpperCase(Locale.ROOT);
    long unit = 1;
    String[] suffixes = {"TIB", "GIB", "MIB", "KIB", "TB", "GB", "MB", "KB", "B"};
    long[] units = {
      1L << 40, 1L << 30, 1L << 20, 1L << 10, 1L << 40, 1L << 30, 1L << 20, 1L << 10, 1
    };
    for (int i = 0; i < suffixes.length; i++) {
      if (t.endsWith(suffixes[i])) {
        unit = units[i];
        t = strip(t, suffixes[i].length());
        break;
      }
    }
    try {
      long n = Long.parseLong(t);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(name + ": '" + v + "' is not a size (e.g. 64MiB, 2GiB)");
    }
  }

  static Compression parseFormat(String name, String v) {
    return Compression.fromId(v.trim())
        .orElseThrow(
            () -> new IllegalArgumentException(name + ": '" + v + "' is not gzip, zstd or raw"));
  }

  private static String strip(String t, int n) {
    return t.substring(0, t.length() - n).trim();
  }

  /** Looks a setting up in agent args by its short name, then in env by its HEAPFLEET_ name. */
  private static final class Lookup {
    private final Map<String, String> args;
    private final Map<String, String> env;

    Lookup(Map<String, String> args, Map<String, String> env) {
      this.args = args;
      this.env = env;
    }

    String get(String key) {
      String v = args.get(key);
      if (v != null && !v.isBlank()) {
        return v;
      }
      v = env.get(envName(key));
      return v == null || v.isBlank() ? null : v.trim();
    }

    Optional<String> opt(String key) {
      return Optional.ofNullable(get(key));
    }

    static String envName(String key) {
      StringBuilder sb = new StringBuilder("HEAPFLEET_");
      for (char c : key.toCharArray()) {
        if (Character.isUpperCase(c)) {
          sb.append('_');
        }
        sb.append(Character.toUpperCase(c));
      }
      return sb.toString();
    }
  }

  /** Builds {@link EndpointSettings}; arguments are checked as they are set. Not thread-safe. */
  public static final class Builder {
    private final Secret secret;
    private String scope = HourlyToken.DEFAULT_SCOPE;
    private String taskId;
    private int port = DEFAULT_PORT;
    private String bind = "0.0.0.0";
    private Duration minInterval = DEFAULT_MIN_INTERVAL;
    private Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));
    private long diskReserve = DEFAULT_DISK_RESERVE;
    private Compression defaultFormat = Compression.GZIP;
    private Duration ecsTimeout = Duration.ofSeconds(1);
    private boolean acceptHourlyToken = true;
    private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
    private Secret previousSecret;
    private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
    private Duration keepAlive = DEFAULT_KEEPALIVE;
    private int httpThreads = DEFAULT_HTTP_THREADS;

    private Builder(Secret secret) {
      if (secret == null) {
        throw new IllegalArgumentException("secret must not be null");
      }
      this.secret = secret;
    }

    public Builder scope(String scope) {
      if (scope == null || scope.isEmpty()) {
        throw new IllegalArgumentException("HEAPFLEET_SCOPE must not be empty");
      }
      this.scope = scope;
      return this;
    }

    public Builder taskId(String taskId) {
      if (taskId != null && !TaskIdentity.isValidTaskId(taskId)) {
        throw new IllegalArgumentException(
            "HEAPFLEET_TASK_ID: '" + taskId + "' may only contain letters, digits, '.', '_', '-'");
      }
      this.taskId = taskId;
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("HEAPFLEET_PORT: " + port + " is not 0-65535");
      }
      this.port = port;
      return this;
    }

    public Builder bind(String bind) {
      this.bind = bind;
      return this;
    }

    public Builder minInterval(Duration minInterval) {
      this.minInterval = minInterval;
      return this;
    }

    public Builder tempDir(Path tempDir) {
      this.tempDir = tempDir;
      return this;
    }

    public Builder diskReserve(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("HEAPFLEET_DISK_RESERVE: " + bytes + " is negative");
      }
      this.diskReserve = bytes;
      return this;
    }

    public Builder defaultFormat(Compression format) {
      this.defaultFormat = format;
      return this;
    }

    /**
     * @deprecated use {@link #defaultFormat(Compression)}.
     */
    @Deprecated
    public Builder defaultFormat(DumpFormat format) {
      return defaultFormat(format.compression());
    }

    public Builder ecsTimeout(Duration timeout) {
      this.ecsTimeout = timeout;
      return this;
    }

    /** Whether the hourly token opens this endpoint ({@code HEAPFLEET_HOURLY_TOKEN}). */
    public Builder acceptHourlyToken(boolean accept) {
      this.acceptHourlyToken = accept;
      return this;
    }

    public Builder headerTimeout(Duration timeout) {
      this.headerTimeout = positive("HEAPFLEET_HEADER_TIMEOUT", timeout);
      return this;
    }

    /** Keep-alive interval of started dump responses; zero turns the early start off. */
    public Builder keepAlive(Duration interval) {
      if (interval.isNegative()) {
        throw new IllegalArgumentException("HEAPFLEET_KEEPALIVE: must not be negative");
      }
      this.keepAlive = interval;
      return this;
    }

    /** A previous secret, accepted alongside the current one (see {@link #previousSecret()}). */
    public Builder previousSecret(Secret previous) {
      this.previousSecret = previous;
      return this;
    }

    public Builder stallTimeout(Duration timeout) {
      this.stallTimeout = positive("HEAPFLEET_STALL_TIMEOUT", timeout);
      return this;
    }

    public Builder httpThreads(int threads) {
      if (threads < 2 || threads > 256) {
        throw new IllegalArgumentException(
            "HEAPFLEET_HTTP_THREADS: " + threads + " is not from 2 to 256");
      }
      this.httpThreads = threads;
      return this;
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + ": must be positive, was " + d);
      }
      return d;
    }

    public EndpointSettings build() {
      return new EndpointSettings(this);
    }
  }
}
