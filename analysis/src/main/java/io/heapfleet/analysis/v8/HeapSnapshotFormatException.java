package io.heapfleet.analysis.v8;

import java.io.IOException;

/**
 * The bytes are not a readable V8 heap snapshot: not JSON, truncated, a value of the wrong type,
 * counts that disagree with {@code snapshot.node_count} / {@code edge_count}, an index out of
 * range, or a string or count beyond the reader's limits. The message names the byte offset (in the
 * decompressed JSON) and what was expected there.
 */
public class HeapSnapshotFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final long offset;

  public HeapSnapshotFormatException(long offset, String message) {
    super(message + " (at offset " + offset + ")");
    this.offset = offset;
  }

  public HeapSnapshotFormatException(long offset, String message, Throwable cause) {
    super(message + " (at offset " + offset + ")", cause);
    this.offset = offset;
  }

  /** Offset in the decompressed snapshot where the problem was found. */
  public long offset() {
    return offset;
  }
}
