package io.heapfleet.analysis.retainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerGrowthTest {
  private static final String FIX = LeakFixtures.class.getName();

  @Test
  void growthOfByteArraysIsAttributedToTheCartsAndTheirStaticHolder(@TempDir Path dir)
      throws Exception {
    // Made here, in this order, so that the later dump really is written later.
    Path early = RealDumps.dump("cart-early", dir); // 500 carts
    Path late = RealDumps.dump("cart", dir); // 2000 carts

    List<OwnerGrowth.Growth> growth =
        OwnerGrowth.between(early, late, List.of("byte[]", FIX + "$Cart"), DeepOptions.defaults());

    OwnerGrowth.Growth bytes = growth.get(0);
    assertThat(bytes.owner()).isEqualTo(FIX + "$Cart");
    // 1500 more carts with a 4 KB payload each.
    assertThat(bytes.retainedBytes() - bytes.retainedBytesBefore())
        .isGreaterThanOrEqualTo(1500L * 4096);
    assertThat(bytes.retainedBytesPerHour()).isPositive();
    OwnerGrowth.Growth carts = growth.get(1);
    assertThat(carts.owner()).isEqualTo(FIX + "$CartStore");
    assertThat(carts.path().get(0)).isEqualTo("static " + FIX + "$CartStore.CARTS");

    assertThatThrownBy(
            () -> OwnerGrowth.between(late, early, List.of("byte[]"), DeepOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be written after");
  }
}
