package io.heapfleet.collector.metrics;

import io.heapfleet.analysis.json.JsonWriter;
import io.heapfleet.collector.capture.CaptureOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.StringWriter;
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

    StringWriter out = new StringWriter(512);
    JsonWriter w = JsonWriter.compact(out);
    w.beginObject();
    w.name("_aws").beginObject();
    w.field("Timestamp", epochMillis);
    w.name("CloudWatchMetrics").beginArray().beginObject();
    w.field("Namespace", namespace);
    w.name("Dimensions").beginArray().beginArray().endArray().endArray();
    w.name("Metrics").beginArray();
    for (String name : values.keySet()) {
      w.beginObject().field("Name", name).field("Unit", "Count").endObject();
    }
    w.endArray();
    w.endObject().endArray();
    w.endObject();
    // Whole counts are written without a decimal point (JsonWriter#number(double)).
    values.forEach((name, v) -> w.field(name, v.doubleValue()));
    w.endObject();
    w.flush();
    return out.toString();
  }

  private double captures(String outcome) {
    Counter c = registry.find("heapfleet.captures").tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  private double delta(String key, double now) {
    Double before = previous.put(key, now);
    return before == null ? now : Math.max(0, now - before);
  }
}
