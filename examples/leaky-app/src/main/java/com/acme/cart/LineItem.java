package com.acme.cart;

/** One product line in a cart. Immutable. */
public final class LineItem {
  private final String sku;
  private final int quantity;
  private final long priceCents;

  public LineItem(String sku, int quantity, long priceCents) {
    this.sku = sku;
    this.quantity = quantity;
    this.priceCents = priceCents;
  }

  public long totalCents() {
    return priceCents * quantity;
  }

  public String sku() {
    return sku;
  }
}
