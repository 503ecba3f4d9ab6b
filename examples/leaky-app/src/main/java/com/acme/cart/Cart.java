package com.acme.cart;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A shopping cart with a serialized session snapshot ({@code byte[]}): the object that leaks in the
 * demo. Not thread-safe.
 */
public final class Cart {
  private final String id;
  private final String customerId;
  private final Instant createdAt = Instant.now();
  private final List<LineItem> items = new ArrayList<>();
  private final byte[] sessionSnapshot;

  public Cart(String id, String customerId, int snapshotBytes) {
    this.id = id;
    this.customerId = customerId;
    this.sessionSnapshot = new byte[snapshotBytes];
    // Not all zeros, so a compressed dump is not unrealistically small.
    for (int i = 0; i < snapshotBytes; i += 64) {
      sessionSnapshot[i] = (byte) (i * 31 + id.hashCode());
    }
  }

  public void add(LineItem item) {
    items.add(item);
  }

  public String id() {
    return id;
  }

  public String customerId() {
    return customerId;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public int snapshotBytes() {
    return sessionSnapshot.length;
  }
}
