package io.heapfleet.endpoint;

import io.heapfleet.auth.TaskCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Who this JVM is: the task id that names its dumps, and where known its ECS cluster, service,
 * task-definition family and revision.
 *
 * <p>{@link #resolve} reads it once at start: the ECS task metadata endpoint v4 ({@code
 * $ECS_CONTAINER_METADATA_URI_V4/task}: {@code TaskARN}'s last segment is the task id; {@code
 * Cluster} (an ARN or a name), {@code Family}, {@code Revision}, {@code ServiceName}) with a short
 * timeout; an explicit {@code HEAPFLEET_TASK_ID} overrides the task id; without either the hostname
 * is the task id. Immutable and thread-safe.
 */
public final class TaskIdentity {

  /** The environment variable ECS sets to the task metadata endpoint v4 of the container. */
  public static final String ECS_METADATA_ENV = "ECS_CONTAINER_METADATA_URI_V4";

  private static final Logger LOG = Logger.getLogger(TaskIdentity.class.getName());
  private static final int MAX_METADATA_BYTES = 1 << 20;

  /** Where the task id came from. */
  public enum Source {
    /** {@code HEAPFLEET_TASK_ID}. */
    CONFIG,
    /** The ECS task metadata endpoint. */
    ECS,
    /** The host name (no ECS, no explicit id). */
    HOSTNAME;

    String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final String taskId;
  private final String taskArn;
  private final String cluster;
  private final String service;
  private final String family;
  private final String revision;
  private final Source source;
  private final String jvm;

  /** An identity with the given parts; {@code null} for the ones not known. */
  public TaskIdentity(
      String taskId,
      String taskArn,
      String cluster,
      String service,
      String family,
      String revision,
      Source source,
      String jvm) {
    if (taskId == null || taskId.isEmpty()) {
      throw new IllegalArgumentException("taskId must not be empty");
    }
    this.taskId = taskId;
    this.taskArn = taskArn;
    this.cluster = cluster;
    this.service = service;
    this.family = family;
    this.revision = revision;
    this.source = source;
    this.jvm = jvm;
  }

  /**
   * Whether {@code id} may be a task id (it ends up in file names, HTTP headers and the proof's
   * HMAC): the one rule of {@link TaskCredentials#isValidTaskId}.
   */
  public static boolean isValidTaskId(String id) {
    return TaskCredentials.isValidTaskId(id);
  }

  /**
   * Resolves this JVM's identity as described on the class. Never fails: an unreachable or odd
   * metadata endpoint is logged and the fallbacks are used.
   */
  public static TaskIdentity resolve(EndpointSettings settings, Map<String, String> env) {
    String jvm = currentJvm();
    String explicit = settings.taskId().orElse(null);
    String metadataUri = env.get(ECS_METADATA_ENV);
    if (metadataUri != null && !metadataUri.isBlank()) {
      try {
        String json =
            httpGet(metadataUri.trim().replaceAll("/+$", "") + "/task", settings.ecsTimeout());
        TaskIdentity ecs = fromEcsTaskMetadata(json, jvm);
        if (explicit == null) {
          return ecs;
        }
        return new TaskIdentity(
            explicit,
            ecs.taskArn,
            ecs.cluster,
            ecs.service,
            ecs.family,
            ecs.revision,
            Source.CONFIG,
            jvm);
      } catch (IOException | RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "heapfleet: cannot read ECS task metadata from {0}/task ({1}); using {2}",
            new Object[] {
              metadataUri, e.toString(), explicit == null ? "the hostname" : "HEAPFLEET_TASK_ID"
            });
      }
    }
    if (explicit != null) {
      return new TaskIdentity(explicit, null, null, null, null, null, Source.CONFIG, jvm);
    }
    return new TaskIdentity(
        sanitize(hostname()), null, null, null, null, null, Source.HOSTNAME, jvm);
  }

