package io.heapfleet.collector.discovery;

import io.heapfleet.endpoint.client.ProofException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Discovers the tasks behind one load balancer by asking for a proof of identity several times on
 * fresh connections (see {@link ProvingIdentityProbe}) and remembering every task id proven;
 * whatever behind it cannot prove itself is reported ({@link IdentityRefusals}) and ignored. A task
 * not seen for {@code forgetAfter} is considered gone. Captures of these targets are pinned ({@link
 * Target#pinned()}). Thread-safe (synchronized; called once per refresh).
 */
public final class LoadBalancerDiscovery implements Discovery {
  private final URI url;
  private final IdentityProbe probe;
  private final int probes;
  private final Duration forgetAfter;
  private final Clock clock;
  private final String defaultCluster;
  private final String defaultService;
  private final Map<String, Seen> seen = new LinkedHashMap<>();
  private final IdentityRefusals refusals;

  private record Seen(Target target, Instant at) {}

  public LoadBalancerDiscovery(
      URI url,
      IdentityProbe probe,
      int probes,
      Duration forgetAfter,
      Clock clock,
      String defaultCluster,
      String defaultService) {
    this(
        url,
        probe,
        probes,
        forgetAfter,
        clock,
        defaultCluster,
        defaultService,
        IdentityRefusals.uncounted(clock));
  }

  /** As above, reporting endpoints behind the balancer that cannot prove who they are. */
  public LoadBalancerDiscovery(
      URI url,
      IdentityProbe probe,
      int probes,
      Duration forgetAfter,
      Clock clock,
      String defaultCluster,
      String defaultService,
      IdentityRefusals refusals) {
    this.refusals = Objects.requireNonNull(refusals, "refusals");
    this.url = Objects.requireNonNull(url, "url");
    this.probe = Objects.requireNonNull(probe, "probe");
    if (probes < 1) {
      throw new IllegalArgumentException("lb probes must be >= 1, got " + probes);
    }
    this.probes = probes;
    this.forgetAfter = forgetAfter;
    this.clock = clock;
    this.defaultCluster = defaultCluster;
    this.defaultService = defaultService;
  }

  @Override
  public synchronized List<Target> discover() {
    Instant now = clock.instant();
    Exception last = null;
    int answered = 0;
    boolean refused = false;
    for (int i = 0; i < probes; i++) {
      try {
        IdentityProbe.Identity id = probe.probe(url);
        answered++;
        Target t =
            new Target(
                id.taskId(),
                id.cluster().orElse(defaultCluster),
                id.service().orElse(defaultService),
                url,
                true);
        seen.put(t.taskId(), new Seen(t, now));
      } catch (ProofException e) {
        // Something behind the balancer cannot prove who it is: it got no credential.
        refused = true;
        refusals.untrusted(
            url, e.reason().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
        last = e;
      } catch (IllegalArgumentException e) {
        refused = true;
        refusals.untrusted(url, "invalid_identity", e.getMessage());
        last = e;
      } catch (Exception e) {
        last = e;
      }
    }
    if (!refused) {
      refusals.trusted(url);
    }
    if (answered == 0) {
      throw new DiscoveryException(
          "load balancer " + url + " answered none of " + probes + " identity probes", last);
    }
    seen.values().removeIf(s -> s.at().plus(forgetAfter).isBefore(now));
    List<Target> targets = new ArrayList<>();
    for (Seen s : seen.values()) {
      targets.add(s.target());
    }
    return targets;
  }

  @Override
  public String describe() {
    return "lb url=" + url;
  }
}
