package io.heapfleet.collector.discovery;

import io.heapfleet.endpoint.client.ProofException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Discovers a fixed list of task base URLs (non-ECS fleets). Each URL is asked to prove which task
 * it is (see {@link ProvingIdentityProbe}); a URL that does not answer is not a live task this
 * round (so a task that dies ends its series, and a replacement on the same URL with a new id
 * starts a new one). A URL that cannot prove its identity, or reports one that breaks the rules, is
 * refused and reported; when two URLs prove the same task id, neither is a target and the duplicate
 * claim is reported ({@link IdentityRefusals}). Thread-safe.
 */
public final class StaticDiscovery implements Discovery {
  private static final Logger LOG = Logger.getLogger(StaticDiscovery.class);

  private final List<URI> urls;
  private final Map<URI, String> serviceOfUrl;
  private final IdentityProbe probe;
  private final String defaultCluster;
  private final String defaultService;
  private final Map<URI, String> lastProblem = new ConcurrentHashMap<>();
  private final IdentityRefusals refusals;

  /** Discovery whose refusals are kept but not counted in metrics (tests, tools). */
  public StaticDiscovery(
      Map<URI, String> serviceOfUrl,
      IdentityProbe probe,
      String defaultCluster,
      String defaultService) {
    this(
        serviceOfUrl,
        probe,
        defaultCluster,
        defaultService,
        IdentityRefusals.uncounted(java.time.Clock.systemUTC()));
  }

  /**
   * @param serviceOfUrl the service of each URL; URLs mapped to {@code null} use the task's
   *     identity or {@code defaultService}
   * @param refusals where untrusted endpoints and duplicate claims are reported
   */
  public StaticDiscovery(
      Map<URI, String> serviceOfUrl,
      IdentityProbe probe,
      String defaultCluster,
      String defaultService,
      IdentityRefusals refusals) {
    this.refusals = java.util.Objects.requireNonNull(refusals, "refusals");
    List<URI> urls = List.copyOf(serviceOfUrl.keySet());
    this.serviceOfUrl = new java.util.HashMap<>(serviceOfUrl);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException(
          "static discovery needs at least one URL: set"
              + " heapfleet.collector.discovery.static-targets.urls or .services.<name>");
    }
    this.urls = urls;
    this.probe = Objects.requireNonNull(probe, "probe");
    this.defaultCluster = defaultCluster;
    this.defaultService = defaultService;
  }

  @Override
  public List<Target> discover() {
    Map<String, List<Target>> claims = new LinkedHashMap<>();
    int failures = 0;
    for (URI url : urls) {
      try {
        IdentityProbe.Identity id = probe.probe(url);
        Target t =
            new Target(
                id.taskId(), id.cluster().orElse(defaultCluster), serviceOf(url, id), url, false);
        claims.computeIfAbsent(t.taskId(), k -> new ArrayList<>()).add(t);
        refusals.trusted(url);
        lastProblem.remove(url);
      } catch (ProofException e) {
        failures++;
        refusals.untrusted(
            url, e.reason().name().toLowerCase(java.util.Locale.ROOT), e.getMessage());
      } catch (IllegalArgumentException e) {
        failures++;
        refusals.untrusted(url, "invalid_identity", e.getMessage());
      } catch (Exception e) {
        failures++;
        String problem = LogSafe.text(e.getMessage());
        // Log once per distinct problem, not every refresh.
        if (!problem.equals(lastProblem.put(url, problem))) {
          LOG.warnf("static target %s is not answering its identity probe: %s", url, problem);
        }
      }
    }
    if (failures == urls.size() && failures > 0) {
      throw new DiscoveryException(
          "none of the "
              + urls.size()
              + " static targets answered with a proven identity: "
              + lastProblem.values());
    }
    // One task id proved by two URLs: an impostor or a misconfiguration. Neither is captured.
    List<Target> targets = new ArrayList<>();
    Map<String, List<URI>> duplicates = new LinkedHashMap<>();
    for (Map.Entry<String, List<Target>> e : claims.entrySet()) {
      if (e.getValue().size() == 1) {
        targets.add(e.getValue().get(0));
      } else {
        duplicates.put(e.getKey(), e.getValue().stream().map(Target::baseUri).toList());
      }
    }
    refusals.duplicates(duplicates);
    return targets;
  }

  private String serviceOf(URI url, IdentityProbe.Identity id) {
    String configured = serviceOfUrl.get(url);
    return configured != null ? configured : id.service().orElse(defaultService);
  }

  @Override
  public String describe() {
    return "static urls=" + urls;
  }
}
