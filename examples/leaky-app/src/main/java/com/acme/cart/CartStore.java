package com.acme.cart;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where carts live between requests. The bug the demo finds: abandoned carts are put here and never
 * removed, so {@link #CARTS} grows for as long as the task runs. Thread-safe.
 */
public final class CartStore {

  /** Every cart ever opened, by id. Static, so it is a GC root that keeps them all. */
  static final Map<String, Cart> CARTS = new ConcurrentHashMap<>();

  private CartStore() {}

  public static void open(Cart cart) {
    CARTS.put(cart.id(), cart);
  }

  /** Checkout removes the cart; abandoned carts are never checked out (the leak). */
  public static void checkout(String cartId) {
    CARTS.remove(cartId);
  }

  public static int size() {
    return CARTS.size();
  }
}
