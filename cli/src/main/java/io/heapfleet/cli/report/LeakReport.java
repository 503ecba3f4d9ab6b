package io.heapfleet.cli.report;

import io.heapfleet.analysis.trend.Assessment;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The measured facts of one leak investigation report: what was observed (snapshots), how the heap
 * and its classes changed, what the trend analysis concluded, and how to reproduce it. Every field
 * is either measured or absent; {@link LeakReportMarkdown} leaves out sections whose facts are
 * absent instead of printing placeholders. Immutable, thread-safe.
 *
 * @param subject what the report is about: a task id, or the dump files' common name
 * @param service the task's service when known
 * @param cluster the task's cluster when known
 * @param generatedAt when the report was written
 * @param snapshots the dumps analysed, oldest first
 * @param assessment the trend's verdict when a trend over enough snapshots exists
 * @param assessmentReason the trend analysis' one-line reason, when given
 * @param heapBytesPerHour the heap's slope over the snapshots, when measured
 * @param growing classes that grew between the first and the last snapshot, biggest first
 * @param topConsumers the biggest classes in the last snapshot
 * @param retainerPaths paths from a GC root to instances of growing classes, when computed
 * @param reproduce commands that produce the same analysis again
 * @param growthShown the growth that goes with the verdict, as every front end writes it ({@code
 *     VerdictText.growth}: {@code +900.0 MiB/h}, {@code flat since …}), when assessed
 */
public record LeakReport(
    String subject,
    Optional<String> service,
    Optional<String> cluster,
    Instant generatedAt,
    List<Snapshot> snapshots,
    Optional<Assessment> assessment,
    Optional<String> assessmentReason,
    OptionalDouble heapBytesPerHour,
    List<Growth> growing,
    List<Consumer> topConsumers,
    List<RetainerPath> retainerPaths,
    List<String> reproduce,
    Optional<String> growthShown) {

  /** The same report with {@code paths} as its retainer paths. */
  public LeakReport withRetainerPaths(List<RetainerPath> paths) {
    return new LeakReport(
        subject,
        service,
        cluster,
        generatedAt,
        snapshots,
        assessment,
        assessmentReason,
        heapBytesPerHour,
        growing,
        topConsumers,
        paths,
        reproduce,
        growthShown);
  }

  /** The first {@code n} classes the trend found growing steadily (the leak suspects). */
  public List<String> steadySuspects(int n) {
    return growing.stream().filter(Growth::steady).limit(n).map(Growth::className).toList();
  }

  public LeakReport {
    Objects.requireNonNull(subject, "subject");
    snapshots = List.copyOf(snapshots);
    growing = List.copyOf(growing);
    topConsumers = List.copyOf(topConsumers);
    retainerPaths = List.copyOf(retainerPaths);
    reproduce = List.copyOf(reproduce);
  }

  /**
   * One dump.
   *
   * @param time when the dump was taken (from the HPROF header)
   * @param heapBytes shallow bytes of every object in the dump
   * @param instances objects in the dump
   * @param location where the dump is: an S3 URI or a local path
   * @param fileBytes the dump's size as stored (compressed), when known
   */
  public record Snapshot(
      Instant time, long heapBytes, long instances, String location, OptionalLong fileBytes) {}

  /**
   * One class's growth.
   *
   * @param className as a Java programmer writes it
   * @param instancesDelta instances added between the first and the last snapshot
   * @param bytesDelta shallow bytes added between the first and the last snapshot
   * @param bytesPerHour the class's slope over all snapshots, when a trend was computed
   * @param steady whether the trend found it growing steadily (the leak rule), not just changed
   */
  public record Growth(
      String className,
      long instancesDelta,
      long bytesDelta,
      OptionalDouble bytesPerHour,
      boolean steady) {}

  /** One of the biggest classes in the last snapshot. */
  public record Consumer(String className, long instances, long shallowBytes) {}

  /**
   * How instances of a class are held.
   *
   * @param className the retained class
   * @param owner the nearest application class that holds the instances, when known
   * @param steps from the GC root (first) to the retained object (last), e.g. {@code static
   *     com.acme.cart.CartStore.CARTS}
   * @param retainedBytes bytes the owner objects keep alive, when computed
   */
  public record RetainerPath(
      String className, Optional<String> owner, List<String> steps, OptionalLong retainedBytes) {
    public RetainerPath {
      steps = List.copyOf(steps);
    }
  }
}
