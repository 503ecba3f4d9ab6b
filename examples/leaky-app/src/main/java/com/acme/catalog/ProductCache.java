package com.acme.catalog;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded LRU cache of products: it fills up, then stays flat (a plateau, not a leak).
 * Thread-safe (synchronized).
 */
public final class ProductCache {

  private final int maxEntries;
  private final Map<String, Product> entries;

  public ProductCache(int maxEntries) {
    this.maxEntries = maxEntries;
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Product> eldest) {
            return size() > ProductCache.this.maxEntries;
          }
        };
  }

  public synchronized void put(Product p) {
    entries.put(p.sku(), p);
  }

  public synchronized int size() {
    return entries.size();
  }
}
