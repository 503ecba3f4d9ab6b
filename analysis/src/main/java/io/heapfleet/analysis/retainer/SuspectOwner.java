package io.heapfleet.analysis.retainer;

import java.util.List;

/**
 * Who holds a growing class, in the shape the trend JSON adds to each suspect ({@code owner},
 * {@code retainedBytes}, {@code path}).
 *
 * @param className the suspect, e.g. {@code byte[]}
 * @param owner the class named first: the nearest application-class dominator of the suspect's
 *     instances (e.g. {@code com.acme.cart.Cart} for {@code byte[]}), or, when only JDK objects
 *     hold them, the object directly under the GC roots (e.g. {@code java.lang.Thread})
 * @param retainedBytes bytes the owner objects retain (counted once)
 * @param path the retainer path from a GC root to the biggest instance, e.g. {@code static
 *     com.acme.cart.CartStore.CARTS → … → com.acme.cart.Cart.payload → byte[]}
 */
public record SuspectOwner(String className, String owner, long retainedBytes, List<String> path) {
  public SuspectOwner {
    path = List.copyOf(path);
  }
}
