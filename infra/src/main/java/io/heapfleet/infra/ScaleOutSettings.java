package io.heapfleet.infra;

import java.util.Optional;
import software.constructs.Node;

/**
 * Scale-out settings (CDK context keys {@code scaleOutWorkersMin}, {@code scaleOutWorkersMax},
 * {@code scaleOutPerService}, {@code scaleOutBacklogPerWorker}, {@code scaleOutMaxReceives}). Off
 * while {@code workersMax} is 0 (the default): the collector is one task, as without them.
 *
 * @param workersMin collector tasks kept running when the queue is empty
 * @param workersMax most collector tasks the backlog can scale to (0: scale-out off)
 * @param perService captures of one service at once over all tasks (message groups per service)
 * @param backlogPerWorker queued and in-flight captures per task above which a task is added
 * @param maxReceives receives of one capture before SQS moves it to the dead-letter queue
 */
public record ScaleOutSettings(
    int workersMin, int workersMax, int perService, int backlogPerWorker, int maxReceives) {

  public ScaleOutSettings {
    check(workersMin >= 1, "scaleOutWorkersMin", workersMin, "at least 1");
    check(
        workersMax == 0 || workersMax >= workersMin,
        "scaleOutWorkersMax",
        workersMax,
        "0 (off) or at least scaleOutWorkersMin");
    check(perService >= 1, "scaleOutPerService", perService, "at least 1");
    check(backlogPerWorker >= 1, "scaleOutBacklogPerWorker", backlogPerWorker, "at least 1");
    check(maxReceives >= 1 && maxReceives <= 1000, "scaleOutMaxReceives", maxReceives, "1 .. 1000");
  }

  /** Scale-out off. */
  public static final ScaleOutSettings OFF = new ScaleOutSettings(1, 0, 1, 4, 3);

  public boolean enabled() {
    return workersMax > 0;
  }

  /** Reads the settings from the CDK context of {@code node}; unset keys take the defaults. */
  public static ScaleOutSettings fromContext(Node node) {
    return new ScaleOutSettings(
        integer(node, "scaleOutWorkersMin").orElse(OFF.workersMin()),
        integer(node, "scaleOutWorkersMax").orElse(OFF.workersMax()),
        integer(node, "scaleOutPerService").orElse(OFF.perService()),
        integer(node, "scaleOutBacklogPerWorker").orElse(OFF.backlogPerWorker()),
        integer(node, "scaleOutMaxReceives").orElse(OFF.maxReceives()));
  }

  private static Optional<Integer> integer(Node node, String key) {
    Object v = node.tryGetContext(key);
    if (v == null || v.toString().isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(v.toString().trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "context " + key + "=[" + v + "] is not a whole number", e);
    }
  }

  private static void check(boolean ok, String key, int value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(
          "context " + key + "=[" + value + "] is not valid; expected " + expected);
    }
  }
}
