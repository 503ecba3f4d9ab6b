package io.heapfleet.storage;

import java.time.Instant;
import java.util.Optional;

/**
 * A dump as stored: its key, S3 object key, size, SHA-256 (hex, when recorded) and metadata.
 * Immutable.
 *
 * @param key the dump's name (task, time, format)
 * @param objectKey the full S3 key
 * @param sizeBytes stored (compressed) size
 * @param sha256 lowercase hex SHA-256 of the stored bytes, or {@code null} if not recorded
 * @param lastModified when S3 stored it
 * @param metadata JVM, heap used, ...; {@link DumpMetadata#unknown()} when only listed
 */
public record StoredDump(
    DumpKey key,
    String objectKey,
    long sizeBytes,
    String sha256,
    Instant lastModified,
    DumpMetadata metadata) {

  /** The recorded SHA-256, if any. */
  public Optional<String> checksum() {
    return Optional.ofNullable(sha256);
  }

  /** Capture time (from the key). */
  public Instant time() {
    return key.time();
  }

  public String taskId() {
    return key.task().taskId();
  }
}
