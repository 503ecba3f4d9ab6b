package io.heapfleet.collector.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.collector.capture.CaptureOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The EMF line: the structure CloudWatch requires, counts since the previous line, gauges. */
class EmfLineTest {
  final ObjectMapper json = new ObjectMapper();

  @Test
  void countsSinceThePreviousLineAndCurrentGauges() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CollectorMetrics metrics = new CollectorMetrics(registry);
    EmfLine emf = new EmfLine(registry, "Heapfleet");
    metrics.captured(CaptureOutcome.STORED, 100, Duration.ofSeconds(1));
    metrics.captured(CaptureOutcome.STORED, 100, Duration.ofSeconds(1));
    metrics.captured(CaptureOutcome.UNAUTHORIZED, 0, Duration.ofSeconds(1));
    metrics.discovery(false, 0);
    metrics.discovery(true, 3);
    metrics.task("prod", "orders", "t1", 1000, Assessment.LEAKING, 50);
    metrics.task("prod", "orders", "t2", 1000, Assessment.STABLE, 0);

    JsonNode first = json.readTree(emf.next(1_700_000_000_000L));
    JsonNode cw = first.path("_aws").path("CloudWatchMetrics").get(0);
    assertThat(first.path("_aws").path("Timestamp").asLong()).isEqualTo(1_700_000_000_000L);
    assertThat(cw.path("Namespace").asText()).isEqualTo("Heapfleet");
    assertThat(cw.path("Dimensions").toString()).isEqualTo("[[]]");
    assertThat(cw.path("Metrics")).hasSize(6);
    for (JsonNode m : cw.path("Metrics")) {
      assertThat(first.has(m.path("Name").asText())).as(m.toString()).isTrue();
    }
    assertThat(first.path("CapturesStored").asInt()).isEqualTo(2);
    assertThat(first.path("CapturesFailed").asInt()).isEqualTo(1);
    assertThat(first.path("CapturesUnauthorized").asInt()).isEqualTo(1);
    assertThat(first.path("DiscoveryFailures").asInt()).isEqualTo(1);
    assertThat(first.path("LeakingTasks").asInt()).isEqualTo(1);
    assertThat(first.path("LiveTasks").asInt()).isEqualTo(3);

    metrics.captured(CaptureOutcome.STORED, 100, Duration.ofSeconds(1));
    JsonNode second = json.readTree(emf.next(1_700_000_060_000L));
    assertThat(second.path("CapturesStored").asInt()).isEqualTo(1);
    assertThat(second.path("CapturesFailed").asInt()).isZero();
    assertThat(second.path("DiscoveryFailures").asInt()).isZero();
    assertThat(second.path("LeakingTasks").asInt()).isEqualTo(1);
  }
}
