package io.heapfleet.analysis.trend;

import io.heapfleet.analysis.histogram.ClassKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds classes that grow in lockstep without a deep analysis, and ranks their application class
 * with them. A memoizer fed unique keys grows {@code long[]}, {@code byte[]} and {@code
 * HashMap$Node} by exactly as many instances per dump as its own {@code Memoizer$Entry}; ranked by
 * bytes alone, the JDK classes fill the top of the list and the class a person can act on comes 4th
 * or 5th. Stateless and thread-safe.
 *
 * <p>Rule: with at least {@value TrendAnalysis#MIN_DUMPS} dumps, an application class whose
 * instance count rose in every interval by at least {@value #MIN_INSTANCES_PER_STEP} anchors a
 * group; another class joins when its rise in every interval equals the anchor's within {@value
 * #TOLERANCE} of it (live dumps drop garbage, so objects created together count alike; the
 * tolerance absorbs a few unrelated objects). Classes with the same rises form one group.
 */
final class Lockstep {
  /** Fewer new instances per interval than this can match by chance (class loading, caches). */
  static final int MIN_INSTANCES_PER_STEP = 50;

  /** Relative difference of two rises still counted as the same. */
  static final double TOLERANCE = 0.01;

  private Lockstep() {}

  /**
   * The lockstep groups among {@code ranked} (the trend's suspects, best first), best-ranked group
   * first; {@code perClass} holds each class's [bytes, instances] per dump.
   */
  static List<LockstepGroup> groups(List<Suspect> ranked, Map<String, double[][]> perClass, int n) {
    if (n < TrendAnalysis.MIN_DUMPS) {
      return List.of();
    }
    Map<String, long[]> rises = new HashMap<>();
    for (Suspect s : ranked) {
      long[] r = rises(perClass.get(s.className())[1]);
      if (r != null) {
        rises.put(s.className(), r);
      }
    }
    List<LockstepGroup> groups = new ArrayList<>();
    Set<String> taken = new LinkedHashSet<>();
    for (Suspect anchor : ranked) {
      String a = anchor.className();
      long[] ra = rises.get(a);
      if (taken.contains(a) || ra == null || !ClassKind.isApplicationClass(a)) {
        continue;
      }
      List<Suspect> apps = new ArrayList<>();
      List<String> platform = new ArrayList<>();
      for (Suspect other : ranked) {
        String o = other.className();
        long[] ro = rises.get(o);
        if (taken.contains(o) || ro == null || !same(ra, ro)) {
          continue;
        }
        if (ClassKind.isApplicationClass(o)) {
          apps.add(other);
        } else {
          platform.add(o);
        }
      }
      if (apps.size() + platform.size() < 2) {
        continue; // alone: nothing moves with it
      }
      apps.sort(Comparator.comparingDouble(Suspect::bytesPerHour).reversed());
      List<String> appNames = apps.stream().map(Suspect::className).toList();
      taken.addAll(appNames);
      taken.addAll(platform);
      groups.add(
          new LockstepGroup(appNames.get(0), appNames, platform, apps.get(0).instancesPerStep()));
    }
    return groups;
  }

  /**
   * {@code ranked} with each group's application classes moved up to the place of the group's
   * best-ranked class (in the group's order), the rest unchanged: the class to act on ranks with
   * the growth it causes.
   */
  static List<Suspect> rank(List<Suspect> ranked, List<LockstepGroup> groups) {
    List<Suspect> out = new ArrayList<>(ranked);
    for (LockstepGroup g : groups) {
      int first = Integer.MAX_VALUE;
      for (int i = 0; i < out.size(); i++) {
        if (g.classes().contains(out.get(i).className())) {
          first = i;
          break;
        }
      }
      List<Suspect> apps = new ArrayList<>();
      for (String name : g.applicationClasses()) {
        out.stream().filter(s -> s.className().equals(name)).findFirst().ifPresent(apps::add);
      }
      out.removeAll(apps);
      out.addAll(Math.min(first, out.size()), apps);
    }
    return out;
  }

  /** Its rise in every interval, or {@code null} when it did not rise in each by the minimum. */
  private static long[] rises(double[] counts) {
    long[] r = new long[counts.length - 1];
    for (int i = 1; i < counts.length; i++) {
      r[i - 1] = Math.round(counts[i] - counts[i - 1]);
      if (r[i - 1] < MIN_INSTANCES_PER_STEP) {
        return null;
      }
    }
    return r;
  }

  private static boolean same(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i] - b[i]) > TOLERANCE * Math.max(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }
}
