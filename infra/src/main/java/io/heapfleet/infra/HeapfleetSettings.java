package io.heapfleet.infra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import software.constructs.Node;

/**
 * Everything a deployment chooses, read from CDK context ({@code cdk deploy -c cluster=prod ...})
 * or built in code with {@link #builder()}. Checked once at the door: a missing or out-of-range
 * value fails synthesis with a message that names the context key and the value.
 *
 * <p>Immutable and thread-safe.
 *
 * @param cluster name of the existing ECS cluster whose services are captured
 * @param services service names to capture; empty: the tasks opted in with the tag {@code
 *     heapfleet:enabled=true} on the task or its service
 * @param vpcId the VPC the collector runs in (the cluster's)
 * @param subnetIds subnets for the collector; empty: the VPC's private subnets, looked up
 * @param availabilityZones the zones of {@code subnetIds}, in the same order (no lookup then)
 * @param routeTableIds route tables of {@code subnetIds} (for the S3 gateway endpoint)
 * @param appSecurityGroupIds security groups of the app tasks: get ingress on the agent port
 * @param agentPort the agents' {@code HEAPFLEET_PORT}
 * @param cpu collector task CPU units
 * @param memoryMiB collector task memory
 * @param heapMiB the collector's {@code -Xmx}
 * @param deepMaxDumpBytes largest stored dump the collector analyses deeply
 * @param scheduleInterval capture interval, e.g. {@code 30m}
 * @param dumpRetentionDays days a dump object is kept
 * @param summaryRetentionDays days small objects (summaries, diffs, trends) are kept
 * @param dumpMinBytes objects at least this large count as dumps for the lifecycle rules
 * @param logRetentionDays collector log retention
 * @param kms SSE-KMS with a customer managed key (bucket and secrets) instead of SSE-S3
 * @param accessLogs S3 server access logs for the dump bucket
 * @param vpcEndpoints create the S3 gateway and the ECS, Secrets Manager, logs and ECR endpoints
 * @param albCertificateArn a certificate ARN: serve the API and dashboard on an internal HTTPS ALB
 * @param alarmEmail an address subscribed to the alarm topic
 * @param destroyBucket delete the bucket with the stack (it must be empty); default retained
 * @param collectorImage an image URI to run instead of building {@code collector/}
 * @param agentImage an image URI to use instead of building {@code agent-endpoint/}
 * @param vpcCidr the VPC's CIDR (the load balancer admits it); looked up when subnets are
 */
