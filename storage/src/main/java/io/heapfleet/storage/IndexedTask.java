package io.heapfleet.storage;

import java.time.Instant;

/**
 * A task as its index marker {@code <prefix>/_tasks/<taskId>} is listed: its id and when the marker
 * was last written (at its newest upload, or when retention pruned it). Immutable.
 *
 * @param taskId the task id (decoded)
 * @param lastModified the marker's last write
 */
public record IndexedTask(String taskId, Instant lastModified) {}
