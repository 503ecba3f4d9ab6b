package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The owner-first view of a trend: its suspects grouped by the class that holds them, so that when
 * {@code byte[]} grows under {@code Cart} the first thing named is {@code Cart} and what holds the
 * carts, not {@code byte[]}.
 *
 * <p>A suspect with a known owner counts towards that owner; a suspect that is itself the owner of
 * another suspect (the {@code Cart} that holds the growing {@code byte[]}) counts towards its own
 * group — its growth is the owner's growth. Each group's growth is the sum of its classes' trend
 * slopes (bytes per hour). Groups with a steadily growing class come first, then by growth.
 * Suspects without a known owner are left out (the histogram view still lists them). Stateless;
 * thread-safe.
 */
public final class OwnerRanking {
  private OwnerRanking() {}

  /** What an owner name that already names its holder contains. */
  public static final String HELD_BY = " held by ";

  /**
   * @param trend the trend whose suspects to group
   * @param owners suspect class → owner, from the deep analysis of the series' newest dump (see
   *     {@link TrendOwners}); suspects missing here, or with a {@code null} owner, are left out
   * @return the owners, best first; empty when no suspect has a known owner
   */
  public static List<GrowingOwner> rank(TrendResult trend, Map<String, SuspectOwner> owners) {
    Map<String, Group> groups = new LinkedHashMap<>();
    for (Suspect s : trend.suspects()) {
      SuspectOwner o = owners.get(s.className());
      if (o != null && o.owner() != null && !o.owner().equals(s.className())) {
        groups.computeIfAbsent(o.owner(), Group::new);
      }
    }
    for (Suspect s : trend.suspects()) {
      SuspectOwner o = owners.get(s.className());
      Group g = groups.get(s.className()); // the suspect owns others: it belongs to its own group
      if (g == null && o != null && o.owner() != null && !o.owner().equals(s.className())) {
        g = groups.get(o.owner());
      }
      if (g == null) {
        continue;
      }
      g.add(s, o, g.owner.equals(s.className()));
    }
    return merged(
            groups.values().stream()
                .filter(g -> !g.classes.isEmpty())
                .map(Group::toGrowingOwner)
                .toList())
        .stream()
        .sorted(
            Comparator.comparing((GrowingOwner g) -> !g.steady())
                .thenComparing(g -> -g.bytesPerHour()))
        .toList();
  }

  /**
   * Owners whose growth piles up in the same collection are one finding (listeners registered
   * through a lambda and through an anonymous class on one bus): the one growing fastest keeps its
   * owner and path (what accumulates); growth and classes add up.
   */
  private static List<GrowingOwner> merged(List<GrowingOwner> owners) {
    Map<String, GrowingOwner> byPoint = new LinkedHashMap<>();
    List<GrowingOwner> out = new ArrayList<>();
    for (GrowingOwner g : owners) {
      if (g.accumulation() == null) {
        out.add(g);
        continue;
      }
      String key = g.accumulation().holder() + " " + g.accumulation().collection();
      GrowingOwner seen = byPoint.get(key);
      if (seen == null) {
        byPoint.put(key, g);
        continue;
      }
      GrowingOwner base = g.bytesPerHour() > seen.bytesPerHour() ? g : seen;
      GrowingOwner other = base == g ? seen : g;
      List<String> classes = new ArrayList<>(base.classes());
      other.classes().stream().filter(c -> !classes.contains(c)).forEach(classes::add);
      byPoint.put(
          key,
          new GrowingOwner(
              base.owner(),
              base.holder(),
              base.bytesPerHour() + other.bytesPerHour(),
              Math.max(base.retainedBytes(), other.retainedBytes()),
              classes,
              base.steady() || other.steady(),
              base.path(),
              new AccumulationPoint(
                  base.accumulation().holder(),
                  base.accumulation().collection(),
                  base.accumulation().entriesPerDump() + other.accumulation().entriesPerDump())));
    }
    out.addAll(byPoint.values());
    return out;
  }

  /** One owner while grouping. */
  private static final class Group {
    final String owner;
    final List<String> classes = new ArrayList<>();
    double bytesPerHour;
    long retainedBytes;
    boolean steady;
    List<String> path = List.of();
    double pathRate = Double.NEGATIVE_INFINITY;
    double entriesPerDump;

    Group(String owner) {
      this.owner = owner;
    }

    void add(Suspect s, SuspectOwner o, boolean isOwner) {
      classes.add(s.className());
      bytesPerHour += s.bytesPerHour();
      if (OwnerFinder.isApplicationClass(s.className())) {
        // Entries of the collection: the application objects that pile up in it.
        entriesPerDump = Math.max(entriesPerDump, s.instancesPerStep());
      }
      steady |= s.steady();
      if (o == null || isOwner) {
        return; // the owner's own path ends at the owner; the held classes' paths go through it
      }
      retainedBytes = Math.max(retainedBytes, o.retainedBytes());
      if (s.bytesPerHour() > pathRate && !o.path().isEmpty()) {
        pathRate = s.bytesPerHour();
        path = o.path();
      }
    }

    GrowingOwner toGrowingOwner() {
      return new GrowingOwner(
          owner,
          holder(owner, path),
          bytesPerHour,
          retainedBytes,
          classes,
          steady,
          path,
          AccumulationPoint.of(path, entriesPerDump).orElse(null));
    }
  }

  /**
   * What keeps the {@code owner} objects on {@code path} alive: the nearest step before the owner's
   * own step whose object is an application class (a static field counts as its class), else the
   * path's first step (the GC root); {@code null} when the path is empty.
   *
   * <p>On {@code static com.acme.cart.CartStore.CARTS →
   * java.util.concurrent.ConcurrentHashMap.table → … → com.acme.cart.Cart.sessionSnapshot → byte[]}
   * the holder of {@code com.acme.cart.Cart} is {@code static com.acme.cart.CartStore.CARTS}.
   */
  public static String holder(String owner, List<String> path) {
    if (path.isEmpty() || owner.contains(HELD_BY)) {
      return null; // a V8 owner already names what holds it
    }
    int at = -1;
    for (int i = path.size() - 2; i >= 0; i--) {
      if (owner.equals(stepClass(path.get(i)))) {
        at = i;
        break;
      }
    }
    for (int i = at - 1; i >= 0; i--) {
      String c = stepClass(path.get(i));
      if (c != null && OwnerFinder.isApplicationClass(c)) {
        return path.get(i);
      }
    }
    return path.get(0);
  }

  /**
   * The class of the object a rendered path edge leaves from ({@link PathRenderer}'s labels; every
   * step but a path's last is an edge): {@code static C.f} → {@code C}, {@code (thread) C "name".f}
   * → {@code C}, {@code C[3]} → {@code C} (an array class), {@code C.f} → {@code C}.
   */
  static String stepClass(String step) {
    String s = step;
    if (s.startsWith("(")) {
      int close = s.indexOf(") ");
      s = close < 0 ? s : s.substring(close + 2);
    }
    if (s.startsWith("static ")) {
      s = s.substring("static ".length());
    }
    int quote = s.indexOf(" \"");
    if (quote >= 0) {
      return s.substring(0, quote); // a named thread: its name may hold dots
    }
    if (s.endsWith("]")) {
      int open = s.lastIndexOf('[');
      return open < 0 ? s : s.substring(0, open);
    }
    int dot = s.lastIndexOf('.');
    return dot < 0 ? s : s.substring(0, dot);
  }
}
