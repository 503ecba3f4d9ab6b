package io.heapfleet.analysis.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.trend.Assessment;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every front end's verdict words come from here: the figures must back the verdict. */
class VerdictTextTest {
  private static final double MB = 1_048_576.0;
  private static final GrowingOwner OWNER =
      new GrowingOwner(
          "com.acme.cart.Cart",
          "static com.acme.cart.CartStore.CARTS",
          900 * MB,
          9_000_000,
          List.of("byte[]", "com.acme.cart.Cart"),
          true,
          List.of("static com.acme.cart.CartStore.CARTS", "com.acme.cart.Cart", "byte[]"));

  @Test
  void aStableTaskNeverShowsARate() {
    Instant since = Instant.parse("2026-11-22T03:35:40.123Z");
    assertThat(VerdictText.growth(Assessment.STABLE, 903 * MB, 452 * MB, null)).isEqualTo("flat");
    assertThat(VerdictText.growth(Assessment.STABLE, 903 * MB, -5 * MB, since))
        .isEqualTo("flat since 2026-11-22T03:35:40Z");
    assertThat(VerdictText.warmUp(Assessment.STABLE, since, 16 * 1_048_576L))
        .contains("warm-up: grew 16.0 MiB, flat since 2026-11-22T03:35:40Z");
    assertThat(VerdictText.topSuspect(Assessment.STABLE, List.of(OWNER), List.of("byte[]")))
        .isEmpty();
  }

  @Test
  void leakingShowsTheWholeSeriesAndInconclusiveTheRecentRise() {
    assertThat(VerdictText.growth(Assessment.LEAKING, 900 * MB, 10 * MB, null))
        .isEqualTo("+900.0 MiB/h");
    assertThat(VerdictText.growth(Assessment.INCONCLUSIVE, 903 * MB, 452.1 * MB, null))
        .isEqualTo("+452.1 MiB/h");
    assertThat(VerdictText.growth(null, 1, 1, null)).isEqualTo("–");
  }

  @Test
  void theTopSuspectIsTheOwnerFirstThenWhatGrows() {
    assertThat(VerdictText.topSuspect(Assessment.LEAKING, List.of(OWNER), List.of("byte[]")))
        .contains("com.acme.cart.Cart");
    assertThat(VerdictText.topSuspectHolder(Assessment.LEAKING, List.of(OWNER)))
        .contains("static com.acme.cart.CartStore.CARTS");
    assertThat(VerdictText.topSuspect(Assessment.INCONCLUSIVE, List.of(), List.of("byte[]")))
        .contains("byte[]");
    assertThat(VerdictText.line(Assessment.LEAKING, "why", List.of(OWNER)))
        .startsWith("LEAKING: com.acme.cart.Cart held by static com.acme.cart.CartStore.CARTS");
    assertThat(VerdictText.line(Assessment.INCONCLUSIVE, "Not flat yet", List.of()))
        .isEqualTo("INCONCLUSIVE: Not flat yet");
  }

  @Test
  void anInconclusiveTaskNamesWhatGrowsWithoutCallingItALeak() {
    assertThat(VerdictText.line(Assessment.INCONCLUSIVE, "Not flat yet", List.of(OWNER)))
        .isEqualTo("INCONCLUSIVE: Not flat yet");
    assertThat(VerdictText.whatGrows(Assessment.INCONCLUSIVE, List.of(OWNER)))
        .contains(
            "What grows (not a leak verdict yet): com.acme.cart.Cart held by static"
                + " com.acme.cart.CartStore.CARTS: +900.0 MiB/h (byte[], Cart)");
    assertThat(VerdictText.whatGrows(Assessment.LEAKING, List.of(OWNER))).isEmpty();
    assertThat(VerdictText.whatGrows(Assessment.STABLE, List.of(OWNER))).isEmpty();
    assertThat(VerdictText.whatGrows(Assessment.INCONCLUSIVE, List.of())).isEmpty();
    assertThat(Assessment.INCONCLUSIVE.hasGrowthToExplain()).isTrue();
    assertThat(Assessment.LEAKING.hasGrowthToExplain()).isTrue();
    assertThat(Assessment.STABLE.hasGrowthToExplain()).isFalse();
  }

  @Test
  void theFleetLineCountsInconclusiveTasks() {
    assertThat(VerdictText.fleet(0, 0)).isEqualTo("Fleet verdict: no task is leaking.");
    assertThat(VerdictText.fleet(2, 1))
        .isEqualTo("Fleet verdict: 2 tasks are leaking; 1 is inconclusive (more dumps will tell).");
  }
}
