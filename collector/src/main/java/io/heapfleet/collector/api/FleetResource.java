package io.heapfleet.collector.api;

import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.collector.service.CollectorEngine;
import io.heapfleet.collector.state.TaskStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Comparator;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** The fleet at a glance: which live tasks are leaking, worst first. Thread-safe (stateless). */
@Path("/api/fleet")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "apiToken")
public class FleetResource {
  @Inject CollectorEngine engine;

  /**
   * The fleet summary.
   *
   * @param liveTasks tasks discovery sees now
   * @param leaking live tasks assessed {@code leaking}, fastest heap growth first, each with its
   *     owner-first {@code topSuspect} ({@link TaskSummary})
   * @param stable number of live tasks assessed {@code stable}
   * @param unknown number of live tasks with fewer than two snapshots
   * @param discovery where tasks come from and when that last worked
   * @param inconclusive number of live tasks whose dumps cannot tell a leak from a warm-up yet
   */
  public record Fleet(
      int liveTasks,
      List<TaskSummary> leaking,
      int stable,
      int unknown,
      CollectorEngine.DiscoveryStatus discovery,
      int inconclusive) {}

  @GET
  @Operation(summary = "Which live tasks are leaking, worst (fastest growing) first")
  public Fleet fleet() {
    List<TaskStatus> live = engine.tasks().stream().filter(TaskStatus::live).toList();
    List<TaskSummary> leaking =
        live.stream()
            .filter(t -> t.verdict().orElse(null) == Assessment.LEAKING)
            .sorted(Comparator.comparingDouble(TaskStatus::growthBytesPerHour).reversed())
            .map(t -> TaskSummary.of(t, engine.analysis().growingOwners(t.taskId())))
            .toList();
    int stable = count(live, Assessment.STABLE);
    int inconclusive = count(live, Assessment.INCONCLUSIVE);
    return new Fleet(
        live.size(),
        leaking,
        stable,
        live.size() - leaking.size() - stable - inconclusive,
        engine.discoveryStatus(),
        inconclusive);
  }

  private static int count(List<TaskStatus> tasks, Assessment a) {
    return (int) tasks.stream().filter(t -> t.verdict().orElse(null) == a).count();
  }
}
