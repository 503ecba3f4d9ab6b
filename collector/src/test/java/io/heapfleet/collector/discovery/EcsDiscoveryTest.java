package io.heapfleet.collector.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.collector.discovery.EcsStub.StubTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;

/** The real {@link EcsClient} against {@link EcsStub} on 127.0.0.1. */
class EcsDiscoveryTest {
  private EcsStub stub;
  private EcsClient ecs;

  @BeforeEach
  void start() throws Exception {
    stub = new EcsStub();
    ecs = stub.client();
  }

  @AfterEach
  void stop() {
    ecs.close();
    stub.close();
  }

  private EcsDiscovery discovery(List<String> services) {
    Map<String, Integer> ports = Map.of("checkout", 9191);
    return new EcsDiscovery(ecs, "prod", services, s -> ports.getOrDefault(s, 9091));
  }

  @Test
  void listsAllPagesAndUsesEniAddressAndPortPerService() {
    stub.setTasks(
        "prod",
        List.of(
            new StubTask("checkout", "t1", "RUNNING", "10.0.1.11"),
            new StubTask("checkout", "t2", "RUNNING", "10.0.1.12"),
            new StubTask("checkout", "t3", "RUNNING", "10.0.1.13"),
            new StubTask("catalog", "t4", "RUNNING", "10.0.2.14"),
            new StubTask("catalog", "t5", "PENDING", "10.0.2.15"),
            new StubTask("other", "t6", "RUNNING", "10.0.3.16")));

    List<Target> targets = discovery(List.of("checkout", "catalog")).discover();

    assertThat(targets)
        .containsExactly(
            new Target(
                "t1", "prod", "checkout", java.net.URI.create("http://10.0.1.11:9191"), false),
            new Target(
                "t2", "prod", "checkout", java.net.URI.create("http://10.0.1.12:9191"), false),
            new Target(
                "t3", "prod", "checkout", java.net.URI.create("http://10.0.1.13:9191"), false),
            new Target(
                "t4", "prod", "catalog", java.net.URI.create("http://10.0.2.14:9091"), false));
    // checkout: 2 pages, catalog: 1 page (t4, t5), then one DescribeTasks for the 5 ARNs.
    assertThat(taskCalls()).containsExactly("ListTasks", "ListTasks", "ListTasks", "DescribeTasks");
  }

  @Test
  void describesInBatchesOfOneHundred() {
    List<StubTask> many = new ArrayList<>();
    for (int i = 0; i < 230; i++) {
      many.add(new StubTask("web", "w" + i, "RUNNING", "10.1." + (i / 200) + "." + (i % 200)));
    }
    stub.setTasks("prod", many);
    stub.pageSize = 100;

    List<Target> targets = discovery(List.of()).discover();

    assertThat(targets).hasSize(230);
    assertThat(targets.get(229).baseUri().toString()).isEqualTo("http://10.1.1.29:9091");
    assertThat(targets.get(0).service()).isEqualTo("web"); // from the task's group
    assertThat(stub.calls.stream().filter("DescribeTasks"::equals).count()).isEqualTo(3);
  }

  @Test
  void taskThatGoesAwayOrIsReplacedChangesTheTargetList() {
    stub.setTasks(
        "prod",
        List.of(
            new StubTask("checkout", "old1", "RUNNING", "10.0.1.11"),
            new StubTask("checkout", "keep", "RUNNING", "10.0.1.12")));
    EcsDiscovery d = discovery(List.of("checkout"));
    assertThat(d.discover()).extracting(Target::taskId).containsExactly("old1", "keep");

    // old1 stops between ListTasks and DescribeTasks: reported as a MISSING failure, skipped.
    stub.vanishBetweenCalls.add("old1");
    assertThat(d.discover()).extracting(Target::taskId).containsExactly("keep");

    // ECS replaced it: a new task id (on a new IP); the old one is STOPPED.
    stub.vanishBetweenCalls.clear();
    stub.setTasks(
        "prod",
        List.of(
            new StubTask("checkout", "old1", "STOPPED", "10.0.1.11"),
            new StubTask("checkout", "keep", "RUNNING", "10.0.1.12"),
            new StubTask("checkout", "new1", "RUNNING", "10.0.1.19")));
    assertThat(d.discover())
        .extracting(Target::taskId, t -> t.baseUri().getHost())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("keep", "10.0.1.12"),
            org.assertj.core.groups.Tuple.tuple("new1", "10.0.1.19"));
  }

  @Test
  void taskWithoutEniAddressIsSkipped() {
    stub.setTasks(
        "prod",
        List.of(
            new StubTask("checkout", "bridge", "RUNNING", null),
            new StubTask("checkout", "vpc", "RUNNING", "10.0.1.5")));
    assertThat(discovery(List.of("checkout")).discover())
        .extracting(Target::taskId)
        .containsExactly("vpc");
  }

  @Test
  void unknownClusterIsADiscoveryErrorNamingTheCluster() {
    assertThatThrownBy(() -> discovery(List.of("checkout")).discover())
        .isInstanceOf(DiscoveryException.class)
        .hasMessageContaining("cluster prod")
        .hasCauseInstanceOf(ClusterNotFoundException.class);
  }

  @Test
  void throttlingIsRetriedBySdk() {
    stub.setTasks("prod", List.of(new StubTask("checkout", "t1", "RUNNING", "10.0.1.11")));
    stub.throttleNext.set(2);

    assertThat(discovery(List.of("checkout")).discover())
        .extracting(Target::taskId)
        .containsExactly("t1");
    assertThat(taskCalls()).containsExactly("ListTasks", "ListTasks", "ListTasks", "DescribeTasks");
  }

  private List<String> taskCalls() {
    return stub.calls.stream()
        .filter(c -> c.equals("ListTasks") || c.equals("DescribeTasks"))
        .toList();
  }
}
