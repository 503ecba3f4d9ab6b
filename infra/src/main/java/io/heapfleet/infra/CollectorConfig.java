package io.heapfleet.infra;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The collector's configuration for one deployment, as the collector's own property names ({@code
 * heapfleet.collector.*}, see docs/collector.md), and their environment-variable form for the task
 * definition. Keeping the property names here, not hand-written variable names, is what lets the
 * drift test start the real collector with exactly these properties and fail on a name the
 * collector does not know.
 *
 * <p>Values may hold CDK tokens (the bucket name, the secret ARN); they are resolved at deploy
 * time. Immutable and thread-safe.
 */
public final class CollectorConfig {
  /** Where the collector's temp volume is mounted (deep analysis downloads and spill files). */
  public static final String TEMP_DIR = "/var/heapfleet/tmp";

  /** The collector's HTTP port: API and dashboard. */
  public static final int HTTP_PORT = 8080;

  /** The collector's management port: health, metrics and OpenAPI (never the API port). */
  public static final int MANAGEMENT_PORT = 9000;

  /** The readiness endpoint: S3 answers and discovery worked recently. */
  public static final String READY_PATH = "/q/health/ready";

  /** The environment variable the collector reads its API bearer token from (an ECS secret). */
  public static final String API_TOKEN_ENV = env("heapfleet.collector.api.token");

  private CollectorConfig() {}

  /**
   * The collector properties for a deployment.
   *
   * @param bucketName the dump bucket (a token at synth time)
   * @param secretArn the HMAC secret's ARN (read at run time, refreshed on rotation)
   * @param kmsKeyArn the bucket's KMS key ARN, or null for SSE-S3
   */
  public static Map<String, String> properties(
      HeapfleetSettings settings, String bucketName, String secretArn, String kmsKeyArn) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("heapfleet.collector.discovery.mode", "ecs");
    p.put("heapfleet.collector.discovery.ecs.cluster", settings.cluster());
    if (!settings.services().isEmpty()) {
      p.put("heapfleet.collector.discovery.ecs.services", String.join(",", settings.services()));
    }
    p.put("heapfleet.collector.discovery.ecs.port", Integer.toString(settings.agentPort()));
    p.put("heapfleet.collector.schedule.interval", settings.scheduleInterval());
    p.put("heapfleet.collector.s3.bucket", bucketName);
    p.put("heapfleet.collector.s3.prefix", HeapfleetSettings.PREFIX);
    if (kmsKeyArn != null) {
      p.put("heapfleet.collector.s3.sse", "aws:kms");
      p.put("heapfleet.collector.s3.kms-key-id", kmsKeyArn);
    }
    p.put("heapfleet.collector.token.secrets-manager-id", secretArn);
    p.put("heapfleet.collector.deep.max-dump-bytes", Long.toString(settings.deepMaxDumpBytes()));
    p.put("heapfleet.collector.deep.temp-dir", TEMP_DIR);
    // Fleet-level metrics for the CloudWatch alarms, as EMF lines in the collector's log.
    p.put("heapfleet.collector.metrics.emf.enabled", "true");
    p.put("heapfleet.collector.metrics.emf.namespace", CollectorAlarms.NAMESPACE);
    return p;
  }

  /**
   * The environment variable SmallRye Config maps to {@code property}: upper case, every character
   * other than a letter or digit becomes {@code _}.
   */
  public static String env(String property) {
    return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** {@code properties} as the environment of the collector container. */
  public static Map<String, String> environment(Map<String, String> properties) {
    Map<String, String> env = new LinkedHashMap<>();
    properties.forEach((k, v) -> env.put(env(k), v));
    return env;
  }

  /** The JVM options of the collector container ({@code JAVA_OPTS} of its image). */
  public static String javaOptions(HeapfleetSettings settings) {
    return "-Xmx" + settings.heapMiB() + "m -Djava.io.tmpdir=" + TEMP_DIR;
  }
}
