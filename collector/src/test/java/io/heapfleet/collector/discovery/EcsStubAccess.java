package io.heapfleet.collector.discovery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The {@link EcsStub} and a real {@link EcsClient} pointed at it, for tests outside this package.
 * All tasks run on 127.0.0.1 (the agents under test listen there).
 */
public final class EcsStubAccess implements AutoCloseable {
  private final EcsStub stub;
  private final EcsClient client;

  public EcsStubAccess() throws IOException {
    stub = new EcsStub();
    client = stub.client();
  }

  /** The stub's endpoint, for a collector in another process. */
  public java.net.URI endpoint() {
    return stub.endpoint();
  }

  public EcsClient client() {
    return client;
  }

  /** Sets the RUNNING tasks of {@code cluster}: task id → service. */
  public void tasks(String cluster, Map<String, String> serviceOfTask) {
    List<EcsStub.StubTask> tasks = new ArrayList<>();
    serviceOfTask.forEach(
        (id, svc) -> tasks.add(new EcsStub.StubTask(svc, id, "RUNNING", "127.0.0.1")));
    stub.setTasks(cluster, tasks);
  }

  /**
   * Sets one RUNNING awsvpc task of {@code cluster} on 127.0.0.1 whose task definition declares a
   * heapdump port (a port mapping named {@code heapdump}) in each of {@code portOfContainer}'s
   * containers.
   */
  public void taskWithContainers(
      String cluster, String taskId, String service, Map<String, Integer> portOfContainer) {
    String familyRevision = service + ":1";
    List<EcsStub.StubContainer> containers = new ArrayList<>();
    portOfContainer.forEach(
        (name, port) ->
            containers.add(
                new EcsStub.StubContainer(name, Map.of(port, "heapdump"), Map.of(), false)));
    stub.taskDefinition(familyRevision, "awsvpc", containers.toArray(EcsStub.StubContainer[]::new));
    stub.setTasks(
        cluster,
        List.of(
            new EcsStub.StubTask(service, taskId, "RUNNING", "127.0.0.1")
                .withTaskDefinition(familyRevision)));
  }

  @Override
  public void close() {
    client.close();
    stub.close();
  }
}
