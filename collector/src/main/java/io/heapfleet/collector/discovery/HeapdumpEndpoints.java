package io.heapfleet.collector.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Which containers of a task definition serve {@code /heapdump}, and on which container port. A
 * container declares it with a port mapping named {@code portName} ({@code portMappings[].name},
 * e.g. {@code heapdump}), or with the docker label {@code portLabel} (e.g. {@code
 * io.heapfleet.port=9292}) whose value is the port. A task definition in which no container
 * declares one has one endpoint on {@code fallbackPort} (the per-service or cluster-wide port),
 * container unknown. Stateless and thread-safe.
 */
final class HeapdumpEndpoints {
  private static final Logger LOG = Logger.getLogger(HeapdumpEndpoints.class);

  /**
   * One endpoint of a task.
   *
   * @param container the container's name, or null when no container declared the port
   * @param port the container port (in {@code awsvpc}/{@code host} mode also the task's port)
   */
  record Endpoint(String container, int port) {}

  private final String portName;
  private final String portLabel;

  HeapdumpEndpoints(String portName, String portLabel) {
    this.portName = portName;
    this.portLabel = portLabel;
  }

  /** The endpoints of {@code definition}: declared ones, else one on {@code fallbackPort}. */
  List<Endpoint> of(TaskDefinition definition, int fallbackPort) {
    List<Endpoint> declared = new ArrayList<>();
    if (definition != null) {
      for (ContainerDefinition c : definition.containerDefinitions()) {
        Integer port = declaredPort(definition, c);
        if (port != null) {
          declared.add(new Endpoint(c.name(), port));
        }
      }
    }
    return declared.isEmpty() ? List.of(new Endpoint(null, fallbackPort)) : declared;
  }

  private Integer declaredPort(TaskDefinition definition, ContainerDefinition c) {
    for (PortMapping m : c.portMappings()) {
      if (portName.equals(m.name()) && m.containerPort() != null) {
        return m.containerPort();
      }
    }
    Map<String, String> labels = c.dockerLabels();
    String label = labels == null ? null : labels.get(portLabel);
    if (label == null) {
      return null;
    }
    try {
      int port = Integer.parseInt(label.strip());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    LOG.warnf(
        "container %s of %s has %s=%s, not a port (1-65535): ignored",
        c.name(), definition.taskDefinitionArn(), portLabel, label);
    return null;
  }
}
