package io.heapfleet.analysis.diff;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The difference between two class histograms of one JVM: totals before and after, and per class
 * the change, biggest byte growth first (shrinking classes last). Immutable.
 *
 * @param baseTimestamp when the base dump was taken
 * @param currentTimestamp when the current dump was taken
 * @param baseInstances total objects in the base dump
 * @param currentInstances total objects in the current dump
 * @param baseBytes total shallow bytes in the base dump
 * @param currentBytes total shallow bytes in the current dump
 * @param classes every class present in either dump, biggest byte growth first
 * @param appeared classes with instances only in the current dump
 * @param disappeared classes with instances only in the base dump
 */
public record DiffResult(
    Instant baseTimestamp,
    Instant currentTimestamp,
    long baseInstances,
    long currentInstances,
    long baseBytes,
    long currentBytes,
    List<ClassDelta> classes,
    List<String> appeared,
    List<String> disappeared) {

  public DiffResult {
    classes = List.copyOf(classes);
    appeared = List.copyOf(appeared);
    disappeared = List.copyOf(disappeared);
  }

  public long instancesDelta() {
    return currentInstances - baseInstances;
  }

  public long bytesDelta() {
    return currentBytes - baseBytes;
  }

  /** Time between the two dumps (negative if "current" is older). */
  public Duration elapsed() {
    return Duration.between(baseTimestamp, currentTimestamp);
  }

  /** The same diff with only the first {@code n} classes. */
  public DiffResult top(int n) {
    if (n >= classes.size()) {
      return this;
    }
    return new DiffResult(
        baseTimestamp,
        currentTimestamp,
        baseInstances,
        currentInstances,
        baseBytes,
        currentBytes,
        classes.subList(0, n),
        appeared,
        disappeared);
  }
}
