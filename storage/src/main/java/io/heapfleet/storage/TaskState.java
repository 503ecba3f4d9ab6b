package io.heapfleet.storage;

import java.util.List;
import java.util.Optional;

/**
 * What the bucket holds for one task, from one listing (no per-object requests): its dumps in time
 * order (metadata not loaded, see {@link DumpStore#series(String)} for that), how many have a
 * summary, and which per-task artifacts exist. Immutable.
 */
public record TaskState(
    TaskRef task, List<StoredDump> dumps, int summaries, List<TaskArtifact> artifacts) {

  public TaskState {
    dumps = List.copyOf(dumps);
    artifacts = List.copyOf(artifacts);
  }

  /** The newest dump, if any remain. */
  public Optional<StoredDump> latest() {
    return dumps.isEmpty() ? Optional.empty() : Optional.of(dumps.get(dumps.size() - 1));
  }

  public long totalBytes() {
    long sum = 0;
    for (StoredDump d : dumps) {
      sum += d.sizeBytes();
    }
    return sum;
  }
}
