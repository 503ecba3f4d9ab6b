package io.heapfleet.collector.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.heapfleet.analysis.report.VerdictText;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.collector.state.TaskStatus;
import io.heapfleet.storage.DumpFormat;
import java.util.List;

/**
 * One task as {@code GET /api/tasks}, {@code GET /api/tasks/{id}} and {@code GET /api/fleet} serve
 * it: every {@link TaskStatus} field (unchanged names) plus the suspect to name first. When the
 * collector's deep analysis has found who holds the growing classes, that is the owner class and
 * its holder ("{@code com.acme.cart.Cart} held by {@code static com.acme.cart.CartStore.CARTS}"),
 * not the JDK class that grows fastest ({@code byte[]}); otherwise the first growing class.
 * Immutable.
 *
 * @param status the task's state, serialized flat (its fields are this object's fields)
 * @param topSuspect for a leaking or inconclusive task, the owner class of the best-ranked owner
 *     when known, else the trend's first growing class; {@code null} for a stable task or when
 *     nothing grows ({@link VerdictText#topSuspect})
 * @param topSuspectHolder what keeps {@code topSuspect}'s objects alive (a static field, the
 *     application object on the retainer path, or the GC root), or {@code null} when not known
 * @param topSuspectHeadline one line for people, e.g. {@code com.acme.cart.Cart held by static
 *     com.acme.cart.CartStore.CARTS: +898.0 MiB/h (byte[], Cart)}; {@code null} without owners
 * @param owners the trend's growth attributed to owners, best first (empty until a deep analysis of
 *     a leaking trend named one)
 * @param runtime what the task runs, from its newest stored dump: {@code jvm} (HPROF) or {@code
 *     node} (V8 heap snapshot); {@code null} before the first dump
 */
public record TaskSummary(
    @JsonUnwrapped TaskStatus status,
    String topSuspect,
    String topSuspectHolder,
    String topSuspectHeadline,
    List<Owner> owners,
    String runtime) {

  public TaskSummary {
    owners = List.copyOf(owners);
  }

  /**
   * One owner and the growth attributed to it.
   *
   * @param owner the owner class
   * @param holder what keeps the owner objects alive, or {@code null}
   * @param headline the one-line summary
   * @param bytesPerHour the summed trend slopes of {@code classes}, bytes per hour
   * @param retainedBytes what the owner objects retain in the analysed dump
   * @param steady whether one of {@code classes} meets the leak rule
   * @param classes the growing classes attributed to the owner, trend order
   * @param path the retainer path, GC root first
   */
  public record Owner(
      String owner,
      String holder,
      String headline,
      double bytesPerHour,
      long retainedBytes,
      boolean steady,
      List<String> classes,
      List<String> path) {
    static Owner of(GrowingOwner g) {
      return new Owner(
          g.owner(),
          g.holder(),
          g.headline(),
          g.bytesPerHour(),
          g.retainedBytes(),
          g.steady(),
          g.classes(),
          g.path());
    }
  }

  /** The summary of {@code status} with the owners the collector knows for it (best first). */
  public static TaskSummary of(TaskStatus status, List<GrowingOwner> owners) {
    Assessment a = status.verdict().orElse(null);
    List<String> growing = status.growing() == null ? List.of() : status.growing();
    boolean ownerFirst =
        !owners.isEmpty() && VerdictText.topSuspect(a, owners, growing).isPresent();
    return new TaskSummary(
        status,
        VerdictText.topSuspect(a, owners, growing).orElse(null),
        VerdictText.topSuspectHolder(a, owners).orElse(null),
        ownerFirst ? owners.get(0).headline() : null,
        owners.stream().map(Owner::of).toList(),
        runtimeOf(status));
  }

  /** {@code jvm} or {@code node} from the newest dump's key, or null without one. */
  public static String runtimeOf(TaskStatus status) {
    if (status.lastCapture() == null || status.lastCapture().key() == null) {
      return null;
    }
    return DumpFormat.ofFileName(status.lastCapture().key()).map(DumpFormat::runtime).orElse(null);
  }
}
