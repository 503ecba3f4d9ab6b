package io.heapfleet.analysis.retainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrendOwnersTest {
  private static final String FIX = LeakFixtures.class.getName();

  @Test
  void trendSuspectsGainOwnerRetainedBytesAndPath() throws Exception {
    Path dump = RealDumps.shared("cart");
    TrendResult trend =
        new TrendResult(
            Assessment.LEAKING,
            "heap grows steadily",
            40e6,
            0.95,
            List.of(),
            List.of(suspect("byte[]"), suspect(FIX + "$Cart"), suspect("java.lang.String")));

    Map<String, SuspectOwner> owners = TrendOwners.of(trend, dump, DeepOptions.defaults(), 2);

    assertThat(owners.keySet()).containsExactly("byte[]", FIX + "$Cart");
    assertThat(owners.get("byte[]").owner()).isEqualTo(FIX + "$Cart");
    assertThat(owners.get(FIX + "$Cart").owner()).isEqualTo(FIX + "$CartStore");
    assertThat(owners.get(FIX + "$Cart").retainedBytes()).isGreaterThan(2000L * 4096);
    assertThat(owners.get(FIX + "$Cart").path().get(0))
        .isEqualTo("static " + FIX + "$CartStore.CARTS");
  }

  private static Suspect suspect(String name) {
    return new Suspect(name, 1e6, 100, 0.9, 4, 4, 0.99, 1e5, 10, true, 1_000_000, 1000);
  }
}
