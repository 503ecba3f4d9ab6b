package io.heapfleet.analysis.retainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.heapfleet.analysis.trend.Assessment;
import io.heapfleet.analysis.trend.Suspect;
import io.heapfleet.analysis.trend.TrendResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The owner-first view: growth of held classes added up under their owner, the owner's own growth
 * counted with it, the holder read off the retainer path — on hand-built owners (exact sums) and on
 * real dumps of {@link LeakFixtures} (Cart under CartStore.CARTS, Listener under EventBus).
 */
class OwnerRankingTest {
  private static final String FIX = LeakFixtures.class.getName();
  private static final List<String> CART_PATH =
      List.of(
          "static com.acme.cart.CartStore.CARTS",
          "java.util.concurrent.ConcurrentHashMap.table",
          "java.util.concurrent.ConcurrentHashMap$Node[][7]",
          "java.util.concurrent.ConcurrentHashMap$Node.val",
          "com.acme.cart.Cart.sessionSnapshot",
          "byte[]");

  static Suspect suspect(String name, double bytesPerHour, boolean steady) {
    return new Suspect(name, bytesPerHour, 10, 1, 3, 3, 1, bytesPerHour / 4, 3, steady, 4_000, 10);
  }

  static TrendResult trend(Suspect... suspects) {
    return new TrendResult(Assessment.LEAKING, "grows", 1e9, 1, List.of(), List.of(suspects));
  }

  @Test
  void growthOfHeldClassesAndOfTheOwnerItselfIsAttributedToTheOwner() {
    TrendResult t =
        trend(
            suspect("byte[]", 800e6, true),
            suspect("com.acme.cart.Cart", 98e6, true),
            suspect("java.lang.String", 40e6, true),
            suspect("java.util.concurrent.ConcurrentHashMap$Node", 30e6, true),
            suspect("java.lang.Object[]", 5e6, false));
    Map<String, SuspectOwner> owners =
        Map.of(
            "byte[]", new SuspectOwner("byte[]", "com.acme.cart.Cart", 900_000_000, CART_PATH),
            "com.acme.cart.Cart",
                new SuspectOwner(
                    "com.acme.cart.Cart",
                    "com.acme.cart.CartStore",
                    950_000_000,
                    CART_PATH.subList(0, 4)),
            "java.lang.String",
                new SuspectOwner(
                    "java.lang.String", "com.acme.cart.Cart", 20_000_000, List.of("x.Y.z")),
            "java.util.concurrent.ConcurrentHashMap$Node",
                new SuspectOwner(
                    "java.util.concurrent.ConcurrentHashMap$Node",
                    "com.acme.cart.CartStore",
                    950_000_000,
                    CART_PATH.subList(0, 3)),
            "java.lang.Object[]", new SuspectOwner("java.lang.Object[]", null, 0, List.of()));

    List<GrowingOwner> ranked = OwnerRanking.rank(t, owners);

    // Cart's group (byte[] + Cart + String: the Cart moves into its own group, out of
    // CartStore's) and CartStore's (the map's nodes) pile up in the same map: one finding, named by
    // that map and the static holding it.
    assertThat(ranked).extracting(GrowingOwner::owner).containsExactly("com.acme.cart.Cart");
    GrowingOwner cart = ranked.get(0);
    assertThat(cart.classes())
        .containsExactly(
            "byte[]",
            "com.acme.cart.Cart",
            "java.lang.String",
            "java.util.concurrent.ConcurrentHashMap$Node");
    assertThat(cart.bytesPerHour()).isEqualTo(800e6 + 98e6 + 40e6 + 30e6);
    assertThat(cart.retainedBytes()).isEqualTo(950_000_000);
    assertThat(cart.steady()).isTrue();
    assertThat(cart.path()).isEqualTo(CART_PATH); // the fastest held class's path
    assertThat(cart.holder()).isEqualTo("static com.acme.cart.CartStore.CARTS");
    assertThat(cart.accumulation())
        .isEqualTo(
            new AccumulationPoint(
                "static com.acme.cart.CartStore.CARTS",
                "java.util.concurrent.ConcurrentHashMap",
                3));
    assertThat(cart.headline())
        .isEqualTo(
            "static com.acme.cart.CartStore.CARTS (java.util.concurrent.ConcurrentHashMap, +3"
                + " entries/dump): +923.2 MiB/h (byte[], Cart, String, ConcurrentHashMap$Node)");
    // Object[] (no owner) is in no group.
    assertThat(ranked).noneMatch(g -> g.classes().contains("java.lang.Object[]"));
  }

  @Test
  void steadyGroupsComeBeforeFasterDrift() {
    TrendResult t = trend(suspect("byte[]", 1e6, true), suspect("char[]", 9e6, false));
    Map<String, SuspectOwner> owners =
        Map.of(
            "byte[]",
                new SuspectOwner("byte[]", "a.Steady", 1, List.of("static a.Root.F", "byte[]")),
            "char[]",
                new SuspectOwner("char[]", "a.Drift", 1, List.of("static a.Root.G", "char[]")));
    assertThat(OwnerRanking.rank(t, owners))
        .extracting(GrowingOwner::owner)
        .containsExactly("a.Steady", "a.Drift");
    assertThat(OwnerRanking.rank(t, Map.of())).isEmpty();
  }

