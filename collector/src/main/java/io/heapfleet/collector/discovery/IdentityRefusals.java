package io.heapfleet.collector.discovery;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Endpoints discovery refused, as they stand after the latest refresh, for the log, the metrics and
 * {@code GET /api/conflicts}:
 *
 * <ul>
 *   <li>a <b>duplicate claim</b>: several URLs proved the same task id (an impostor, or two tasks
 *       configured with one {@code HEAPFLEET_TASK_ID}). None of them is captured while the claim is
 *       disputed, so an impostor's dumps never enter the real task's series;
 *   <li>an <b>untrusted</b> endpoint: it did not prove its identity, or reported one that breaks
 *       the rules (see {@link IdentityRules}); it was sent no credential.
 * </ul>
 *
 * Each new refusal is logged once (text from the endpoint through {@link LogSafe}) and counted; a
 * refusal that is over disappears. Thread-safe (synchronized).
 */
public final class IdentityRefusals {
  private static final Logger LOG = Logger.getLogger(IdentityRefusals.class);

  /** Several URLs proved one task id; none is captured. */
  public record DuplicateClaim(String taskId, List<String> urls, Instant since) {}

  /**
   * An endpoint that was refused before it was sent any credential.
   *
   * @param reason a code: {@code invalid_task_id}, {@code malformed}, {@code bad_proof}, {@code
   *     wrong_task}, {@code invalid_identity}
   * @param message what was wrong, made log-safe
   */
  public record Untrusted(String url, String reason, String message, Instant since) {}

  private final Clock clock;
  private final Consumer<DuplicateClaim> onDuplicate;
  private final Consumer<String> onUntrusted;
  private final Map<String, DuplicateClaim> duplicates = new LinkedHashMap<>();
  private final Map<String, Untrusted> untrusted = new LinkedHashMap<>();

  /**
   * @param onDuplicate called once per new duplicate claim (metrics)
   * @param onUntrusted called with the reason each time an endpoint newly becomes untrusted
   */
  public IdentityRefusals(
      Clock clock, Consumer<DuplicateClaim> onDuplicate, Consumer<String> onUntrusted) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onDuplicate = Objects.requireNonNull(onDuplicate, "onDuplicate");
    this.onUntrusted = Objects.requireNonNull(onUntrusted, "onUntrusted");
  }

  /** Refusals that are only kept, not counted (tests, tools). */
  public static IdentityRefusals uncounted(Clock clock) {
    return new IdentityRefusals(clock, d -> {}, r -> {});
  }

  /** Records the duplicate claims of one refresh (task id to the URLs claiming it, 2 or more). */
  public synchronized void duplicates(Map<String, List<URI>> claims) {
    Instant now = clock.instant();
    Map<String, DuplicateClaim> next = new LinkedHashMap<>();
    for (Map.Entry<String, List<URI>> e : claims.entrySet()) {
      List<String> urls = e.getValue().stream().map(URI::toString).sorted().toList();
      DuplicateClaim previous = duplicates.get(e.getKey());
      if (previous != null && previous.urls().equals(urls)) {
        next.put(e.getKey(), previous);
        continue;
      }
      DuplicateClaim claim = new DuplicateClaim(e.getKey(), urls, now);
      next.put(e.getKey(), claim);
      LOG.errorf(
          "identity conflict: %d endpoints prove task id %s (%s); none of them is captured until"
              + " only one claims it (an impostor, or two tasks configured with one task id)",
          urls.size(), LogSafe.text(e.getKey()), LogSafe.text(String.join(", ", urls)));
      onDuplicate.accept(claim);
    }
    duplicates.clear();
    duplicates.putAll(next);
  }

  /** Records that {@code url} was refused this refresh (logged and counted once per change). */
  public synchronized void untrusted(URI url, String reason, String message) {
    String key = url.toString();
    Untrusted previous = untrusted.get(key);
    if (previous != null && previous.reason().equals(reason)) {
      return;
    }
    String safe = LogSafe.text(message);
    untrusted.put(key, new Untrusted(key, reason, safe, clock.instant()));
    LOG.warnf(
        "endpoint %s is not trusted [%s] and was sent no credential: %s",
        LogSafe.text(key), reason, safe);
    onUntrusted.accept(reason);
  }

  /** Records that {@code url} proved itself (it is no longer untrusted). */
  public synchronized void trusted(URI url) {
    untrusted.remove(url.toString());
  }

  public synchronized List<DuplicateClaim> duplicateClaims() {
    return List.copyOf(duplicates.values());
  }

  public synchronized List<Untrusted> untrustedEndpoints() {
    List<Untrusted> list = new ArrayList<>(untrusted.values());
    list.sort(Comparator.comparing(Untrusted::url));
    return list;
  }
}
