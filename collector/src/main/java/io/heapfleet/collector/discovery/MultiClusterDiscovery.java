package io.heapfleet.collector.discovery;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Several discoveries as one, e.g. one {@link EcsDiscovery} per cluster, region or account. One
 * that fails keeps its previous task list (its tasks are not ended by someone else's outage) and is
 * logged; the refresh fails only when every part fails. Called by one thread at a time.
 */
public final class MultiClusterDiscovery implements Discovery {
  private static final Logger LOG = Logger.getLogger(MultiClusterDiscovery.class);

  private final List<Discovery> parts;
  private final Map<Discovery, List<Target>> lastGood = new HashMap<>();
  private final Map<Discovery, String> lastError = new HashMap<>();

  public MultiClusterDiscovery(List<Discovery> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no cluster to discover");
    }
    this.parts = List.copyOf(parts);
  }

  @Override
  public synchronized List<Target> discover() {
    List<Target> all = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Discovery d : parts) {
      try {
        List<Target> found = d.discover();
        lastGood.put(d, found);
        if (lastError.remove(d) != null) {
          LOG.infof("discovery of %s works again", d.describe());
        }
        all.addAll(found);
      } catch (DiscoveryException e) {
        errors.add(e.getMessage());
        if (!e.getMessage().equals(lastError.put(d, e.getMessage()))) {
          LOG.warnf(
              "%s; keeping its previous %d tasks",
              e.getMessage(), lastGood.getOrDefault(d, List.of()).size());
        }
        all.addAll(lastGood.getOrDefault(d, List.of()));
      }
    }
    if (errors.size() == parts.size()) {
      throw new DiscoveryException(String.join("; ", errors), null);
    }
    return all;
  }

  @Override
  public String describe() {
    List<String> each = new ArrayList<>();
    parts.forEach(d -> each.add(d.describe()));
    return String.join(" + ", each);
  }
}
