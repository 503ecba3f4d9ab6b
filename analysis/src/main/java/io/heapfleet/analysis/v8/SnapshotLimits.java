package io.heapfleet.analysis.v8;

/**
 * Caps the snapshot reader enforces before it allocates, so a hostile or corrupt snapshot fails
 * with a clear error instead of exhausting memory. Immutable.
 *
 * @param maxNodes most nodes a snapshot may declare
 * @param maxEdges most edges a snapshot may declare
 * @param maxStrings most entries of the {@code strings} section
 * @param maxStringChars longest string the reader decodes (strings it does not need are skipped
 *     whatever their length); V8 itself cuts the names it writes at 1,024 characters
 */
public record SnapshotLimits(int maxNodes, int maxEdges, int maxStrings, int maxStringChars) {
  /** Room for heaps far beyond what a Node task holds (~100 M nodes is a 10+ GB heap). */
  public static final SnapshotLimits DEFAULT =
      new SnapshotLimits(150_000_000, 600_000_000, 200_000_000, 1 << 20);

  public SnapshotLimits {
    if (maxNodes < 1 || maxEdges < 0 || maxStrings < 1 || maxStringChars < 1) {
      throw new IllegalArgumentException(
          "limits must be positive: nodes "
              + maxNodes
              + ", edges "
              + maxEdges
              + ", strings "
              + maxStrings
              + ", string chars "
              + maxStringChars);
    }
  }
}