public record HeapfleetSettings(
    String cluster,
    List<String> services,
    String vpcId,
    List<String> subnetIds,
    List<String> availabilityZones,
    List<String> routeTableIds,
    List<String> appSecurityGroupIds,
    int agentPort,
    int cpu,
    int memoryMiB,
    int heapMiB,
    long deepMaxDumpBytes,
    String scheduleInterval,
    int dumpRetentionDays,
    int summaryRetentionDays,
    long dumpMinBytes,
    int logRetentionDays,
    boolean kms,
    boolean accessLogs,
    boolean vpcEndpoints,
    Optional<String> albCertificateArn,
    Optional<String> alarmEmail,
    boolean destroyBucket,
    Optional<String> collectorImage,
    Optional<String> agentImage,
    Optional<String> vpcCidr) {

  /** The S3 key prefix the collector writes under (its default). */
  public static final String PREFIX = "heapdumps";

  /** Fargate's ephemeral storage when a task definition does not set it. */
  public static final int DEFAULT_EPHEMERAL_GIB = 20;

  private static final List<Integer> FARGATE_CPU = List.of(256, 512, 1024, 2048, 4096, 8192, 16384);

  public HeapfleetSettings {
    require(cluster != null && !cluster.isBlank(), "cluster", cluster, "the ECS cluster name");
    require(vpcId != null && vpcId.startsWith("vpc-"), "vpcId", vpcId, "a VPC id (vpc-...)");
    services = List.copyOf(services);
    subnetIds = List.copyOf(subnetIds);
    availabilityZones = List.copyOf(availabilityZones);
    routeTableIds = List.copyOf(routeTableIds);
    appSecurityGroupIds = List.copyOf(appSecurityGroupIds);
    require(
        subnetIds.isEmpty()
            || (!availabilityZones.isEmpty() && subnetIds.size() % availabilityZones.size() == 0),
        "availabilityZones",
        String.join(",", availabilityZones),
        "the zones of subnetIds, one per zone (needed with subnetIds)");
    require(
        routeTableIds.isEmpty() || routeTableIds.size() == subnetIds.size(),
        "routeTableIds",
        String.join(",", routeTableIds),
        "one route table per subnet id");
    require(
        !vpcEndpoints || subnetIds.isEmpty() || !routeTableIds.isEmpty(),
        "routeTableIds",
        "",
        "the subnets' route tables (the S3 gateway endpoint needs them with vpcEndpoints=true)");
    require(
        albCertificateArn.isEmpty() || subnetIds.isEmpty() || vpcCidr.isPresent(),
        "vpcCidr",
        "",
        "the VPC's CIDR (the load balancer admits it; needed with subnetIds and albCertificateArn)");
    require(agentPort > 0 && agentPort < 65536, "agentPort", agentPort, "a TCP port");
    require(FARGATE_CPU.contains(cpu), "cpu", cpu, "one of " + FARGATE_CPU);
    require(memoryMiB >= 512, "memoryMiB", memoryMiB, "at least 512");
    require(
        heapMiB >= 128 && heapMiB <= memoryMiB - 256,
        "heapMiB",
        heapMiB,
        "128 .. memoryMiB - 256 (the JVM needs memory besides its heap)");
    require(deepMaxDumpBytes > 0, "deepMaxDumpBytes", deepMaxDumpBytes, "a positive size");
    require(
        collectorEphemeralGiB(deepMaxDumpBytes) <= 200,
        "deepMaxDumpBytes",
        deepMaxDumpBytes,
        "at most 100 GiB (twice it must fit Fargate's 200 GiB of ephemeral storage)");
    require(
        scheduleInterval.matches("\\d+[smhd]"),
        "scheduleInterval",
        scheduleInterval,
        "a duration like 30m, 2h");
    require(dumpRetentionDays >= 1, "dumpRetentionDays", dumpRetentionDays, "at least 1");
    require(
        summaryRetentionDays >= dumpRetentionDays,
        "summaryRetentionDays",
        summaryRetentionDays,
        "at least dumpRetentionDays (a summary outlives its dump)");
    require(dumpMinBytes >= 1, "dumpMinBytes", dumpMinBytes, "a positive size");
    require(logRetentionDays >= 1, "logRetentionDays", logRetentionDays, "at least 1");
  }

  /**
   * Ephemeral storage for the collector: twice the largest dump it analyses deeply (the downloaded
   * dump and the spill files of its graph), never less than Fargate's default.
   */
  public static int collectorEphemeralGiB(long deepMaxDumpBytes) {
    long gib = 1L << 30;
    long twice = (2 * deepMaxDumpBytes + gib - 1) / gib;
    return (int) Math.max(DEFAULT_EPHEMERAL_GIB, twice);
  }

  /** This deployment's collector ephemeral storage. */
  public int ephemeralGiB() {
    return collectorEphemeralGiB(deepMaxDumpBytes);
  }

  /** Reads the settings from the CDK context of {@code node}; unset keys take the defaults. */
  public static HeapfleetSettings fromContext(Node node) {
    Function<String, Optional<String>> ctx =
        key -> {
          Object v = node.tryGetContext(key);
          return v == null || v.toString().isBlank() ? Optional.empty() : Optional.of(v.toString());
        };
    Builder b = builder();
    ctx.apply("cluster").ifPresent(b::cluster);
    ctx.apply("services").map(HeapfleetSettings::list).ifPresent(b::services);
    ctx.apply("vpcId").ifPresent(b::vpcId);
    ctx.apply("subnetIds").map(HeapfleetSettings::list).ifPresent(b::subnetIds);
    ctx.apply("availabilityZones").map(HeapfleetSettings::list).ifPresent(b::availabilityZones);
    ctx.apply("routeTableIds").map(HeapfleetSettings::list).ifPresent(b::routeTableIds);
    ctx.apply("appSecurityGroupIds").map(HeapfleetSettings::list).ifPresent(b::appSecurityGroupIds);
    ctx.apply("agentPort").map(v -> integer("agentPort", v)).ifPresent(b::agentPort);
    ctx.apply("cpu").map(v -> integer("cpu", v)).ifPresent(b::cpu);
    ctx.apply("memoryMiB").map(v -> integer("memoryMiB", v)).ifPresent(b::memoryMiB);
    ctx.apply("heapMiB").map(v -> integer("heapMiB", v)).ifPresent(b::heapMiB);
    ctx.apply("deepMaxDumpBytes")
        .map(v -> longValue("deepMaxDumpBytes", v))
        .ifPresent(b::deepMaxDumpBytes);
    ctx.apply("scheduleInterval").ifPresent(b::scheduleInterval);
    ctx.apply("dumpRetentionDays")
        .map(v -> integer("dumpRetentionDays", v))
        .ifPresent(b::dumpRetentionDays);
    ctx.apply("summaryRetentionDays")
        .map(v -> integer("summaryRetentionDays", v))
        .ifPresent(b::summaryRetentionDays);
    ctx.apply("dumpMinBytes").map(v -> longValue("dumpMinBytes", v)).ifPresent(b::dumpMinBytes);
    ctx.apply("logRetentionDays")
        .map(v -> integer("logRetentionDays", v))
        .ifPresent(b::logRetentionDays);
    ctx.apply("kms").map(v -> bool("kms", v)).ifPresent(b::kms);
    ctx.apply("accessLogs").map(v -> bool("accessLogs", v)).ifPresent(b::accessLogs);
    ctx.apply("vpcEndpoints").map(v -> bool("vpcEndpoints", v)).ifPresent(b::vpcEndpoints);
    ctx.apply("albCertificateArn").ifPresent(b::albCertificateArn);
    ctx.apply("alarmEmail").ifPresent(b::alarmEmail);
    ctx.apply("destroyBucket").map(v -> bool("destroyBucket", v)).ifPresent(b::destroyBucket);
    ctx.apply("collectorImage").ifPresent(b::collectorImage);
    ctx.apply("agentImage").ifPresent(b::agentImage);
    ctx.apply("vpcCidr").ifPresent(b::vpcCidr);
    return b.build();
  }

  private static List<String> list(String csv) {
    List<String> out = new ArrayList<>();
    Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
    return out;
  }

  private static int integer(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "context " + key + "=[" + value + "] is not a whole number", e);
    }
  }

  private static long longValue(String key, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "context " + key + "=[" + value + "] is not a whole number", e);
    }
  }

  private static boolean bool(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "context " + key + "=[" + value + "] must be true or false");
    };
  }

  private static void require(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(
          "context " + key + "=[" + value + "] is not valid; expected " + expected);
    }
  }

  /** A builder with the defaults; {@code cluster} and {@code vpcId} have none. */
  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private String cluster;
    private List<String> services = List.of();
    private String vpcId;
    private List<String> subnetIds = List.of();
    private List<String> availabilityZones = List.of();
    private List<String> routeTableIds = List.of();
    private List<String> appSecurityGroupIds = List.of();
    private int agentPort = 9091;
    private int cpu = 512;
    private int memoryMiB = 1024;
    private int heapMiB = 512;
    private long deepMaxDumpBytes = 1_073_741_824L;
    private String scheduleInterval = "30m";
    private int dumpRetentionDays = 14;
    private int summaryRetentionDays = 365;
    private long dumpMinBytes = 1L << 20;
    private int logRetentionDays = 30;
    private boolean kms;
    private boolean accessLogs;
    private boolean vpcEndpoints;
    private Optional<String> albCertificateArn = Optional.empty();
    private Optional<String> alarmEmail = Optional.empty();
    private boolean destroyBucket;
    private Optional<String> collectorImage = Optional.empty();
    private Optional<String> agentImage = Optional.empty();
    private Optional<String> vpcCidr = Optional.empty();

    public Builder vpcCidr(String v) {
      vpcCidr = Optional.ofNullable(v);
      return this;
    }

    public Builder cluster(String v) {
      cluster = v;
      return this;
    }

    public Builder services(List<String> v) {
      services = v;
      return this;
    }

    public Builder vpcId(String v) {
      vpcId = v;
      return this;
    }

    public Builder subnetIds(List<String> v) {
      subnetIds = v;
      return this;
    }

    public Builder availabilityZones(List<String> v) {
      availabilityZones = v;
      return this;
    }

    public Builder routeTableIds(List<String> v) {
      routeTableIds = v;
      return this;
    }

    public Builder appSecurityGroupIds(List<String> v) {
      appSecurityGroupIds = v;
      return this;
    }

    public Builder agentPort(int v) {
      agentPort = v;
      return this;
    }

    public Builder cpu(int v) {
      cpu = v;
      return this;
    }

    public Builder memoryMiB(int v) {
      memoryMiB = v;
      return this;
    }

    public Builder heapMiB(int v) {
      heapMiB = v;
      return this;
    }

    public Builder deepMaxDumpBytes(long v) {
      deepMaxDumpBytes = v;
      return this;
    }

    public Builder scheduleInterval(String v) {
      scheduleInterval = v;
      return this;
    }

    public Builder dumpRetentionDays(int v) {
      dumpRetentionDays = v;
      return this;
    }

    public Builder summaryRetentionDays(int v) {
      summaryRetentionDays = v;
      return this;
    }

    public Builder dumpMinBytes(long v) {
      dumpMinBytes = v;
      return this;
    }

    public Builder logRetentionDays(int v) {
      logRetentionDays = v;
      return this;
    }

    public Builder kms(boolean v) {
      kms = v;
      return this;
    }

    public Builder accessLogs(boolean v) {
      accessLogs = v;
      return this;
    }

    public Builder vpcEndpoints(boolean v) {
      vpcEndpoints = v;
      return this;
    }

    public Builder albCertificateArn(String v) {
      albCertificateArn = Optional.ofNullable(v);
      return this;
    }

    public Builder alarmEmail(String v) {
      alarmEmail = Optional.ofNullable(v);
      return this;
    }

    public Builder destroyBucket(boolean v) {
      destroyBucket = v;
      return this;
    }

    public Builder collectorImage(String v) {
      collectorImage = Optional.ofNullable(v);
      return this;
    }

    public Builder agentImage(String v) {
      agentImage = Optional.ofNullable(v);
      return this;
    }

    public HeapfleetSettings build() {
      return new HeapfleetSettings(
          cluster,
          services,
          vpcId,
          subnetIds,
          availabilityZones,
          routeTableIds,
          appSecurityGroupIds,
          agentPort,
          cpu,
          memoryMiB,
          heapMiB,
          deepMaxDumpBytes,
          scheduleInterval,
          dumpRetentionDays,
          summaryRetentionDays,
          dumpMinBytes,
          logRetentionDays,
          kms,
          accessLogs,
          vpcEndpoints,
          albCertificateArn,
          alarmEmail,
          destroyBucket,
          collectorImage,
          agentImage,
          vpcCidr);
    }
  }
}
