package io.heapfleet.collector.dashboard;

import io.heapfleet.analysis.report.Format;
import java.time.Instant;
import java.util.List;

/**
 * Everything the task page shows for one task. Immutable.
 *
 * @param row the task's fleet-page row (assessment, growth, last capture)
 * @param reason the trend's one-line reason, or {@code null}
 * @param chart heap over time, stacked by the top classes
 * @param diffBase time of the diff's base dump, or {@code null} when fewer than two dumps exist
 * @param diffCurrent time of the diff's current dump, or {@code null}
 * @param diff the latest diff (previous dump → newest), biggest growth first
 * @param suspects the trend's ranked suspects
 * @param dumps the task's stored dumps, newest first, with download links
 * @param owners the trend's growth attributed to the classes that hold it, best first (empty until
 *     the collector's deep analysis of a leaking trend found owners)
 * @param stats the task's stats series with its dumps on one time axis (empty without stats)
 */
public record TaskView(
    FleetRow row,
    String reason,
    HeapChart chart,
    Instant diffBase,
    Instant diffCurrent,
    List<DiffRow> diff,
    List<Suspect> suspects,
    List<Dump> dumps,
    List<Owner> owners,
    StatsChart stats) {

  public TaskView {
    diff = List.copyOf(diff);
    suspects = List.copyOf(suspects);
    dumps = List.copyOf(dumps);
    owners = List.copyOf(owners);
    stats = stats == null ? StatsChart.empty() : stats;
  }

  /** The one line to read first (owner, holder, growth, classes), or {@code null}. */
  public String headline() {
    return owners.isEmpty() ? null : owners.get(0).headline();
  }

  /**
   * One owner of growing objects.
   *
   * @param owner the owner class
   * @param holder what keeps the owner objects alive, or {@code null}
   * @param headline the one-line summary
   * @param bytesPerHour the summed growth of {@code classes}
   * @param retainedBytes what the owner objects retain
   * @param classes the growing classes attributed to it
   * @param path retainer path, GC root first
   */
  public record Owner(
      String owner,
      String holder,
      String headline,
      double bytesPerHour,
      long retainedBytes,
      List<String> classes,
      List<String> path) {
    public Owner {
      classes = List.copyOf(classes);
      path = List.copyOf(path);
    }

    public String rate() {
      return Format.bytesPerHour(bytesPerHour);
    }

    public String retained() {
      return Format.bytes(retainedBytes);
    }

    public String classesText() {
      return String.join(", ", classes);
    }

    public String pathText() {
      return String.join(" → ", path);
    }
  }

  public String diffRange() {
    return diffBase == null ? "" : Format.time(diffBase) + " → " + Format.time(diffCurrent);
  }

  /** One class in the latest diff. */
  public record DiffRow(
      String className,
      long instancesBefore,
      long instancesAfter,
      long bytesBefore,
      long bytesAfter) {
    public long instancesDelta() {
      return instancesAfter - instancesBefore;
    }

    public long bytesDelta() {
      return bytesAfter - bytesBefore;
    }

    public String instancesDeltaText() {
      return Format.signedCount(instancesDelta());
    }

    public String bytesDeltaText() {
      return Format.signedBytes(bytesDelta());
    }

    public String instancesAfterText() {
      return Format.count(instancesAfter);
    }

    public String bytesAfterText() {
      return Format.bytes(bytesAfter);
    }

    public boolean grows() {
      return bytesDelta() > 0;
    }
  }

  /**
   * One trend suspect.
   *
   * @param steady whether it meets the trend's leak rule (grows steadily), not just drifts
   * @param owner the object that holds the instances (e.g. a static field), or {@code null}
   * @param path GC root → … → the class, empty when not computed
   */
  public record Suspect(
      String className,
      double bytesPerHour,
      double instancesPerHour,
      boolean steady,
      String owner,
      List<String> path) {
    public Suspect {
      path = List.copyOf(path);
    }

    public String rate() {
      return Double.isNaN(bytesPerHour) ? "–" : Format.bytesPerHour(bytesPerHour);
    }

    public String instancesRate() {
      return Double.isNaN(instancesPerHour) ? "–" : Format.countPerHour(instancesPerHour);
    }

    public boolean hasPath() {
      return !path.isEmpty();
    }

    public String pathText() {
      return String.join(" → ", path);
    }
  }

  /** One stored dump and how to download it. */
  public record Dump(Instant time, String name, long sizeBytes, String href) {
    public String timeText() {
      return Format.time(time);
    }

    public String size() {
      return sizeBytes < 0 ? "–" : Format.bytes(sizeBytes);
    }
  }
}
