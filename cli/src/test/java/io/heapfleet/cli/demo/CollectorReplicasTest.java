package io.heapfleet.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorReplicasTest {

  @Test
  void fleetViewLeavesOutWhatDiffersByProcess() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String a =
        CollectorReplicas.describe(
            json.readTree(
                "{\"liveTasks\":3,\"leaking\":[{\"taskId\":\"orders-1\"}],\"stable\":2,"
                    + "\"unknown\":0,\"inconclusive\":0,"
                    + "\"discovery\":{\"lastSuccess\":\"2026-12-03T14:00:01Z\"}}"));
    String b =
        CollectorReplicas.describe(
            json.readTree(
                "{\"liveTasks\":3,\"leaking\":[{\"taskId\":\"orders-1\"}],\"stable\":2,"
                    + "\"unknown\":0,\"inconclusive\":0,"
                    + "\"discovery\":{\"lastSuccess\":\"2026-12-03T14:00:07Z\"}}"));
    String c =
        CollectorReplicas.describe(
            json.readTree(
                "{\"liveTasks\":3,\"leaking\":[],\"stable\":2,\"unknown\":1,\"inconclusive\":0}"));

    assertThat(a).isEqualTo(b);
    assertThat(a)
        .isEqualTo("3 live tasks: 1 leaking (orders-1), 2 stable, 0 inconclusive, 0 unknown");
    assertThat(c).isNotEqualTo(a).startsWith("3 live tasks: 0 leaking, 2 stable");
  }

  @Test
  void queueSettingsPointEveryCollectorAtTheLocalQueue() {
    LocalSqsProcess sqs =
        new LocalSqsProcess(
            URI.create("http://127.0.0.1:9324"),
            "http://127.0.0.1:9324/000000000000/heapfleet-captures.fifo",
            null);
    Map<String, String> p = CollectorReplicas.queueProps("worker", sqs, 3, Duration.ofSeconds(4));

    assertThat(p)
        .containsEntry("heapfleet.collector.queue.role", "worker")
        .containsEntry(
            "heapfleet.collector.queue.url",
            "http://127.0.0.1:9324/000000000000/heapfleet-captures.fifo")
        .containsEntry("heapfleet.collector.queue.endpoint-override", "http://127.0.0.1:9324")
        .containsEntry("heapfleet.collector.queue.per-service", "3")
        .containsEntry("heapfleet.collector.queue.retry-delay", "PT4S");
  }
}
