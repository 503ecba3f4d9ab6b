package com.acme.catalog;

/** A catalog product with its thumbnail image bytes. Immutable. */
public final class Product {
  private final String sku;
  private final String name;
  private final byte[] thumbnail;

  public Product(String sku, String name, int thumbnailBytes) {
    this.sku = sku;
    this.name = name;
    this.thumbnail = new byte[thumbnailBytes];
    for (int i = 0; i < thumbnailBytes; i += 64) {
      thumbnail[i] = (byte) (i * 17 + sku.hashCode());
    }
  }

  public String sku() {
    return sku;
  }

  public String name() {
    return name;
  }

  public int thumbnailBytes() {
    return thumbnail.length;
  }
}
