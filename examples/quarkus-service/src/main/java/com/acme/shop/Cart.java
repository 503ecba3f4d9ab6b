package com.acme.shop;

import java.time.Instant;

/** A shopping cart with a session snapshot ({@code byte[]}); what leaks. Immutable. */
public final class Cart {
  private final String id;
  private final Instant createdAt = Instant.now();
  private final byte[] sessionSnapshot;

  public Cart(String id, int snapshotBytes) {
    this.id = id;
    this.sessionSnapshot = new byte[snapshotBytes];
  }

  public String id() {
    return id;
  }

  public Instant createdAt() {
    return createdAt;
  }

  public int snapshotBytes() {
    return sessionSnapshot.length;
  }
}
