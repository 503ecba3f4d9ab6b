package io.heapfleet.collector.queue;

import io.heapfleet.auth.Compression;
import io.heapfleet.auth.HourlyToken;
import io.heapfleet.auth.Secret;
import io.heapfleet.auth.TaskCredentials;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.service.SeriesAnalysis;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.testing.TaskJvm;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.DumpStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Builds queue workers the way a collector in worker mode does, for tests and child JVMs. */
final class Workers {
  private Workers() {}

  /** One worker process's parts: its own state, analysis and capture threads. */
  record Worker(QueueWorker worker, FleetState state, SeriesAnalysis analysis) {}

  static Worker create(
      CaptureQueue queue, DumpStore store, QueueWorker.Settings settings, Clock clock) {
    ExecutorService analysers = Executors.newCachedThreadPool(Workers::daemon);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Workers::daemon);
    TaskCredentials c =
        TaskCredentials.of(Secret.of(TaskJvm.SECRET, false), HourlyToken.DEFAULT_SCOPE);
    DumpCapture capture =
        new DumpCapture(
            HeapdumpClient.create(Duration.ofSeconds(5)),
            store,
            () -> c,
            new DumpCapture.Settings(
                Duration.ofMinutes(1), Duration.ofSeconds(20), true, Compression.GZIP, 1 << 20, 5),
            clock,
            analysers,
            timer);
    FleetState state = new FleetState();
    SeriesAnalysis analysis = new SeriesAnalysis(store, 48);
    return new Worker(
        new QueueWorker(queue, capture, analysis, state, store, null, settings, clock),
        state,
        analysis);
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    return t;
  }
}
