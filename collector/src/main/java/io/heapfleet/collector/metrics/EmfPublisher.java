package io.heapfleet.collector.metrics;

import io.heapfleet.collector.config.MetricsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;

/**
 * Writes an {@link EmfLine} to stdout every {@code heapfleet.collector.metrics.emf.interval} when
 * {@code heapfleet.collector.metrics.emf.enabled} is true (on ECS the {@code awslogs} driver ships
 * stdout to CloudWatch Logs, which extracts the metrics). Does nothing otherwise.
 */
@ApplicationScoped
public class EmfPublisher {
  private final MetricsConfig.Emf config;
  private final EmfLine line;
  private final PrintStream out = System.out;

  public EmfPublisher(MetricsConfig config, MeterRegistry registry) {
    this.config = config.emf();
    this.line = new EmfLine(registry, config.emf().namespace());
  }

  @Scheduled(
      every = "${heapfleet.collector.metrics.emf.interval:60s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void publish() {
    if (config.enabled()) {
      out.println(line.next(System.currentTimeMillis()));
      out.flush();
    }
  }
}
