package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.histogram.ClassKind;
import io.heapfleet.analysis.report.Format;
import java.util.List;

/**
 * A trend's growth attributed to the class that holds it: "{@code com.acme.cart.Cart} held by
 * {@code static com.acme.cart.CartStore.CARTS}: +898 MiB/h ({@code byte[]}, {@code Cart})". The
 * owner-first view of a trend, built by {@link OwnerRanking}. Immutable.
 *
 * @param owner the owner class (see {@link SuspectOwner#owner()})
 * @param holder what keeps the owner objects alive: the nearest application-class step before the
 *     owner on the retainer path (e.g. {@code static com.acme.cart.CartStore.CARTS}), else the
 *     path's GC root step; {@code null} when no path is known
 * @param bytesPerHour sum of the trend slopes (shallow bytes per hour) of {@link #classes}
 * @param retainedBytes bytes the owner objects retain in the analysed dump (the biggest figure the
 *     deep analysis gave for this owner)
 * @param classes the trend suspects attributed to the owner, in the trend's order: the classes it
 *     holds and, when it grows too, the owner class itself
 * @param steady whether at least one of {@link #classes} meets the trend's leak rule
 * @param path the retainer path through the owner to its fastest-growing held class, GC root first
 * @param accumulation the collection on {@code path} where the growth piles up and the static or
 *     field holding it, or {@code null} when the path shows none (then the owner and its holder are
 *     the headline)
 */
public record GrowingOwner(
    String owner,
    String holder,
    double bytesPerHour,
    long retainedBytes,
    List<String> classes,
    boolean steady,
    List<String> path,
    AccumulationPoint accumulation) {
  public GrowingOwner {
    classes = List.copyOf(classes);
    path = List.copyOf(path);
  }

  /** An owner whose accumulation point is not known. */
  public GrowingOwner(
      String owner,
      String holder,
      double bytesPerHour,
      long retainedBytes,
      List<String> classes,
      boolean steady,
      List<String> path) {
    this(owner, holder, bytesPerHour, retainedBytes, classes, steady, path, null);
  }

  /**
   * The one line a person reads first, e.g. {@code com.acme.cart.Cart held by static
   * com.acme.cart.CartStore.CARTS: +898.0 MiB/h (byte[], Cart)}.
   */
  public String headline() {
    return heldBy()
        + ": "
        + Format.bytesPerHour(bytesPerHour)
        + " ("
        + String.join(", ", classes.stream().map(GrowingOwner::shortName).toList())
        + ")";
  }

  /**
   * The accumulation point when known ({@code static com.acme.orders.OrderEvents.BUS → listeners
   * (java.util.ArrayList, +2,000 entries/dump)}), else {@code com.acme.cart.Cart held by static
   * com.acme.cart.CartStore.CARTS}, or the owner alone.
   */
  public String heldBy() {
    if (accumulation != null) {
      // The collection where the growth piles up and what holds it: what a person fixes.
      return accumulation.describe();
    }
    String o = ClassKind.readable(owner);
    return holder == null ? o : o + " held by " + ClassKind.readableStep(holder);
  }

  /**
   * The class name without its package: {@code Cart}, {@code HashMap$Node[]}, {@code byte[]}; a
   * lambda as {@code lambda in CheckoutFlow}.
   */
  public static String shortName(String className) {
    int lambda = className.indexOf("$$Lambda");
    if (lambda > 0) {
      return "lambda in " + shortName(className.substring(0, lambda));
    }
    String readable = ClassKind.readable(className);
    int dot = readable.lastIndexOf('.');
    return dot < 0 ? readable : readable.substring(dot + 1);
  }
}
