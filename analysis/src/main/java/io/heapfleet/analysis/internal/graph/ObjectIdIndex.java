package io.heapfleet.analysis.internal.graph;

/**
 * Maps dump object ids to dense node indices {@code 0..n-1}: node {@code i} is the {@code i}-th
 * smallest id. Ids are kept sorted in one {@link LongArray} (8 bytes per object); a bucket table
 * over the id range (one {@code int} per ~16 objects) narrows each lookup to a few neighbouring
 * entries, so a lookup costs about one cache miss instead of a 25-step binary search over the whole
 * array. Heap addresses are dense, so buckets stay small.
 *
 * <p>Immutable once built; thread-safe for lookups.
 */
public final class ObjectIdIndex {
  private final LongArray sortedIds;
  private final long count;
  private final long minId;
  private final int shift;
  private final int[] bucketStart;

  /** {@code sortedIds} must be strictly ascending in {@code [0, count)}. */
  ObjectIdIndex(LongArray sortedIds, long count) {
    this.sortedIds = sortedIds;
    this.count = count;
    if (count == 0) {
      minId = 0;
      shift = 0;
      bucketStart = new int[] {0, 0};
      return;
    }
    minId = sortedIds.get(0);
    long span = sortedIds.get(count - 1) - minId;
    long wantedBuckets = Math.max(1, count / 16);
    int s = 0;
    while ((span >>> s) >= wantedBuckets) {
      s++;
    }
    shift = s;
    int buckets = (int) (span >>> s) + 1;
    bucketStart = new int[buckets + 1];
    int b = 0;
    for (long i = 0; i < count; i++) {
      int bucket = (int) ((sortedIds.get(i) - minId) >>> s);
      while (b <= bucket) {
        bucketStart[b++] = (int) i;
      }
    }
    while (b <= buckets) {
      bucketStart[b++] = (int) count;
    }
  }

  public long size() {
    return count;
  }

  /** The id of node {@code index}. */
  public long id(int index) {
    return sortedIds.get(index);
  }

  /** The node index of {@code id}, or -1 if the dump holds no such object. */
  public int indexOf(long id) {
    long offset = id - minId;
    if (count == 0 || offset < 0) {
      return -1;
    }
    long bucket = offset >>> shift;
    if (bucket >= bucketStart.length - 1) {
      return -1;
    }
    int lo = bucketStart[(int) bucket];
    int hi = bucketStart[(int) bucket + 1] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long v = sortedIds.get(mid);
      if (v < id) {
        lo = mid + 1;
      } else if (v > id) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** Bytes held by the bucket table (the ids are accounted by the allocator). */
  long bucketBytes() {
    return bucketStart.length * 4L;
  }
}
