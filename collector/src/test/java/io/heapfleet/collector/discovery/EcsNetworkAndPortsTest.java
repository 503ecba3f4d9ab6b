package io.heapfleet.collector.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.collector.discovery.EcsStub.StubContainer;
import io.heapfleet.collector.discovery.EcsStub.StubTask;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * ECS discovery with the real ECS, EC2 and STS clients against {@link EcsStub}, {@link Ec2Stub} and
 * {@link StsStub} on 127.0.0.1: network modes, ports and containers from the task definition, which
 * tasks are captured, and several clusters with assumed roles.
 */
class EcsNetworkAndPortsTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final EcsDiscovery.OptInTag OPT_IN =
      EcsDiscovery.OptInTag.parse("heapfleet:enabled=true");

  private EcsStub ecsStub;
  private Ec2Stub ec2Stub;
  private StsStub stsStub;
  private SdkHttpClient http;
  private EcsClients clients;
  private final List<String> skipped = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    ecsStub = new EcsStub();
    ec2Stub = new Ec2Stub();
    stsStub = new StsStub();
    http = UrlConnectionHttpClient.create();
    clients = EcsClients.of(EcsClusterRef.parse("prod"), options());
  }

  private EcsClients.Options options() {
    return new EcsClients.Options(
        Optional.of(EcsStub.REGION),
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBASE", "secret")),
        Optional.of(ecsStub.endpoint()),
        Optional.of(ec2Stub.endpoint()),
        Optional.of(stsStub.endpoint()),
        http);
  }

  @AfterEach
  void stop() {
    clients.close();
    http.close();
    ecsStub.close();
    ec2Stub.close();
    stsStub.close();
  }

  private EcsDiscovery discovery(List<String> services, Duration warmUp) {
    return discovery(clients, "prod", services, warmUp);
  }

  private EcsDiscovery discovery(
      EcsClients c, String cluster, List<String> services, Duration warmUp) {
    return new EcsDiscovery(
        c.ecs(),
        c.ec2(),
        new EcsDiscovery.Settings(
            cluster,
            services,
            OPT_IN,
            service -> 9091,
            "heapdump",
            "io.heapfleet.port",
            warmUp,
            true),
        Clock.fixed(NOW, ZoneOffset.UTC),
        (cl, reason) -> skipped.add(cl + ":" + reason.tag()));
  }

  private static StubContainer container(String name, Map<Integer, String> ports) {
    return new StubContainer(name, ports, Map.of(), false);
  }

  /** A port mapping without a name. */
  private static Map<Integer, String> unnamed(int port) {
    Map<Integer, String> m = new java.util.HashMap<>();
    m.put(port, null);
    return m;
  }

  @Test
  void bridgeAndHostTasksAreReachedAtTheirInstanceOnTheBoundHostPort() {
    ecsStub.taskDefinition("orders:3", "bridge", container("app", Map.of(9091, "heapdump")));
    ecsStub.taskDefinition("legacy:1", "host", container("legacy", unnamed(9091)));
    ecsStub.containerInstance("ci-1", "i-0aaa");
    ecsStub.containerInstance("ci-2", "i-0bbb");
    ecsStub.containerInstance("ci-3", "i-0ccc"); // no EC2 instance answers for it
    ec2Stub.instance("i-0aaa", "10.0.5.7");
    ec2Stub.instance("i-0bbb", "10.0.5.8");
    ecsStub.setTasks(
        "prod",
        List.of(
            new StubTask("orders", "b1", "RUNNING", null)
                .withTaskDefinition("orders:3")
                .onInstance("ci-1", Map.of("app", Map.of(9091, 49153))),
            new StubTask("orders", "b2", "RUNNING", null)
                .withTaskDefinition("orders:3")
                .onInstance("ci-1", Map.of("app", Map.of(9091, 32771))),
            new StubTask("legacy", "h1", "RUNNING", null)
                .withTaskDefinition("legacy:1")
                .onInstance("ci-2", Map.of("legacy", Map.of(9091, 9091))),
            new StubTask("orders", "lost", "RUNNING", null)
                .withTaskDefinition("orders:3")
                .onInstance("ci-3", Map.of("app", Map.of(9091, 40000))),
            new StubTask("orders", "unbound", "RUNNING", null)
                .withTaskDefinition("orders:3")
                .onInstance("ci-1", Map.of("app", Map.of()))));
    EcsDiscovery d = discovery(List.of("orders", "legacy"), Duration.ZERO);

    assertThat(d.discover())
        .extracting(Target::taskId, t -> t.baseUri().toString())
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("b1", "http://10.0.5.7:49153"),
            org.assertj.core.groups.Tuple.tuple("b2", "http://10.0.5.7:32771"),
            org.assertj.core.groups.Tuple.tuple("h1", "http://10.0.5.8:9091"));
    assertThat(skipped)
        .containsExactlyInAnyOrder("prod:no-instance-address", "prod:no-port-binding");
    assertThat(ec2Stub.requests).hasSize(1);
    assertThat(ec2Stub.requests.get(0).get("Action")).isEqualTo("DescribeInstances");

    // Container instance addresses and task definitions are cached: a second refresh asks ECS
    // and EC2 only about what it has not seen (ci-3, still unknown).
    long describedInstances =
        ecsStub.calls.stream().filter("DescribeContainerInstances"::equals).count();
    d.discover();
    assertThat(ecsStub.calls.stream().filter("DescribeContainerInstances"::equals).count())
        .isEqualTo(describedInstances + 1);
    assertThat(d.taskDefinitionCalls()).isEqualTo(2);
  }

  @Test
  void ipv6OnlyTasksAndInstancesAreBracketedInTheUri() {
    ecsStub.taskDefinition("web:1", "awsvpc", container("web", Map.of(9091, "heapdump")));
    ecsStub.taskDefinition("worker:1", "bridge", container("worker", Map.of(9091, "heapdump")));
    ecsStub.containerInstance("ci-6", "i-0v6");
    ec2Stub.ipv6OnlyInstance("i-0v6", "2600:1f18:abcd::17");
    ecsStub.setTasks(
        "prod",
        List.of(
            new StubTask("web", "v6", "RUNNING", null)
                .withTaskDefinition("web:1")
                .withIpv6Only("2600:1f18:abcd::5"),
            new StubTask("worker", "w6", "RUNNING", null)
                .withTaskDefinition("worker:1")
                .onInstance("ci-6", Map.of("worker", Map.of(9091, 33000)))));

    List<Target> targets = discovery(List.of("web", "worker"), Duration.ZERO).discover();

    assertThat(targets)
        .extracting(t -> t.baseUri().toString())
        .containsExactly("http://[2600:1f18:abcd::5]:9091", "http://[2600:1f18:abcd::17]:33000");
    assertThat(targets.get(0).baseUri().getHost()).isEqualTo("[2600:1f18:abcd::5]");
    assertThat(targets.get(0).baseUri().getPort()).isEqualTo(9091);
  }

  @Test
  void ordersApiPortComesFromThePortMappingNamedHeapdumpNotFromEnvironmentKeys() {
    // orders-api cannot be configured with HEAPFLEET_COLLECTOR_DISCOVERY_ECS_PORTS_ORDERS_API
    // (SmallRye reads it as ports.orders.api): its task definition names the port instead.
    ecsStub.taskDefinition(
        "orders-api:12",
        "awsvpc",
        container("envoy", Map.of(9901, "admin")),
        container("orders-api", Map.of(8080, "http", 9292, "heapdump")));
    ecsStub.taskDefinition(
        "Billing:4",
        "awsvpc",
        new StubContainer(
            "billing", Map.of(8080, "http"), Map.of("io.heapfleet.port", "9393"), false));
    ecsStub.setTasks(
        "prod",
        List.of(
            new StubTask("orders-api", "o1", "RUNNING", "10.0.1.21")
                .withTaskDefinition("orders-api:12"),
            new StubTask("orders-api", "o2", "RUNNING", "10.0.1.22")
                .withTaskDefinition("orders-api:12"),
            new StubTask("Billing", "b1", "RUNNING", "10.0.1.31").withTaskDefinition("Billing:4")));
    EcsDiscovery d = discovery(List.of("orders-api", "Billing"), Duration.ZERO);

    assertThat(d.discover())
        .containsExactly(
            new Target("o1", "prod", "orders-api", URI.create("http://10.0.1.21:9292"), false),
            new Target("o2", "prod", "orders-api", URI.create("http://10.0.1.22:9292"), false),
            new Target("b1", "prod", "Billing", URI.create("http://10.0.1.31:9393"), false));
    d.discover();
    // Each task definition revision is read once (revisions are immutable).
    assertThat(d.taskDefinitionCalls()).isEqualTo(2);
    assertThat(ecsStub.calls.stream().filter("DescribeTaskDefinition"::equals).count())
        .isEqualTo(2);
  }

  @Test
  void twoJvmsInOneTaskAreTwoSeriesNamedByContainer() {
    ecsStub.taskDefinition(
        "shop:2",
        "awsvpc",
        container("api", Map.of(9091, "heapdump")),
        new StubContainer("worker", Map.of(), Map.of("io.heapfleet.port", "9092"), false),
        container("sidecar", Map.of(15000, "admin")));
    ecsStub.setTasks(
        "prod",
        List.of(new StubTask("shop", "t1", "RUNNING", "10.0.2.5").withTaskDefinition("shop:2")));

    List<Target> targets = discovery(List.of("shop"), Duration.ZERO).discover();

    assertThat(targets)
        .extracting(
            Target::taskId, Target::container, Target::agentTaskId, t -> t.baseUri().getPort())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("t1.api", "api", "t1", 9091),
            org.assertj.core.groups.Tuple.tuple("t1.worker", "worker", "t1", 9092));
  }

  @Test
  void withoutServiceListOnlyTasksOptedInByTagOnServiceOrTaskAreCaptured() {
    ecsStub.services(
        "prod",
        Map.of(
            "orders", Map.of("heapfleet:enabled", "true", "team", "shop"),
            "heapfleet-collector", Map.of("team", "platform"),
            "batch", Map.of()));
    ecsStub.setTasks(
        "prod",
        List.of(
            new StubTask("orders", "o1", "RUNNING", "10.0.1.1"),
            new StubTask("heapfleet-collector", "self", "RUNNING", "10.0.1.2"),
            new StubTask("batch", "b1", "RUNNING", "10.0.1.3")
                .withTags(Map.of("heapfleet:enabled", "true")),
            new StubTask("batch", "b2", "RUNNING", "10.0.1.4")));

    EcsDiscovery d = discovery(List.of(), Duration.ZERO);

    assertThat(d.discover()).extracting(Target::taskId).containsExactlyInAnyOrder("o1", "b1");
    assertThat(d.describe()).contains("tagged heapfleet:enabled=true");
    assertThat(ecsStub.calls).contains("ListServices", "DescribeServices");
  }

  @Test
  void unhealthyStartingAndYoungTasksAreSkippedAndCounted() {
    ecsStub.taskDefinition(
        "api:9", "awsvpc", new StubContainer("api", Map.of(9091, "heapdump"), Map.of(), true));
    ecsStub.setTasks(
        "prod",
        List.of(
            new StubTask("api", "ok", "RUNNING", "10.0.3.1")
                .withTaskDefinition("api:9")
                .withHealth("HEALTHY")
                .startedAt(NOW.minus(Duration.ofHours(3))),
            new StubTask("api", "sick", "RUNNING", "10.0.3.2")
                .withTaskDefinition("api:9")
                .withHealth("UNHEALTHY")
                .startedAt(NOW.minus(Duration.ofHours(3))),
            new StubTask("api", "starting", "RUNNING", "10.0.3.3")
                .withTaskDefinition("api:9")
                .withHealth("UNKNOWN")
                .startedAt(NOW.minus(Duration.ofSeconds(20))),
            new StubTask("api", "young", "RUNNING", "10.0.3.4")
                .withTaskDefinition("api:9")
                .withHealth("HEALTHY")
                .startedAt(NOW.minus(Duration.ofSeconds(90))),
            new StubTask("api", "pending", "PENDING", "10.0.3.5").withTaskDefinition("api:9")));

    assertThat(discovery(List.of("api"), Duration.ofMinutes(2)).discover())
        .extracting(Target::taskId)
        .containsExactly("ok");
    assertThat(skipped)
        .containsExactlyInAnyOrder(
            "prod:not-healthy", "prod:not-healthy", "prod:warming-up", "prod:not-running");
  }

  @Test
  void tasksWithoutHealthCheckAreNotHeldBackByUnknownHealth() {
    ecsStub.setTasks(
        "prod", List.of(new StubTask("plain", "p1", "RUNNING", "10.0.4.1").withHealth("UNKNOWN")));
    assertThat(discovery(List.of("plain"), Duration.ZERO).discover())
        .extracting(Target::taskId)
        .containsExactly("p1");
  }

  @Test
  void deletedServiceFailsAloneAndTheOthersAreStillDiscovered() {
    ecsStub.setTasks(
        "prod",
        List.of(
            new StubTask("gone", "g1", "RUNNING", "10.0.1.9"),
            new StubTask("checkout", "c1", "RUNNING", "10.0.1.10")));
    ecsStub.deletedServices.add("gone");

    assertThat(discovery(List.of("gone", "checkout"), Duration.ZERO).discover())
        .extracting(Target::taskId, Target::service)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c1", "checkout"));
  }

  @Test
  void standaloneTaskWithoutServiceIsNamedAfterItsTaskDefinitionFamily() {
    ecsStub.setTasks(
        "prod",
        List.of(
            new StubTask(null, "job1", "RUNNING", "10.0.9.1")
                .withTaskDefinition("nightly-report:4")
                .withTags(Map.of("heapfleet:enabled", "true"))));
    assertThat(discovery(List.of(), Duration.ZERO).discover())
        .extracting(Target::service)
        .containsExactly("nightly-report");
  }

  @Test
  void clusterInAnotherAccountIsReadWithTheAssumedRolesCredentials() {
    String role = "arn:aws:iam::222222222222:role/heapfleet-reader";
    EcsClusterRef ref =
        EcsClusterRef.parse("arn:aws:ecs:eu-central-1:222222222222:cluster/payments@" + role);
    assertThat(ref.region()).contains("eu-central-1");
    assertThat(ref.name()).isEqualTo("payments");
    ecsStub.setTasks("payments", List.of(new StubTask("pay", "p1", "RUNNING", "10.2.0.1")));
    ecsStub.setTasks("prod", List.of(new StubTask("checkout", "c1", "RUNNING", "10.0.0.1")));

    try (EcsClients other = EcsClients.of(ref, options())) {
      MultiClusterDiscovery both =
          new MultiClusterDiscovery(
              List.of(
                  discovery(clients, "prod", List.of("checkout"), Duration.ZERO),
                  discovery(other, ref.cluster(), List.of("pay"), Duration.ZERO)));

      assertThat(both.discover())
          .extracting(Target::taskId, Target::cluster)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("c1", "prod"),
              org.assertj.core.groups.Tuple.tuple("p1", "payments"));
    }
    assertThat(stsStub.requests).hasSize(1);
    assertThat(stsStub.requests.get(0))
        .containsEntry("Action", "AssumeRole")
        .containsEntry("RoleArn", role)
        .containsEntry("RoleSessionName", EcsClients.ROLE_SESSION_NAME);
    // prod was read with the collector's own key; payments with the role's temporary one.
    assertThat(ecsStub.accessKeys).contains("AKIDBASE", StsStub.accessKeyOf(role));
  }

  @Test
  void oneFailingClusterKeepsItsTasksAndDoesNotStopTheOthers() {
    ecsStub.setTasks("prod", List.of(new StubTask("checkout", "c1", "RUNNING", "10.0.0.1")));
    ecsStub.setTasks("eu", List.of(new StubTask("checkout", "e1", "RUNNING", "10.1.0.1")));
    MultiClusterDiscovery both =
        new MultiClusterDiscovery(
            List.of(
                discovery(clients, "prod", List.of("checkout"), Duration.ZERO),
                discovery(clients, "eu", List.of("checkout"), Duration.ZERO)));
    assertThat(both.discover()).extracting(Target::taskId).containsExactly("c1", "e1");

    ecsStub.setTasks("prod", List.of(new StubTask("checkout", "c2", "RUNNING", "10.0.0.2")));
    ecsStub.removeCluster("eu"); // now ClusterNotFoundException
    assertThat(both.discover()).extracting(Target::taskId).containsExactly("c2", "e1");

    ecsStub.removeCluster("prod");
    assertThatThrownBy(both::discover)
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("cluster prod")
        .hasMessageContaining("cluster eu");
  }

  @Test
  void clusterEntriesAreParsedStrictly() {
    assertThat(EcsClusterRef.parse("prod"))
        .isEqualTo(new EcsClusterRef("prod", Optional.empty(), Optional.empty()));
    assertThatThrownBy(() -> EcsClusterRef.parse("prod@heapfleet-reader"))
        .hasMessageContaining("role ARN");
    assertThatThrownBy(() -> EcsClusterRef.parse("arn:aws:ecs:eu-west-1:1:service/prod/x"))
        .hasMessageContaining("not a cluster ARN");
    assertThatThrownBy(() -> EcsDiscovery.OptInTag.parse("heapfleet:enabled"))
        .hasMessageContaining("key=value");
  }
}
