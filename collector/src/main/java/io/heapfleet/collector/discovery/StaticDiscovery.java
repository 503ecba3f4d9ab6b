package io.heapfleet.collector.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Discovers a fixed list of task base URLs (non-ECS fleets, the demo). Each URL is probed at {@code
 * /heapdump/identity} to learn the task id behind it; a URL that does not answer is not a live task
 * this round (so a task that dies ends its series, and a replacement on the same URL with a new id
 * starts a new one). Thread-safe.
 */
public final class StaticDiscovery implements Discovery {
  private static final Logger LOG = Logger.getLogger(StaticDiscovery.class);

  private final List<URI> urls;
  private final Map<URI, String> serviceOfUrl;
  private final IdentityProbe probe;
  private final String defaultCluster;
  private final String defaultService;
  private final Map<URI, String> lastProblem = new ConcurrentHashMap<>();

  /**
   * @param serviceOfUrl the service of each URL; URLs mapped to {@code null} use the task's
   *     identity or {@code defaultService}
   */
  public StaticDiscovery(
      Map<URI, String> serviceOfUrl,
      IdentityProbe probe,
      String defaultCluster,
      String defaultService) {
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
    List<Target> targets = new ArrayList<>();
    int failures = 0;
    for (URI url : urls) {
      try {
        IdentityProbe.Identity id = probe.probe(url);
        targets.add(
            new Target(
                id.taskId(), id.cluster().orElse(defaultCluster), serviceOf(url, id), url, false));
        lastProblem.remove(url);
      } catch (Exception e) {
        failures++;
        String problem = String.valueOf(e.getMessage());
        // Log once per distinct problem, not every refresh.
        if (!problem.equals(lastProblem.put(url, problem))) {
          LOG.warnf("static target %s is not answering its identity probe: %s", url, problem);
        }
      }
    }
    if (failures == urls.size() && failures > 0) {
      throw new DiscoveryException(
          "none of the " + urls.size() + " static targets answered: " + lastProblem.values());
    }
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