  @Test
  void holderIsTheNearestApplicationStepBeforeTheOwnerElseTheGcRoot() {
    assertThat(OwnerRanking.holder("com.acme.cart.Cart", CART_PATH))
        .isEqualTo("static com.acme.cart.CartStore.CARTS");
    // The owner is the static state at the root: the holder is its field.
    assertThat(OwnerRanking.holder("com.acme.cart.CartStore", CART_PATH))
        .isEqualTo("static com.acme.cart.CartStore.CARTS");
    // An application object between the root and the owner is the holder.
    List<String> bus =
        List.of(
            "static a.EventBus.INSTANCE",
            "a.EventBus.listeners",
            "java.util.ArrayList.elementData",
            "java.lang.Object[][12]",
            "a.Listener.buffer",
            "byte[]");
    assertThat(OwnerRanking.holder("a.Listener", bus)).isEqualTo("a.EventBus.listeners");
    // Only JDK objects: the GC root step (a named thread's dots are not field separators).
    List<String> thread =
        List.of(
            "(thread) java.lang.Thread \"worker.1\".threadLocals",
            "java.lang.ThreadLocal$ThreadLocalMap.table",
            "a.Session.chunks",
            "byte[]");
    assertThat(OwnerRanking.holder("a.Session", thread))
        .isEqualTo("(thread) java.lang.Thread \"worker.1\".threadLocals");
    assertThat(OwnerRanking.stepClass("(thread) java.lang.Thread \"worker.1\".threadLocals"))
        .isEqualTo("java.lang.Thread");
    assertThat(OwnerRanking.stepClass("java.util.HashMap$Node[][3]"))
        .isEqualTo("java.util.HashMap$Node[]");
    assertThat(OwnerRanking.holder("a.X", List.of())).isNull();
  }

  @Test
  void realCartDumpNamesCartHeldByTheStaticMapFirst() throws Exception {
    Path dump = RealDumps.shared("cart");
    TrendResult t =
        trend(
            suspect("byte[]", 8e6, true),
            suspect(FIX + "$Cart", 1e6, true),
            suspect("java.lang.String", 5e5, true));
    Map<String, SuspectOwner> owners = TrendOwners.of(t, dump, DeepOptions.defaults(), 3);

    List<GrowingOwner> ranked = OwnerRanking.rank(t, owners);

    GrowingOwner top = ranked.get(0);
    assertThat(top.owner()).isEqualTo(FIX + "$Cart");
    assertThat(top.holder()).isEqualTo("static " + FIX + "$CartStore.CARTS");
    assertThat(top.classes()).startsWith("byte[]", FIX + "$Cart");
    assertThat(top.bytesPerHour()).isGreaterThanOrEqualTo(9e6);
    assertThat(top.retainedBytes()).isGreaterThan(2000L * 4096);
    assertThat(top.headline())
        .startsWith("static " + FIX + "$CartStore.CARTS (java.util.HashMap, +3 entries/dump): +");
  }

  @Test
  void realListenerDumpNamesTheBusAsHolder() throws Exception {
    Path dump = RealDumps.shared("listener");
    TrendResult t = trend(suspect("byte[]", 8e6, true), suspect(FIX + "$Listener", 1e6, true));
    Map<String, SuspectOwner> owners = TrendOwners.of(t, dump, DeepOptions.defaults(), 2);

    GrowingOwner top = OwnerRanking.rank(t, owners).get(0);

    assertThat(top.owner()).as(owners.toString()).isEqualTo(FIX + "$Listener");
    assertThat(top.holder()).as(top.path().toString()).startsWith(FIX + "$EventBus.listeners");
    assertThat(top.classes()).containsExactly("byte[]", FIX + "$Listener");
    assertThat(top.headline())
        .startsWith(
            "static "
                + FIX
                + "$EventBus.INSTANCE → listeners (java.util.ArrayList, +3 entries/dump)");
  }

  @Test
  void theAccumulationPointIsTheFirstCollectionAndTheApplicationStepHoldingIt() {
    // A memoizer: the static holds the memoizer, whose field holds the map that grows.
    List<String> memo =
        List.of(
            "static a.Prices.QUOTES",
            "a.Memoizer.cache",
            "java.util.HashMap.table",
            "java.util.HashMap$Node[][3]",
            "java.util.HashMap$Node.value",
            "a.Memoizer$Entry.value",
            "a.Quote.history",
            "long[]");
    assertThat(AccumulationPoint.of(memo, 2_000).orElseThrow().describe())
        .isEqualTo("static a.Prices.QUOTES → cache (java.util.HashMap, +2,000 entries/dump)");
    // A lambda on the way is named by the class that made it.
    List<String> lambda =
        List.of(
            "static a.Bus.BUS",
            "a.Bus.listeners",
            "java.util.ArrayList.elementData",
            "java.lang.Object[][0]",
            "a.Flow$$Lambda$70/0x0000000800c0b230.arg$1",
            "byte[]");
    assertThat(AccumulationPoint.of(lambda, 0).orElseThrow().describe())
        .isEqualTo("static a.Bus.BUS → listeners (java.util.ArrayList)");
    assertThat(GrowingOwner.shortName("a.Flow$$Lambda$70/0x0000000800c0b230"))
        .isEqualTo("lambda in Flow");
    // Only JDK objects before the collection (a thread's locals): no accumulation point.
    assertThat(
            AccumulationPoint.of(
                List.of(
                    "(thread) java.lang.Thread \"w\".threadLocals",
                    "java.lang.ThreadLocal$ThreadLocalMap.table",
                    "a.Session.chunks",
                    "byte[]"),
                5))
        .isEmpty();
  }
}
