package io.heapfleet.analysis.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.fixture.JvmFixtures;
import io.heapfleet.analysis.fixture.corpus.LeakCorpus;
import io.heapfleet.analysis.histogram.ClassHistogram;
import io.heapfleet.analysis.histogram.ClassHistograms;
import io.heapfleet.analysis.report.VerdictText;
import io.heapfleet.analysis.retainer.DeepOptions;
import io.heapfleet.analysis.retainer.GrowingOwner;
import io.heapfleet.analysis.retainer.OwnerRanking;
import io.heapfleet.analysis.retainer.TrendOwners;
import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendAnalysis;
import io.heapfleet.analysis.trend.TrendResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leak corpus ({@link LeakCorpus}): for each pattern, five live dumps of a real JVM, and the
 * answer a JVM engineer expects from them — the verdict, the class to look at among the first three
 * suspects (without a deep analysis), and for a leak the accumulation point as the headline owner.
 */
class LeakCorpusTest {
  private static final String PKG = "io.heapfleet.analysis.fixture.corpus.";
  private static final int DUMPS = 5;

  @TempDir Path dir;

  private record Series(TrendResult trend, Path newest) {
    List<String> top3() {
      return trend.suspects().stream().limit(3).map(Suspect::className).toList();
    }

    /** The deep analysis' owners of the top suspects, best first. */
    List<GrowingOwner> owners() throws Exception {
      return OwnerRanking.rank(trend, TrendOwners.of(trend, newest, DeepOptions.defaults(), 5));
    }

    String headline() throws Exception {
      List<GrowingOwner> owners = owners();
      return VerdictText.line(trend.assessment(), trend.reason(), owners);
    }
  }

  private Series run(String pattern) throws Exception {
    JvmFixtures.runMain(
        dir,
        List.of("-Xmx96m", "-XX:+UseSerialGC"),
        LeakCorpus.class.getName(),
        dir.toString(),
        pattern,
        Integer.toString(DUMPS));
    List<ClassHistogram> histograms = new ArrayList<>();
    for (int i = 0; i < DUMPS; i++) {
      histograms.add(ClassHistograms.of(dir.resolve(pattern + "-" + i + ".hprof")));
    }
    return new Series(
        TrendAnalysis.of(histograms), dir.resolve(pattern + "-" + (DUMPS - 1) + ".hprof"));
  }

  @Test
  void staticMapOfDomainObjectsHoldingByteArrays() throws Exception {
    Series s = run("static-map");
    assertThat(s.trend().assessment()).as(s.trend().reason()).isEqualTo(Assessment.LEAKING);
    assertThat(s.top3()).as(s.trend().suspects().toString()).contains(PKG + "OrderStore$Order");
    assertThat(s.trend().lockstepGroupOf("byte[]").map(g -> g.name()))
        .contains(PKG + "OrderStore$Order");
    assertThat(s.headline())
        .startsWith(
            "LEAKING: static "
                + PKG
                + "OrderStore.ORDERS (java.util.HashMap, +2,000 entries/dump)");
  }

  @Test
  void listenersRegisteredThroughLambdasAndAnonymousClassesOnAStaticBus() throws Exception {
    Series s = run("listeners");
    assertThat(s.trend().assessment()).as(s.trend().reason()).isEqualTo(Assessment.LEAKING);
    // The bus's registry is the headline, whichever kind of listener fills it; the lambda is
    // named by the class that made it, never by its run-time name.
    String headline = s.headline();
    assertThat(headline)
        .startsWith(
            "LEAKING: static "
                + PKG
                + "CheckoutFlow$OrderEvents.BUS → listeners (java.util.ArrayList, ")
        .doesNotContain("$$Lambda")
        .doesNotContain("0x");
    assertThat(s.owners().get(0).owner()).doesNotContain("$$Lambda");
  }

  @Test
  void memoizerWithUniqueKeys() throws Exception {
    Series s = run("memoizer");
    assertThat(s.trend().assessment()).as(s.trend().reason()).isEqualTo(Assessment.LEAKING);
    // Without --deep: the memoizer's own classes grow in lockstep with long[], byte[] and
    // HashMap$Node, and rank among the first three.
    assertThat(s.top3())
        .as(s.trend().suspects().toString())
        .anyMatch(c -> c.startsWith(PKG + "PriceService"));
    assertThat(s.trend().lockstep()).isNotEmpty();
    assertThat(s.trend().lockstep().get(0).name()).startsWith(PKG + "PriceService");
    assertThat(s.trend().lockstep().get(0).platformClasses()).contains("long[]");
    // The memoizer's map is where the growth piles up, not the entry that holds one value.
    assertThat(s.headline())
        .startsWith(
            "LEAKING: static " + PKG + "PriceService.QUOTES → cache (java.util.HashMap, +2,000");
  }

  @Test
  void unboundedListHeldByAStatic() throws Exception {
    Series s = run("unbounded-list");
    assertThat(s.trend().assessment()).as(s.trend().reason()).isEqualTo(Assessment.LEAKING);
    assertThat(s.top3()).as(s.trend().suspects().toString()).contains(PKG + "AuditLog$AuditEvent");
    assertThat(s.headline())
        .startsWith(
            "LEAKING: static "
                + PKG
                + "AuditLog.EVENTS (java.util.ArrayList, +2,000 entries/dump)");
  }

  @Test
  void threadLocalOnPooledThreads() throws Exception {
    Series s = run("threadlocal");
    assertThat(s.trend().assessment()).as(s.trend().reason()).isEqualTo(Assessment.LEAKING);
    assertThat(s.top3()).as(s.trend().suspects().toString()).contains(PKG + "SessionPool$Session");
    assertThat(s.headline()).contains("Thread");
  }

  @Test
  void slowLeakHiddenInNoisyDomainClasses() throws Exception {
    Series s = run("slow-noisy");
    assertThat(s.trend().assessment()).as(s.trend().reason()).isEqualTo(Assessment.LEAKING);
    assertThat(s.top3())
        .as(s.trend().suspects().toString())
        .contains(PKG + "NoisyCatalog$PricePoint");
    assertThat(s.headline())
        .startsWith("LEAKING: static " + PKG + "NoisyCatalog.HISTORY (java.util.ArrayList, +1,000");
  }

  @Test
  void aFullBoundedLruIsStable() throws Exception {
    Series s = run("bounded-lru");
    assertThat(s.trend().assessment()).as(s.trend().reason()).isEqualTo(Assessment.STABLE);
  }

  @Test
  void aWarmUpThatPlateausIsStable() throws Exception {
    Series s = run("plateau");
    assertThat(s.trend().assessment()).as(s.trend().reason()).isEqualTo(Assessment.STABLE);
    assertThat(s.trend().flatSince()).isPresent();
  }

  @Test
  void aCacheStillFillingIsNotStableWhileItGrows() throws Exception {
    Series s = run("still-filling");
    assertThat(s.trend().assessment()).as(s.trend().reason()).isNotEqualTo(Assessment.STABLE);
    assertThat(s.trend().assessment()).as(s.trend().reason()).isEqualTo(Assessment.INCONCLUSIVE);
    assertThat(s.trend().reason()).startsWith("Not flat yet:").contains("will tell");
  }
}
