package io.heapfleet.collector.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The compact series: a bounded ring, its JSON form, and the stats answer parser. */
class StatsSeriesTest {
  static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  static StatsSample sample(int i) {
    return new StatsSample(
        T0.plusSeconds(i), 1000 + i, 2000 + i, 8000, 3000 + i, i, 10L * i, 1500 + i, i / 2);
  }

  @Test
  void keepsTheNewestSamplesAndIgnoresOutOfOrderOnes() {
    StatsSeries s = new StatsSeries("t1", 3);
    for (int i = 0; i < 5; i++) {
      s.add(sample(i));
    }
    s.add(sample(1)); // older than the newest: ignored
    assertThat(s.samples())
        .extracting(StatsSample::oldGenAfterGc)
        .containsExactly(1002L, 1003L, 1004L);
    assertThat(s.heapMax()).isEqualTo(8000);
  }

  @Test
  void roundTripsThroughItsJsonWithTheLastDump() {
    StatsSeries s = new StatsSeries("t1", 10);
    for (int i = 0; i < 4; i++) {
      s.add(sample(i));
    }
    s.dumpStored(T0.plusSeconds(2));
    assertThat(s.dirty()).isTrue();
    String json = s.toJson(true);
    assertThat(s.dirty()).isFalse();

    StatsSeries back = StatsSeries.fromJson(json, "t1", 10);
    assertThat(back.samples()).isEqualTo(s.samples());
    assertThat(back.lastDump()).contains(T0.plusSeconds(2));
    assertThat(back.dirty()).isFalse();
    // Read into a smaller ring: the newest samples.
    assertThat(StatsSeries.fromJson(json, "t1", 2).samples())
        .hasSize(2)
        .last()
        .isEqualTo(sample(3));
  }

  @Test
  void readsASeriesStoredWithoutTheOccupancyColumns() {
    String json =
        "{\"format\":1,\"taskId\":\"t1\",\"heapMax\":8000,\"time\":[1000,2000],"
            + "\"oldGenAfterGc\":[5,6],\"heapUsed\":[7,8],\"rss\":[-1,-1],\"gcCount\":[1,2],"
            + "\"gcTimeMs\":[3,4]}";
    StatsSample last = StatsSeries.fromJson(json, "t1", 4).latest().orElseThrow();
    assertThat(last.oldGenAfterGc()).isEqualTo(6);
    assertThat(last.oldGenUsed()).isEqualTo(-1);
    assertThat(last.majorGcCount()).isEqualTo(-1);
    assertThatThrownBy(
            () -> StatsSeries.fromJson(json.replace("}", ",\"oldGenUsed\":[1]}"), "t1", 4))
        .hasMessageContaining("oldGenUsed has the wrong length");
  }

  @Test
  void refusesAnotherTasksSeriesOrABrokenOne() {
    String json = new StatsSeries("t1", 4).toJson(false);
    assertThatThrownBy(() -> StatsSeries.fromJson(json, "t2", 4))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                StatsSeries.fromJson(
                    "{\"format\":1,\"taskId\":\"t1\",\"time\":[1,2],\"oldGenAfterGc\":[1]}",
                    "t1",
                    4))
        .hasMessageContaining("wrong length");
  }

  @Test
  void parsesTheStatsContractAndRefusesWhatIsNotIt() {
    String node =
        "{\"taskId\":\"web-1\",\"runtime\":\"node\",\"time\":\"2026-11-22T01:37:00.000Z\","
            + "\"uptimeMs\":8123456,\"heapUsed\":110303232,\"heapMax\":4345298944,"
            + "\"oldGenUsedAfterGc\":97001472,\"gcCount\":412,\"gcTimeMs\":1830,\"rss\":268435456}";
    StatsSample s = StatsSample.parse(node, "web-1", T0);
    assertThat(s)
        .isEqualTo(
            new StatsSample(
                T0, 97001472, 110303232, 4345298944L, 268435456, 412, 1830, -1, -1, 8123456));
    StatsSample noGcYet =
        StatsSample.parse(
            node.replace("97001472", "null").replace(",\"rss\":268435456", ""), "web-1", T0);
    assertThat(noGcYet.oldGenAfterGc()).isEqualTo(-1);
    assertThat(noGcYet.rss()).isEqualTo(-1);
    assertThat(noGcYet.oldGenUsed()).isEqualTo(-1);
    StatsSample jvm =
        StatsSample.parse(
            node.replace("\"gcCount\"", "\"oldGenUsed\":98304512,\"majorGcCount\":3,\"gcCount\""),
            "web-1",
            T0);
    assertThat(jvm.oldGenUsed()).isEqualTo(98304512);
    assertThat(jvm.majorGcCount()).isEqualTo(3);

    assertThatThrownBy(() -> StatsSample.parse(node, "web-2", T0))
        .hasMessageContaining("another task");
    assertThatThrownBy(() -> StatsSample.parse(node.replace("110303232", "-5"), "web-1", T0))
        .hasMessageContaining("heapUsed");
    assertThatThrownBy(() -> StatsSample.parse(node.replace("412", "\"many\""), "web-1", T0))
        .hasMessageContaining("gcCount");
    assertThatThrownBy(() -> StatsSample.parse("[1,2]", "web-1", T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