  /** Parses the JSON of the ECS task metadata endpoint v4 {@code /task}. */
  public static TaskIdentity fromEcsTaskMetadata(String json, String jvm) {
    Map<String, Object> task = Json.parseObject(json);
    String arn = string(task, "TaskARN");
    if (arn == null || arn.isEmpty()) {
      throw new IllegalArgumentException("ECS task metadata has no TaskARN");
    }
    String taskId = arn.substring(arn.lastIndexOf('/') + 1);
    if (!isValidTaskId(taskId)) {
      throw new IllegalArgumentException("ECS TaskARN ends in an unusable task id: " + taskId);
    }
    String cluster = string(task, "Cluster");
    if (cluster != null && cluster.startsWith("arn:")) {
      cluster = cluster.substring(cluster.lastIndexOf('/') + 1);
    }
    return new TaskIdentity(
        taskId,
        arn,
        cluster,
        string(task, "ServiceName"),
        string(task, "Family"),
        string(task, "Revision"),
        Source.ECS,
        jvm);
  }

  /** Reads an identity from its {@link #toJson()} form (used by the client). */
  public static TaskIdentity fromJson(String json) {
    Map<String, Object> m = Json.parseObject(json);
    String source = string(m, "source");
    Source s = null;
    if (source != null) {
      try {
        s = Source.valueOf(source.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        s = null;
      }
    }
    return new TaskIdentity(
        string(m, "taskId"),
        string(m, "taskArn"),
        string(m, "cluster"),
        string(m, "service"),
        string(m, "family"),
        string(m, "revision"),
        s,
        string(m, "jvm"));
  }

  public String taskId() {
    return taskId;
  }

  public Optional<String> taskArn() {
    return Optional.ofNullable(taskArn);
  }

  public Optional<String> cluster() {
    return Optional.ofNullable(cluster);
  }

  public Optional<String> service() {
    return Optional.ofNullable(service);
  }

  public Optional<String> family() {
    return Optional.ofNullable(family);
  }

  public Optional<String> revision() {
    return Optional.ofNullable(revision);
  }

  /** Where the task id came from; empty when unknown (an identity read from another server). */
  public Optional<Source> source() {
    return Optional.ofNullable(source);
  }

  /** The JVM, e.g. {@code OpenJDK 64-Bit Server VM 17.0.15+6}. */
  public Optional<String> jvm() {
    return Optional.ofNullable(jvm);
  }

  /** This identity as a JSON object; unknown parts are {@code null}. */
  public String toJson() {
    return Json.object()
        .field("taskId", taskId)
        .field("cluster", cluster)
        .field("service", service)
        .field("family", family)
        .field("revision", revision)
        .field("taskArn", taskArn)
        .field("source", source == null ? null : source.id())
        .field("jvm", jvm)
        .toString();
  }

  @Override
  public String toString() {
    return "TaskIdentity" + toJson();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TaskIdentity && ((TaskIdentity) o).toJson().equals(toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  static String currentJvm() {
    return System.getProperty("java.vm.name", "JVM")
        + " "
        + System.getProperty("java.runtime.version", System.getProperty("java.version", "?"));
  }

  private static String string(Map<String, Object> m, String key) {
    Object v = m.get(key);
    return v == null ? null : v.toString();
  }

  private static String hostname() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-host";
    }
  }

  private static String sanitize(String id) {
    String s = id.replaceAll("[^A-Za-z0-9._-]", "-");
    if (s.length() > 128) {
      s = s.substring(0, 128);
    }
    return s.isEmpty() ? "unknown-host" : s;
  }

  private static String httpGet(String uri, Duration timeout) throws IOException {
    URL url = URI.create(uri).toURL();
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    c.setConnectTimeout(millis);
    c.setReadTimeout(millis);
    c.setInstanceFollowRedirects(false);
    try {
      int status = c.getResponseCode();
      if (status != 200) {
        throw new IOException("HTTP " + status);
      }
      try (InputStream in = c.getInputStream()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          if (out.size() > MAX_METADATA_BYTES) {
            throw new IOException("metadata response larger than " + MAX_METADATA_BYTES + " bytes");
          }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
      }
    } finally {
      c.disconnect();
    }
  }
}
