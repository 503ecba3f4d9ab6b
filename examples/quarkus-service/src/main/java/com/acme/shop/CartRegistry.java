package com.acme.shop;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Abandoned carts, kept "for analytics" and never removed when {@code shop.leak=true}: the
 * deliberate leak. Thread-safe.
 */
public final class CartRegistry {
  static final Map<String, Cart> ABANDONED = new ConcurrentHashMap<>();

  private CartRegistry() {}

  public static void abandon(Cart cart) {
    ABANDONED.put(cart.id(), cart);
  }

  public static int size() {
    return ABANDONED.size();
  }
}
