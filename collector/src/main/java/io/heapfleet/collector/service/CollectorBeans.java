package io.heapfleet.collector.service;

import io.heapfleet.auth.Compression;
import io.heapfleet.collector.capture.CaptureLimits;
import io.heapfleet.collector.capture.DumpCapture;
import io.heapfleet.collector.config.CaptureConfig;
import io.heapfleet.collector.config.CapturePolicyConfig;
import io.heapfleet.collector.config.DeepConfig;
import io.heapfleet.collector.config.DiscoveryConfig;
import io.heapfleet.collector.config.QueueConfig;
import io.heapfleet.collector.config.RetentionConfig;
import io.heapfleet.collector.config.S3Config;
import io.heapfleet.collector.config.ScheduleConfig;
import io.heapfleet.collector.config.StatsConfig;
import io.heapfleet.collector.config.TokenConfig;
import io.heapfleet.collector.discovery.Discovery;
import io.heapfleet.collector.discovery.EcsClients;
import io.heapfleet.collector.discovery.EcsClusterRef;
import io.heapfleet.collector.discovery.EcsDiscovery;
import io.heapfleet.collector.discovery.IdentityProbe;
import io.heapfleet.collector.discovery.IdentityRefusals;
import io.heapfleet.collector.discovery.LoadBalancerDiscovery;
import io.heapfleet.collector.discovery.MultiClusterDiscovery;
import io.heapfleet.collector.discovery.ProvingIdentityProbe;
import io.heapfleet.collector.discovery.SkipReason;
import io.heapfleet.collector.discovery.StaticDiscovery;
import io.heapfleet.collector.metrics.CollectorMetrics;
import io.heapfleet.collector.queue.QueueRoles;
import io.heapfleet.collector.schedule.CaptureScheduler;
import io.heapfleet.collector.state.FleetState;
import io.heapfleet.collector.stats.OldGenTrend;
import io.heapfleet.collector.stats.StatsClient;
import io.heapfleet.collector.stats.StatsPoller;
import io.heapfleet.collector.token.SecretLoader;
import io.heapfleet.collector.token.TokenSource;
import io.heapfleet.endpoint.client.HeapdumpClient;
import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.RetentionPolicy;
import io.heapfleet.storage.S3Settings;
import io.heapfleet.storage.ServerSideEncryption;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * Builds the framework-free collector parts from the configuration. Everything below this class is
 * plain Java and tested without Quarkus; this is the only place that knows about CDI.
 */
@ApplicationScoped
public class CollectorBeans {

  /** Threads of the collector, named for thread dumps. */
  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  TokenSource tokenSource(TokenConfig config, Clock clock) {
    SecretLoader loader = new SecretLoader(config, System.getenv());
    return new TokenSource(
        loader, loader::previous, config.scope(), clock, config.secretsManagerRefresh());
  }

  @Produces
  @Singleton
  HeapdumpClient heapdumpClient(CaptureConfig capture) {
    return HeapdumpClient.create(capture.connectTimeout());
  }

  @Produces
  @Singleton
  DumpStore dumpStore(S3Config s3) {
    S3Settings settings =
        S3Settings.of(s3.bucket())
            .withPrefix(s3.prefix())
            .withPathStyle(s3.pathStyle())
            .withPartSize(s3.partSize())
            .withPartsInFlight(s3.partsInFlight());
    if (s3.endpointOverride().isPresent()) {
      settings = settings.withEndpoint(s3.endpointOverride().get());
    }
    if (s3.region().isPresent()) {
      settings = settings.withRegion(s3.region().get());
    }
    if (s3.sse().isPresent()) {
      settings =
          settings.withEncryption(
              ServerSideEncryption.parse(s3.sse().get()), s3.kmsKeyId().orElse(null));
    }
    return DumpStore.create(settings);
  }

  void closeStore(@Disposes DumpStore store) {
    store.close();
  }

  @Produces
  @Singleton
  CollectorMetrics metrics(MeterRegistry registry) {
    return new CollectorMetrics(registry);
  }

  @Produces
  @Singleton
  IdentityRefusals identityRefusals(CollectorMetrics metrics, Clock clock) {
    return new IdentityRefusals(
        clock, claim -> metrics.identityConflict(), metrics::untrustedEndpoint);
  }

