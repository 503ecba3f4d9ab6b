package io.heapfleet.collector.metrics;

import io.heapfleet.collector.capture.CaptureOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns the collector's meters into one CloudWatch embedded-metric-format (EMF) JSON line of
 * fleet-level figures without dimensions (a handful of CloudWatch metrics whatever the fleet size):
 * {@code CapturesStored}, {@code CapturesFailed} (every other outcome), {@code
 * CapturesUnauthorized}, {@code DiscoveryFailures} as counts since the previous line, and {@code
 * LeakingTasks}, {@code LiveTasks} as the current values. Per-task figures stay in Prometheus.
 *
 * <p>Thread-safe: {@link #next} is synchronized (it keeps the previous counter values).
 */
public final class EmfLine {
  private final MeterRegistry registry;
  private final String namespace;
  private final Map<String, Double> previous = new LinkedHashMap<>();

  public EmfLine(MeterRegistry registry, String namespace) {
    this.registry = registry;
    this.namespace = namespace;
  }

  /** The line for {@code epochMillis}: counts since the previous call, gauges as they are. */
  public synchronized String next(long epochMillis) {
    double stored = captures(CaptureOutcome.STORED.tag());
    double all = 0;
    for (Counter c : registry.find("heapfleet.captures").counters()) {
      all += c.count();
    }
    double unauthorized = captures(CaptureOutcome.UNAUTHORIZED.tag());
    Counter failures = registry.find("heapfleet.discovery.failures").counter();
    Map<String, Double> values = new LinkedHashMap<>();
    values.put("CapturesStored", delta("stored", stored));
    values.put("CapturesFailed", delta("failed", all - stored));
    values.put("CapturesUnauthorized", delta("unauthorized", unauthorized));
    values.put("DiscoveryFailures", delta("discovery", failures == null ? 0 : failures.count()));
    double leaking = 0;
    for (Gauge g : registry.find("heapfleet.task.leaking").gauges()) {
      if (g.value() == 1) {
        leaking++;
      }
    }
    values.put("LeakingTasks", leaking);
    Gauge live = registry.find("heapfleet.discovered.tasks").gauge();
    values.put("LiveTasks", live == null ? 0 : live.value());

    StringBuilder metrics = new StringBuilder();
    StringBuilder fields = new StringBuilder();
    for (Map.Entry<String, Double> e : values.entrySet()) {
      if (metrics.length() > 0) {
        metrics.append(',');
      }
      metrics.append("{\"Name\":\"").append(e.getKey()).append("\",\"Unit\":\"Count\"}");
      fields.append(",\"").append(e.getKey()).append("\":").append(number(e.getValue()));
    }
    return "{\"_aws\":{\"Timestamp\":"
        + epochMillis
        + ",\"CloudWatchMetrics\":[{\"Namespace\":\""
        + namespace.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\",\"Dimensions\":[[]],\"Metrics\":["
        + metrics
        + "]}]}"
        + fields
        + "}";
  }

  private double captures(String outcome) {
    Counter c = registry.find("heapfleet.captures").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  private double delta(String key, double now) {
    Double before = previous.put(key, now);
    return before == null ? now : Math.max(0, now - before);
  }

  private static String number(double v) {
    return Double.isFinite(v) && v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
