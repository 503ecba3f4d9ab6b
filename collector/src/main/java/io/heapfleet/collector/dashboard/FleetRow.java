package io.heapfleet.collector.dashboard;

import io.heapfleet.analysis.report.Format;
import io.heapfleet.analysis.report.VerdictText;
import io.heapfleet.analysis.trend.Assessment;
import java.time.Instant;
import java.util.Comparator;

/**
 * One task on the fleet page. Absent values are {@code null} / negative and shown as "–" by the
 * template. Immutable.
 *
 * @param taskId the task id
 * @param service the task's service, or {@code null}
 * @param cluster the task's cluster, or {@code null}
 * @param lastCapture when its newest dump was taken, or {@code null} when none yet
 * @param heapUsedBytes heap in the newest dump (shallow bytes of all objects), or -1
 * @param assessment the verdict, or {@code null} while too few dumps exist
 * @param heapBytesPerHour the heap growth that goes with the verdict ({@link
 *     VerdictText#shownBytesPerHour}): the trend's slope for a leaking task, the recent slope
 *     otherwise, or {@code NaN} when there is no trend yet
 * @param captures dumps stored for the task
 * @param topSuspect the class to look at first: the owner of the growing objects when the deep
 *     analysis found it (e.g. {@code com.acme.cart.Cart}), else the trend's first suspect class, or
 *     {@code null}
 * @param lastError the last capture failure's message, or {@code null}
 * @param topSuspectHolder what holds {@code topSuspect}'s objects (e.g. {@code static
 *     com.acme.cart.CartStore.CARTS}), or {@code null} when no owner is known
 * @param flatSince for a stable task whose heap levelled off after a warm-up: since when, else
 *     {@code null}
 * @param runtime {@code jvm} or {@code node} from the newest dump, or {@code null} before one
 */
public record FleetRow(
    String taskId,
    String service,
    String cluster,
    Instant lastCapture,
    long heapUsedBytes,
    Assessment assessment,
    double heapBytesPerHour,
    int captures,
    String topSuspect,
    String lastError,
    String topSuspectHolder,
    Instant flatSince,
    String runtime) {

  /** Leaking tasks first, fastest growth first, then by id. */
  public static final Comparator<FleetRow> LEAKING_FIRST =
      Comparator.comparing((FleetRow r) -> !r.leaking())
          .thenComparing(
              r -> Double.isNaN(r.heapBytesPerHour()) ? Double.MAX_VALUE : -r.heapBytesPerHour())
          .thenComparing(FleetRow::taskId);

  /** The task page's link, the id encoded as one path segment (ids come from the tasks). */
  public String href() {
    return "/dashboard/tasks/" + PathSegment.encode(taskId);
  }

  public boolean leaking() {
    return assessment == Assessment.LEAKING;
  }

  /** "leaking", "stable", "inconclusive" or "collecting" (fewer dumps than a trend needs). */
  public String status() {
    return assessment == null ? "collecting" : assessment.json();
  }

  public String heapUsed() {
    return heapUsedBytes < 0 ? "–" : Format.bytes(heapUsedBytes);
  }

  /** The growth column, as every front end writes it ({@link VerdictText#growth}). */
  public String growth() {
    return VerdictText.growth(assessment, heapBytesPerHour, heapBytesPerHour, flatSince);
  }

  public String lastCaptureText() {
    return lastCapture == null ? "–" : Format.time(lastCapture);
  }

  public String lastCaptureIso() {
    return lastCapture == null ? "" : lastCapture.toString();
  }

  public String suspect() {
    return topSuspect == null ? "–" : topSuspect;
  }

  public String scope() {
    if (service == null && cluster == null) {
      return "–";
    }
    return (cluster == null ? "" : cluster + " / ") + (service == null ? "" : service);
  }
}