  @Produces
  @Singleton
  Discovery discovery(
      DiscoveryConfig config,
      HeapdumpClient client,
      TokenSource tokens,
      IdentityRefusals refusals,
      Clock clock,
      MeterRegistry registry) {
    // Proof first; the hourly token is never sent (docs/proof.md).
    IdentityProbe probe =
        new ProvingIdentityProbe(client, tokens::credentials, config.lb().maxAttempts());
    return switch (config.mode()) {
      case ECS -> ecsDiscovery(config.ecs(), clock, registry);
      case STATIC -> {
        Map<URI, String> serviceOfUrl = new LinkedHashMap<>();
        config.staticTargets().urls().orElse(List.of()).forEach(u -> serviceOfUrl.put(u, null));
        config
            .staticTargets()
            .services()
            .forEach((svc, urls) -> urls.forEach(u -> serviceOfUrl.put(u, svc)));
        yield new StaticDiscovery(
            serviceOfUrl,
            probe,
            config.staticTargets().cluster(),
            config.staticTargets().service(),
            refusals);
      }
      case LB ->
          new LoadBalancerDiscovery(
              config
                  .lb()
                  .url()
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "load-balancer discovery needs heapfleet.collector.discovery.lb.url")),
              probe,
              config.lb().probes(),
              config.lb().forgetAfter(),
              clock,
              config.lb().cluster(),
              config.lb().service(),
              refusals);
    };
  }

  /**
   * One {@link EcsDiscovery} per configured cluster ({@code cluster} and {@code clusters}), each
   * with its own clients (region, assumed role); several are combined so that one failing cluster
   * does not stop the others.
   */
  static Discovery ecsDiscovery(DiscoveryConfig.Ecs ecs, Clock clock, MeterRegistry registry) {
    List<EcsClusterRef> refs = new ArrayList<>();
    ecs.cluster().filter(c -> !c.isBlank()).map(EcsClusterRef::parse).ifPresent(refs::add);
    ecs.clusters().orElse(List.of()).stream()
        .filter(c -> !c.isBlank())
        .map(EcsClusterRef::parse)
        .forEach(refs::add);
    if (refs.isEmpty()) {
      throw new IllegalArgumentException(
          "ECS discovery needs a cluster: set heapfleet.collector.discovery.ecs.cluster"
              + " (or ecs.clusters)");
    }
    EcsClients.Options options =
        new EcsClients.Options(
            ecs.region(),
            null,
            ecs.endpointOverride(),
            ecs.ec2EndpointOverride(),
            ecs.stsEndpointOverride(),
            UrlConnectionHttpClient.create());
    Map<String, Integer> ports = ecs.ports();
    EcsDiscovery.OptInTag optIn = EcsDiscovery.OptInTag.parse(ecs.optInTag());
    SkipReason.Listener skips =
        (cluster, reason) ->
            registry
                .counter("heapfleet.discovery.skipped", "cluster", cluster, "reason", reason.tag())
                .increment();
    List<Discovery> parts = new ArrayList<>();
    for (EcsClusterRef ref : refs) {
      EcsClients clients = EcsClients.of(ref, options);
      parts.add(
          new EcsDiscovery(
              clients.ecs(),
              clients.ec2(),
              new EcsDiscovery.Settings(
                  ref.cluster(),
                  ecs.services().orElse(List.of()),
                  optIn,
                  service -> ports.getOrDefault(service, ecs.port()),
                  ecs.portName(),
                  ecs.portLabel(),
                  ecs.warmUp(),
                  ecs.requireHealthy()),
              clock,
              skips));
    }
    return parts.size() == 1 ? parts.get(0) : new MultiClusterDiscovery(parts);
  }

  /** The background restore of the fleet state from S3 after a start. */
  @Produces
  @Singleton
  StateRestore stateRestore(CollectorEngine engine, DumpStore store, Clock clock) {
    return new StateRestore(store, engine.analysis(), engine.state(), clock);
  }

  /** Retention over the whole bucket (run by {@link CollectorLifecycle} in the background). */
  @Produces
  @Singleton
  RetentionRun retention(
      RetentionConfig retention, CaptureConfig capture, DumpStore store, Clock clock) {
    if (retention.keepDumps() > 0 && retention.keepDumps() < capture.trendWindow()) {
      throw new IllegalArgumentException(
          "heapfleet.collector.retention.keep-dumps ("
              + retention.keepDumps()
              + ") must be 0 or at least heapfleet.collector.capture.trend-window ("
              + capture.trendWindow()
              + "): the trend reads one summary per kept dump");
    }
    return new RetentionRun(
        store, new RetentionPolicy(retention.maxAge().orElse(null), retention.keepDumps()), clock);
  }

  /** The deep analysis step, or {@code null} when disabled. */
  private static DeepAnalyser deepAnalyser(
      DeepConfig config, DumpStore store, CollectorMetrics metrics) {
    if (!config.enabled()) {
      return null;
    }
    return new DeepAnalyser(
        store,
        new DeepAnalyser.Settings(
            config.maxDumpBytes(),
            config.heapBudgetMb() * 1024L * 1024L,
            config.suspects(),
            java.nio.file.Path.of(config.tempDir().orElse(System.getProperty("java.io.tmpdir")))),
        Executors.newSingleThreadExecutor(named("heapfleet-deep")),
        metrics::deepAnalysis);
  }

  @Produces
  @Singleton
  CollectorEngine engine(
      Discovery discovery,
      ScheduleConfig schedule,
      CaptureConfig capture,
      DeepConfig deepConfig,
      DiscoveryConfig discoveryConfig,
      CapturePolicyConfig policyConfig,
      StatsConfig statsConfig,
      HeapdumpClient client,
      DumpStore store,
      TokenSource tokens,
      CollectorMetrics metrics,
      QueueConfig queue,
      Clock clock) {
    FleetState state = new FleetState();
    StatsPoller stats = statsPoller(statsConfig, client, store, tokens, clock);
    OldGenTrend.Thresholds verdict = CapturePolicies.verdict(statsConfig);
    CaptureScheduler.Settings settings =
        new CaptureScheduler.Settings(
            schedule.interval(),
            schedule.jitter(),
            schedule.parallelism(),
            schedule.perService(),
            schedule.backoffInitial(),
            schedule.backoffMax());
    CaptureScheduler scheduler =
        CapturePolicies.scheduler(
            policyConfig,
            schedule,
            statsConfig,
            settings,
            CollectorEngine.histories(state, stats),
            stats,
            clock);
    // With a queue, the planner schedules and the workers capture: this engine captures on demand.
    scheduler.setScheduled(schedule.enabled() && !QueueRoles.queued(queue.role()));
    ExecutorService analysers = Executors.newCachedThreadPool(named("heapfleet-analyse"));
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(named("heapfleet-timer"));
    Compression format =
        Compression.fromId(capture.format())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "heapfleet.collector.capture.format must be gzip, zstd or raw, got '"
                            + capture.format()
                            + "'"));
    DumpCapture dumpCapture =
        new DumpCapture(
            client,
            store,
            tokens::credentials,
            new DumpCapture.Settings(
                    capture.firstByteTimeout(),
                    capture.idleTimeout(),
                    capture.live(),
                    format,
                    capture.analysisBufferBytes(),
                    discoveryConfig.lb().maxAttempts())
                .withLimits(
                    new CaptureLimits(
                        capture.limits().deadlineBase(),
                        capture.limits().minBytesPerSecond(),
                        capture.limits().maxDeadline(),
                        capture.limits().maxBytesFloor(),
                        capture.limits().maxBytesFactor(),
                        capture.limits().maxBytesCeiling(),
                        capture.limits().inflationMargin()))
                .withCompressInCollector(compressInCollector(capture)),
            clock,
            analysers,
            timer);
    return new CollectorEngine(
        discovery,
        scheduler,
        dumpCapture,
        new SeriesAnalysis(store, capture.trendWindow(), deepAnalyser(deepConfig, store, metrics)),
        state,
        metrics,
        Executors.newFixedThreadPool(schedule.parallelism(), named("heapfleet-capture")),
        clock,
        discoveryConfig.refresh(),
        stats,
        verdict);
  }

  /** The stats poller, or {@code null} when stats are off. */
  private static StatsPoller statsPoller(
      StatsConfig config, HeapdumpClient client, DumpStore store, TokenSource tokens, Clock clock) {
    if (!config.enabled()) {
      return null;
    }
    long capacity = Math.max(2, config.keep().toMillis() / config.interval().toMillis());
    return new StatsPoller(
        new StatsClient(client, tokens::credentials, config.timeout(), config.reprove(), clock),
        store,
        Executors.newFixedThreadPool(config.concurrency(), named("heapfleet-stats")),
        clock,
        new StatsPoller.Settings(
            config.interval(),
            config.concurrency(),
            (int) Math.min(capacity, 100_000),
            config.persistEvery()),
        StatsPoller.Listener.NONE);
  }

  private static boolean compressInCollector(CaptureConfig capture) {
    switch (capture.compressIn()) {
      case "collector":
        return true;
      case "task":
        return false;
      default:
        throw new IllegalArgumentException(
            "heapfleet.collector.capture.compress-in must be task or collector, got '"
                + capture.compressIn()
                + "'");
    }
  }
}
