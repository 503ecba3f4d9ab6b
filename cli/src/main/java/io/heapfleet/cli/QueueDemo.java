package io.heapfleet.cli;

import io.heapfleet.cli.demo.CollectorReplicas;
import io.heapfleet.cli.demo.DemoFleet;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code heapfleet demo --collectors N} adds to the demo's progress: every collector ready
 * before the rounds start, and after them which collector took how many captures and whether all of
 * them show the same fleet. Does nothing with one collector. Stateless.
 */
final class QueueDemo {
  private QueueDemo() {}

  /** Waits for every collector after the first and says how they share the work. */
  static void awaitReady(DemoFleet fleet, PrintWriter err) throws InterruptedException {
    Optional<CollectorReplicas> replicas = fleet.replicas();
    if (replicas.isEmpty()) {
      return;
    }
    CollectorReplicas r = replicas.get();
    try {
      r.awaitReady(Duration.ofSeconds(120));
    } catch (IOException e) {
      throw UserException.failure(e.getMessage(), e);
    }
    int n = r.replicas().size();
    err.println(
        "demo: "
            + n
            + " collectors share the fleet through the queue "
            + r.queueUrl()
            + ": "
            + r.first().name()
            + " plans and works, "
            + (n == 2 ? r.replicas().get(1).name() : "collector-2.." + n)
            + " work; progress and verdict come from "
            + r.first().name());
    err.flush();
  }

  /** After the rounds: captures per collector, and the fleet as every collector shows it. */
  static void reportSpreadAndFleets(DemoFleet fleet, PrintWriter err) throws InterruptedException {
    Optional<CollectorReplicas> replicas = fleet.replicas();
    if (replicas.isEmpty()) {
      return;
    }
    CollectorReplicas r = replicas.get();
    r.reportCaptures(err);
    err.println(
        "demo: captures by collector: "
            + r.spread()
            + " ("
            + r.collectorsThatCaptured()
            + " of "
            + r.replicas().size()
            + " captured)");
    err.flush();
    List<String> differences = new ArrayList<>();
    Optional<String> same = r.sameFleet(differences);
    if (same.isPresent()) {
      err.println(
          "demo: all " + r.replicas().size() + " collectors show the same fleet: " + same.get());
    } else {
      err.println(
          "demo: warning: the collectors do not show the same fleet: "
              + String.join("; ", differences));
    }
    err.flush();
  }
}
