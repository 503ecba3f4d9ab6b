package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hook between a trend and the deep analysis: runs {@link DeepAnalysis} on the newest dump of a
 * series for the trend's top suspects and returns, per suspect class, its {@link SuspectOwner} —
 * the {@code owner}, {@code retainedBytes} and {@code path} the trend JSON adds to each suspect.
 * Stateless; thread-safe.
 */
public final class TrendOwners {
  private TrendOwners() {}

  /**
   * @param trend the trend whose suspects to explain
   * @param newestDump the series' newest dump (plain, gzip or zstd HPROF)
   * @param maxSuspects how many suspects (from the top) to analyse
   * @return suspect class name → owner, in the trend's suspect order
   */
  public static Map<String, SuspectOwner> of(
      TrendResult trend, Path newestDump, DeepOptions options, int maxSuspects) throws IOException {
    List<String> names =
        trend.suspects().stream().limit(maxSuspects).map(Suspect::className).toList();
    Map<String, SuspectOwner> owners = new LinkedHashMap<>();
    if (names.isEmpty()) {
      return owners;
    }
    DeepResult result = DeepAnalysis.of(newestDump, options, names);
    for (SuspectOwner o : result.suspectOwners()) {
      owners.put(o.className(), o);
    }
    return owners;
  }
}
