package io.heapfleet.analysis.retainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.internal.dominator.ClassRetained;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetainedDiffTest {

  @Test
  void biggestRetainedGrowthComesFirstAndNewOrGoneClassesCountFromZero() {
    DeepResult before =
        result(
            new ClassRetained("com.acme.Cart", 10, 240, 50_000),
            new ClassRetained("java.lang.String", 100, 2400, 9_000),
            new ClassRetained("com.acme.Gone", 1, 16, 500));
    DeepResult after =
        result(
            new ClassRetained("com.acme.Cart", 40, 960, 200_000),
            new ClassRetained("java.lang.String", 100, 2400, 8_000),
            new ClassRetained("com.acme.New", 1, 16, 700));

    List<RetainedDiff.Delta> deltas = RetainedDiff.between(before, after);

    assertThat(deltas)
        .extracting(RetainedDiff.Delta::className)
        .containsExactly("com.acme.Cart", "com.acme.New", "com.acme.Gone", "java.lang.String");
    assertThat(deltas.get(0).deltaBytes()).isEqualTo(150_000);
    assertThat(deltas.get(1).retainedBefore()).isZero();
    assertThat(deltas.get(2).deltaBytes()).isEqualTo(-500);
  }

  private static DeepResult result(ClassRetained... classes) {
    return new DeepResult(
        Instant.EPOCH,
        "compressed-oops",
        0,
        0,
        0,
        0,
        0,
        new DeepResult.Timings(0, 0, 0),
        List.of(classes),
        List.of(),
        List.of());
  }
}
