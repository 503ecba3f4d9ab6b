package io.heapfleet.endpoint.it;

import static io.heapfleet.endpoint.TestSupport.token;
import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.endpoint.TestSupport;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.endpoint.client.TaskStats;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code /heapdump/stats} from the real javaagent in child JVMs, one per collector: the old
 * generation's figure after GC rises by what the application retains and stays flat while it only
 * makes garbage. The collectors whose heap is one pool (ZGC on JDK 17, Shenandoah) report that
 * pool, so the figure is the whole heap's after the last cycle.
 */
class StatsIT {

  private static final long MB = 1 << 20;
  private static final HeapdumpClient client = HeapdumpClient.create();

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "-XX:+UseG1GC, G1 Old Gen",
    "-XX:+UseParallelGC, PS Old Gen",
    "-XX:+UseSerialGC, Tenured Gen",
    "-XX:+UseZGC, ZHeap",
    "-XX:+UseShenandoahGC, Shenandoah"
  })
  void oldGenAfterGcRisesWithRetainedMemoryAndStaysFlatWithGarbage(String gc, String pool)
      throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("HEAPFLEET_SECRET", TestSupport.SECRET_TEXT);
    env.put("HEAPFLEET_TASK_ID", "stats-task");
    env.put("HEAPFLEET_TEMP_DIR", tmp.toString());
    try (AgentProcess app =
        AgentProcess.start(List.of("-Xmx256m", gc), env, "bind=127.0.0.1,port=0", StatsApp.class)
            .awaitReady()) {
      OutputStream commands = app.process.getOutputStream();
      long start = afterGc(app, commands, "garbage 1", pool);
      long retained = afterGc(app, commands, "retain 64", pool);
      assertThat(retained - start)
          .as("%s: 64 MB retained; after GC %d MB then %d MB", gc, start / MB, retained / MB)
          .isBetween(56 * MB, 80 * MB);
      long afterGarbage = afterGc(app, commands, "garbage 400", pool);
      assertThat(Math.abs(afterGarbage - retained))
          .as(
              "%s: 400 MB of garbage; after GC %d MB then %d MB",
              gc, retained / MB, afterGarbage / MB)
          .isLessThan(8 * MB);
      long more = afterGc(app, commands, "retain 32", pool);
      assertThat(more - afterGarbage).as(gc).isBetween(28 * MB, 48 * MB);
    }
  }

  /** Sends a command, waits until the child did it (with a full GC), and reads the stats. */
  private static long afterGc(AgentProcess app, OutputStream commands, String command, String pool)
      throws Exception {
    commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
    commands.flush();
    app.awaitLine("done " + command, 60);
    TaskStats stats = client.stats(app.base(), token());
    assertThat(stats.taskId()).isEqualTo("stats-task");
    assertThat(stats.runtime()).isEqualTo("jvm");
    assertThat(stats.string("oldGenPool")).hasValue(pool);
    assertThat(stats.majorGcCount().orElseThrow()).isPositive();
    assertThat(stats.lastMajorGcAt()).isPresent();
    assertThat(stats.heapMax().orElseThrow()).isBetween(200 * MB, 256 * MB);
    return stats.oldGenUsedAfterGc().orElseThrow();
  }
}
