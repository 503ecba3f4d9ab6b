package io.heapfleet.collector.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heapfleet.collector.discovery.Target;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The capture message's body, group and deduplication id, and what a hostile body gets. */
class CaptureMessageTest {
  static final Target TARGET =
      new Target("task-1.app", "prod", "orders", URI.create("http://10.0.1.2:9091"), false, "app");

  @Test
  void bodyRoundTripsAndTheSlotIsTheStartOfTheInterval() {
    CaptureMessage m =
        CaptureMessage.due(TARGET, Instant.parse("2026-12-03T10:47:12Z"), Duration.ofMinutes(30));
    assertThat(m.slot()).isEqualTo(Instant.parse("2026-12-03T10:30:00Z"));
    assertThat(CaptureMessage.fromJson(m.toJson())).isEqualTo(m);
  }

  @Test
  void dueTimesInOneIntervalShareTheDeduplicationIdAndTheNextIntervalDoesNot() {
    Duration interval = Duration.ofMinutes(30);
    CaptureMessage a = CaptureMessage.due(TARGET, Instant.parse("2026-12-03T10:30:00Z"), interval);
    CaptureMessage b = CaptureMessage.due(TARGET, Instant.parse("2026-12-03T10:59:59Z"), interval);
    CaptureMessage c = CaptureMessage.due(TARGET, Instant.parse("2026-12-03T11:00:00Z"), interval);
    assertThat(a.deduplicationId()).isEqualTo(b.deduplicationId()).hasSize(64);
    assertThat(c.deduplicationId()).isNotEqualTo(a.deduplicationId());
  }

  @Test
  void groupIsTheServiceOrOneOfKGroupsOfIt() {
    CaptureMessage m = CaptureMessage.due(TARGET, Instant.EPOCH, Duration.ofMinutes(30));
    assertThat(m.groupId(1)).isEqualTo("prod/orders");
    Set<String> groups = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      Target t = new Target("task-" + i, "prod", "orders", TARGET.baseUri(), false);
      groups.add(CaptureMessage.due(t, Instant.EPOCH, Duration.ofMinutes(30)).groupId(3));
    }
    assertThat(groups).containsExactlyInAnyOrder("prod/orders#0", "prod/orders#1", "prod/orders#2");
    assertThatThrownBy(() -> m.groupId(0)).hasMessageContaining("got 0");
  }

  @Test
  void longOrUnusualServiceNamesBecomeAHashedGroup() {
    Target odd = new Target("t", "prod", "orders api ü", TARGET.baseUri(), false);
    String group = CaptureMessage.due(odd, Instant.EPOCH, Duration.ofMinutes(1)).groupId(1);
    assertThat(group).matches("[0-9a-f]{64}");
  }

  @Test
  void hostileBodiesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> CaptureMessage.fromJson("not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unreadable capture message");
    assertThatThrownBy(() -> CaptureMessage.fromJson("x".repeat(9000)))
        .hasMessageContaining("longer than 8192");
    String fileUrl =
        CaptureMessage.due(TARGET, Instant.EPOCH, Duration.ofMinutes(1))
            .toJson()
            .replace("http://10.0.1.2:9091", "file:///etc/passwd");
    assertThatThrownBy(() -> CaptureMessage.fromJson(fileUrl)).hasMessageContaining("not http(s)");
    assertThatThrownBy(
            () ->
                CaptureMessage.fromJson(
                    "{\"taskId\":1,\"cluster\":\"c\",\"service\":\"s\",\"baseUri\":\"http://h\","
                        + "\"slot\":\"1970-01-01T00:00:00Z\"}"))
        .hasMessageContaining("field 'taskId'");
  }
}
