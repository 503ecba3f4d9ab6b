package io.heapfleet.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The parts of {@link JvmStats} that read text or names; the MXBean figures are in StatsIT. */
class JvmStatsTest {

  @Test
  void rssIsVmRssInKibibytesAndNullWithoutIt() {
    String status =
        "Name:\tjava\nVmPeak:\t 5000000 kB\nVmHWM:\t  400000 kB\nVmRSS:\t  262144 kB\nThreads:\t30\n";
    assertThat(JvmStats.vmRss(status.getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(262144L * 1024);
    assertThat(JvmStats.vmRss("Name:\tjava\nXVmRSS: 12 kB\n".getBytes(StandardCharsets.US_ASCII)))
        .isNull();
    assertThat(JvmStats.vmRss("VmRSS:\t kB\n".getBytes(StandardCharsets.US_ASCII))).isNull();
    assertThat(JvmStats.vmRss(new byte[0])).isNull();
  }

  @Test
  void youngCollectorsAndPauseCountersAreNotMajor() {
    for (String young :
        new String[] {"G1 Young Generation", "PS Scavenge", "Copy", "ParNew", "ZGC Minor Cycles"}) {
      assertThat(JvmStats.isMajor(young)).as(young).isFalse();
    }
    for (String major :
        new String[] {
          "G1 Old Generation",
          "PS MarkSweep",
          "MarkSweepCompact",
          "ZGC Cycles",
          "Shenandoah Cycles",
          "ZGC Major Cycles"
        }) {
      assertThat(JvmStats.isMajor(major)).as(major).isTrue();
    }
    assertThat(JvmStats.countsCollections("ZGC Pauses")).isFalse();
    assertThat(JvmStats.countsCollections("Shenandoah Pauses")).isFalse();
    assertThat(JvmStats.isMajor("ZGC Major Pauses")).isFalse();
  }

  @Test
  void theRunningJvmsRssIsReadWhereProcExists() {
    Long rss = JvmStats.platform().rss();
    if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/status"))) {
      assertThat(rss).isGreaterThan(16L << 20);
    } else {
      assertThat(rss).isNull();
    }
  }
}
