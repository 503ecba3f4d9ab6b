package io.heapfleet.collector.dashboard;

import java.util.List;
import java.util.Optional;

/** Where the dashboard's pages get their facts. Implementations are thread-safe. */
public interface DashboardData {

  /** Every known task (in no particular order; the page sorts). */
  List<FleetRow> fleet();

  /** The task page's facts, or empty when the task is unknown. */
  Optional<TaskView> task(String taskId);
}
