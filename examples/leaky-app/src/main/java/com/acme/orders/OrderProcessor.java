package com.acme.orders;

import java.util.ArrayList;
import java.util.List;

/** Builds and prices short-lived orders: steady garbage, nothing retained. Stateless. */
public final class OrderProcessor {

  /** Creates {@code count} temporary orders of about {@code bytes} each; returns a checksum. */
  public long process(int count, int bytes) {
    long checksum = 0;
    for (int i = 0; i < count; i++) {
      List<byte[]> lines = new ArrayList<>();
      lines.add(new byte[bytes]);
      StringBuilder receipt = new StringBuilder("order-").append(i);
      checksum += lines.get(0).length + receipt.length();
    }
    return checksum;
  }
}
