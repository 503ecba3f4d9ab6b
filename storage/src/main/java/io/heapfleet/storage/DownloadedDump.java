package io.heapfleet.storage;

import java.nio.file.Path;

/**
 * A dump downloaded to a local file.
 *
 * @param path the file (complete; partial downloads never keep this name)
 * @param sizeBytes bytes written
 * @param sha256 SHA-256 of the file, lowercase hex
 * @param verified whether it was checked against the SHA-256 recorded at upload ({@code false} only
 *     for objects stored without one)
 */
public record DownloadedDump(Path path, long sizeBytes, String sha256, boolean verified) {}
