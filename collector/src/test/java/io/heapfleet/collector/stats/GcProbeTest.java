package io.heapfleet.collector.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.discovery.Target;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probes over real HTTP against a real JVM running the agent: the poller asks the task for a full
 * collection ({@code GET /heapdump/stats?gc=full}) in the background, the fresh sample joins the
 * series with a higher major collection count, the task counts as probeable, and a second probe
 * within the task's 10 s is refused (429) without harm.
 */
class GcProbeTest {
  static TaskJvm task;
  static EmbeddedS3 s3;
  static DumpStore store;
  static final ExecutorService workers = Executors.newFixedThreadPool(2);

  @BeforeAll
  static void start() throws Exception {
    task = TaskJvm.task("probe-1").targetApp(8, 1000).start();
    s3 = EmbeddedS3.inMemory("heapfleet");
    store = DumpStore.create(s3.settings().withPrefix("heapdumps"));
  }

  @AfterAll
  static void stop() {
    workers.shutdownNow();
    if (task != null) {
      task.close();
    }
    if (store != null) {
      store.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void aProbeRunsAFullCollectionOnTheTaskAndItsSampleJoinsTheSeries() throws Exception {
    StatsClient client =
        new StatsClient(
            HeapdumpClient.create(),
            () -> TaskCredentials.of(Secret.of(TaskJvm.SECRET, false), "heapdump"),
            Duration.ofSeconds(10),
            Duration.ofHours(1),
            Clock.systemUTC());
    List<StatsClient.Result> probed = new CopyOnWriteArrayList<>();
    StatsPoller poller =
        new StatsPoller(
            client,
            store,
            workers,
            Clock.systemUTC(),
            new StatsPoller.Settings(Duration.ofMinutes(1), 2, 100, Duration.ofHours(1)),
            new StatsPoller.Listener() {
              @Override
              public void polled(Target target, StatsClient.Result result) {}

              @Override
              public void persisted(boolean ok) {}

              @Override
              public void probed(Target target, StatsClient.Result result) {
                probed.add(result);
              }
            });
    Target t = new Target(task.taskId(), "c", "svc", task.base(), false);
    assertThat(poller.probe(t)).as("not polled yet: nothing to probe").isFalse();
    poller.pollRound(List.of(t));
    List<StatsSample> polled = poller.series(t.taskId()).orElseThrow().samples();
    assertThat(polled).hasSize(1);
    long majorBefore = polled.get(0).majorGcCount();
    assertThat(poller.probeable(t.taskId())).as("not known to refuse").isTrue();

    assertThat(poller.probe(t)).isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (probed.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(probed).hasSize(1);
    StatsClient.Result r = probed.get(0);
    assertThat(r.outcome()).as(r.message()).isEqualTo(StatsClient.Outcome.OK);
    assertThat(r.gc().forced()).isTrue();
    assertThat(r.gc().pauseMs()).isNotNegative();
    List<StatsSample> after = poller.series(t.taskId()).orElseThrow().samples();
    assertThat(after).hasSize(2);
    StatsSample fresh = after.get(1);
    assertThat(fresh.majorGcCount()).isGreaterThan(majorBefore);
    assertThat(fresh.oldGenAfterGc()).isPositive();
    // Right after a full collection nothing has been promoted above the fresh figure yet.
    assertThat(fresh.oldGenUsed() - fresh.oldGenAfterGc()).isLessThan(8L << 20);
    assertThat(poller.lastProbe(t.taskId())).isPresent();
    assertThat(poller.probeable(t.taskId())).isTrue();

    StatsClient.Result tooSoon = client.probe(t);
    assertThat(tooSoon.outcome()).isEqualTo(StatsClient.Outcome.FAILED);
    assertThat(tooSoon.message()).isEqualTo("HTTP 429");
    assertThat(client.poll(t).outcome())
        .as("plain polls stay open")
        .isEqualTo(StatsClient.Outcome.OK);
  }
}
