package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.report.Format;
import java.util.List;

/**
 * A trend's growth attributed to the class that holds it: "{@code com.acme.cart.Cart} held by
 * {@code static com.acme.cart.CartStore.CARTS}: +898 MB/hour ({@code byte[]}, {@code Cart})". The
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
 */
public record GrowingOwner(
    String owner,
    String holder,
    double bytesPerHour,
    long retainedBytes,
    List<String> classes,
    boolean steady,
    List<String> path) {
  public GrowingOwner {
    classes = List.copyOf(classes);
    path = List.copyOf(path);
  }

  /**
   * The one line a person reads first, e.g. {@code com.acme.cart.Cart held by static
   * com.acme.cart.CartStore.CARTS: +898.0 MB/hour (byte[], Cart)}.
   */
  public String headline() {
    return heldBy()
        + ": "
        + Format.signedBytes(bytesPerHour)
        + "/hour ("
        + String.join(", ", classes.stream().map(GrowingOwner::shortName).toList())
        + ")";
  }

  /**
   * {@code com.acme.cart.Cart held by static com.acme.cart.CartStore.CARTS}, or the owner alone.
   */
  public String heldBy() {
    return holder == null ? owner : owner + " held by " + holder;
  }

  /** The class name without its package: {@code Cart}, {@code HashMap$Node[]}, {@code byte[]}. */
  public static String shortName(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(dot + 1);
  }
}
