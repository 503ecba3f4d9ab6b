package io.heapfleet.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One dump being written to S3 as a stream of unknown length: write the bytes, then {@link
 * #complete()}; {@link #abort()} or {@link #close()} without completing removes everything uploaded
 * so far (the multipart upload is aborted, no orphaned parts).
 *
 * <p>Bytes are cut into parts of {@link S3Settings#partSize()}; up to {@link
 * S3Settings#partsInFlight()} parts upload concurrently while the writer fills the next one, so
 * memory stays at about {@code (partsInFlight + 1) * partSize} whatever the dump size. A dump that
 * fits in one part is stored with a single PUT. The SHA-256 of all bytes is computed as they are
 * written. A single PUT carries it as object metadata ({@code x-amz-meta-heapfleet-sha256}, with
 * the size). S3 fixes a multipart upload's metadata when it starts, before the checksum is known,
 * so a multipart dump gets a {@code <key>.sha256} sidecar (sha256sum format) by default, or, up to
 * {@link S3Settings#checksumCopyLimit()}, an in-place copy with replaced metadata after completion
 * (which rewrites the whole object: slower).
 *
 * <p>An upload never replaces a stored dump: when the key is taken (a second dump of the task
 * within the same second), the dump goes to the next free sequence number ({@code
 * 20261122T013700Z_2.hprof.gz}, see {@link DumpKey}); {@link #complete()} returns the key used. The
 * single PUT and {@code CompleteMultipartUpload} are conditional ({@code If-None-Match: *}); a
 * multipart upload checks the key with a HEAD before it starts, so only two uploads racing for the
 * same key in the same second can collide, and then the later one fails (and is aborted) instead of
 * overwriting.
 *
 * <p>Not thread-safe: one writer thread. Failures of background part uploads surface on the next
 * {@code write}/{@code complete} as an {@link IOException} (after the upload was aborted).
 */
public final class DumpUpload extends OutputStream {
  private enum State {
    OPEN,
    COMPLETED,
    ABORTED
  }

  private final S3Client s3;
  private final S3Settings settings;
  private final ExecutorService executor;
  private DumpKey key;
  private String objectKey;
  private final Map<String, String> metadata;
  private final Consumer<StoredDump> onStored;
  private final MessageDigest sha256;
  private final Semaphore inFlight;
  private final ArrayDeque<byte[]> freeBuffers = new ArrayDeque<>();
  private final List<Future<CompletedPart>> parts = new ArrayList<>();

  private byte[] buffer;
  private int filled;
  private long total;
  private String uploadId;
  private volatile State state = State.OPEN;
  private volatile Throwable partFailure;

  DumpUpload(
      S3Client s3,
      S3Settings settings,
      ExecutorService executor,
      DumpKey key,
      DumpMetadata metadata,
      Consumer<StoredDump> onStored) {
    this.s3 = s3;
    this.settings = settings;
    this.executor = executor;
    this.key = key;
    this.objectKey = key.toKey(settings.prefix());
    this.metadata = metadata.toUserMetadata(key);
    this.onStored = onStored;
    this.inFlight = new Semaphore(settings.partsInFlight());
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  /** The S3 key being written (final once bytes went to S3; see {@link #complete()}). */
  public String objectKey() {
    return objectKey;
  }

  /** Bytes written so far. */
  public long bytesWritten() {
    return total;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ensureOpen();
    sha256.update(b, off, len);
    total += len;
    while (len > 0) {
      if (buffer == null) {
        buffer = takeBuffer();
        filled = 0;
      } else if (filled == buffer.length) {
        // More bytes after a full buffer: this is a multipart upload.
        shipPart();
        continue;
      }
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
    }
  }

  /**
   * Finishes the upload and returns the stored dump with its SHA-256 and size. On failure the
   * upload is aborted and the exception says why.
   */
  public StoredDump complete() throws IOException {
    ensureOpen();
    String hex = HexFormat.of().formatHex(sha256.digest());
    try {
      if (uploadId == null) {
        putSingle(hex);
      } else {
        if (filled > 0) {
          shipPart();
        }
        List<CompletedPart> done = awaitParts();
        completeMultipart(done);
        uploadId = null; // nothing left to abort from here on
        recordChecksum(hex);
      }
    } catch (SdkException e) {
      StorageException se = S3Errors.translate(e, settings, "upload dump", objectKey);
      abortQuietly(se);
      throw new IOException(se.getMessage(), se);
    } catch (IOException | RuntimeException e) {
      abortQuietly(e);
      throw e;
    }
    state = State.COMPLETED;
    freeBuffers.clear();
    buffer = null;
    StoredDump stored =
        new StoredDump(
            key, objectKey, total, hex, Instant.now(), DumpMetadata.fromUserMetadata(metadata));
    onStored.accept(stored);
    return stored;
  }

  /** Abandons the upload and removes its parts. Idempotent; no-op after {@link #complete()}. */
  public void abort() {
    if (state != State.OPEN) {
      return;
    }
    abortQuietly(null);
  }

  /** Closing without {@link #complete()} aborts: a half-written dump is never stored. */
  @Override
  public void close() {
    abort();
  }

  /** One conditional PUT; a taken key moves the dump to the next sequence number. */
  private void putSingle(String hex) {
    byte[] bytes = buffer == null ? new byte[0] : buffer;
    int length = filled;
    Map<String, String> meta = withChecksum(hex);
    boolean conditional = true;
    while (true) {
      var request =
          Sse.apply(
              software.amazon.awssdk.services.s3.model.PutObjectRequest.builder()
                  .bucket(settings.bucket())
                  .key(objectKey)
                  .contentType("application/octet-stream")
                  .metadata(meta),
              settings);
      if (conditional) {
        request.ifNoneMatch("*");
      }
      try {
        s3.putObject(
            request.build(),
            RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(bytes, 0, length),
                length,
                "application/octet-stream"));
        return;
      } catch (S3Exception e) {
        if (isTaken(e)) {
          nextSequence();
        } else if (conditional && e.statusCode() == 501) {
          conditional = false; // a server without conditional writes: plain PUT, as before
        } else {
          throw e;
        }
      }
    }
  }

  /** Before a multipart upload starts: moves to the next sequence while the key is taken. */
  private void claimFreeKey() {
    while (true) {
      try {
        s3.headObject(b -> b.bucket(settings.bucket()).key(objectKey));
      } catch (SdkException e) {
        if (S3Errors.isNotFound(e)) {
          return;
        }
        throw e;
      }
      nextSequence();
    }
  }

  private void completeMultipart(List<CompletedPart> done) throws IOException {
    try {
      s3.completeMultipartUpload(
          b ->
              b.bucket(settings.bucket())
                  .key(objectKey)
                  .uploadId(uploadId)
                  .ifNoneMatch("*")
                  .multipartUpload(m -> m.parts(done)));
    } catch (S3Exception e) {
      if (isTaken(e)) {
        abortQuietly(e);
        throw new IOException(
            "another dump was stored as s3://"
                + settings.bucket()
                + "/"
                + objectKey
                + " while this one uploaded (two captures of task '"
                + key.task().taskId()
                + "' in the same second); this upload was aborted, the stored dump is unchanged",
            e);
      }
      if (e.statusCode() != 501) {
        throw e;
      }
      // A server without conditional writes: complete as before (the HEAD already checked).
      s3.completeMultipartUpload(
          b ->
              b.bucket(settings.bucket())
                  .key(objectKey)
                  .uploadId(uploadId)
                  .multipartUpload(m -> m.parts(done)));
    }
  }

  private void nextSequence() {
    if (key.sequence() >= DumpKey.MAX_SEQUENCE) {
      throw new StorageException(
          "task '"
              + key.task().taskId()
              + "' already has "
              + DumpKey.MAX_SEQUENCE
              + " dumps at "
              + key.time()
              + "; not storing another");
    }
    key = key.withSequence(key.sequence() + 1);
    objectKey = key.toKey(settings.prefix());
  }

  /** 412: the key exists; 409: another conditional write to it is in progress. */
  private static boolean isTaken(S3Exception e) {
    return e.statusCode() == 412 || e.statusCode() == 409;
  }

  private Map<String, String> withChecksum(String hex) {
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put(DumpMetadata.SHA256, hex);
    meta.put(DumpMetadata.SIZE, Long.toString(total));
    return meta;
  }

  /** Puts SHA-256 and size on the completed multipart object. */
  private void recordChecksum(String hex) {
    if (total <= settings.checksumCopyLimit()) {
      s3.copyObject(
          Sse.apply(
                  software.amazon.awssdk.services.s3.model.CopyObjectRequest.builder()
                      .sourceBucket(settings.bucket())
                      .sourceKey(objectKey)
                      .destinationBucket(settings.bucket())
                      .destinationKey(objectKey)
                      .metadataDirective(MetadataDirective.REPLACE)
                      .contentType("application/octet-stream")
                      .metadata(withChecksum(hex)),
                  settings)
              .build());
    } else {
      s3.putObject(
          Sse.apply(
                  software.amazon.awssdk.services.s3.model.PutObjectRequest.builder()
                      .bucket(settings.bucket())
                      .key(objectKey + DumpStore.SHA256_SIDECAR_SUFFIX)
                      .contentType("text/plain"),
                  settings)
              .build(),
          RequestBody.fromString(hex + "  " + key.fileName() + "\n"));
    }
  }

  private void shipPart() throws IOException {
    throwIfPartFailed();
    if (uploadId == null) {
      try {
        claimFreeKey();
        uploadId =
            s3.createMultipartUpload(
                    Sse.apply(
                            software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest
                                .builder()
                                .bucket(settings.bucket())
                                .key(objectKey)
                                .contentType("application/octet-stream")
                                .metadata(metadata),
                            settings)
                        .build())
                .uploadId();
      } catch (SdkException e) {
        StorageException se = S3Errors.translate(e, settings, "start upload of", objectKey);
        abortQuietly(se);
        throw new IOException(se.getMessage(), se);
      } catch (StorageException e) {
        abortQuietly(e);
        throw new IOException(e.getMessage(), e);
      }
    }
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abortQuietly(e);
      throw new IOException("interrupted while uploading " + objectKey, e);
    }
    byte[] part = buffer;
    int length = filled;
    int number = parts.size() + 1;
    String id = uploadId;
    buffer = null;
    filled = 0;
    try {
      parts.add(executor.submit(() -> uploadPart(id, number, part, length)));
    } catch (RuntimeException e) {
      inFlight.release();
      abortQuietly(e);
      throw new IOException("cannot schedule part " + number + " of " + objectKey, e);
    }
  }

  private CompletedPart uploadPart(String id, int number, byte[] part, int length) {
    try {
      if (partFailure != null || state != State.OPEN) {
        throw new IllegalStateException("upload already failed");
      }
      String etag =
          s3.uploadPart(
                  b ->
                      b.bucket(settings.bucket())
                          .key(objectKey)
                          .uploadId(id)
                          .partNumber(number)
                          .contentLength((long) length),
                  RequestBody.fromContentProvider(
                      () -> new ByteArrayInputStream(part, 0, length),
                      length,
                      "application/octet-stream"))
              .eTag();
      return CompletedPart.builder().partNumber(number).eTag(etag).build();
    } catch (RuntimeException e) {
      if (partFailure == null) {
        partFailure =
            e instanceof SdkException sdk
                ? S3Errors.translate(sdk, settings, "upload part " + number + " of", objectKey)
                : new StorageException(
                    "cannot upload part " + number + " of " + objectKey + ": " + e.getMessage(), e);
      }
      throw e;
    } finally {
      synchronized (freeBuffers) {
        freeBuffers.push(part);
      }
      inFlight.release();
    }
  }

  private byte[] takeBuffer() {
    synchronized (freeBuffers) {
      byte[] b = freeBuffers.poll();
      if (b != null) {
        return b;
      }
    }
    return new byte[settings.partSize()];
  }

  private List<CompletedPart> awaitParts() throws IOException {
    List<CompletedPart> done = new ArrayList<>(parts.size());
    for (Future<CompletedPart> f : parts) {
      try {
        done.add(f.get());
      } catch (ExecutionException e) {
        throwIfPartFailed();
        throw new IOException("part upload of " + objectKey + " failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while uploading " + objectKey, e);
      }
    }
    return done;
  }

  private void throwIfPartFailed() throws IOException {
    Throwable f = partFailure;
    if (f != null) {
      abortQuietly(f);
      throw new IOException(f.getMessage(), f);
    }
  }

  private void ensureOpen() throws IOException {
    if (state != State.OPEN) {
      throw new IOException("upload of " + objectKey + " is already " + state.name().toLowerCase());
    }
  }

  /** Waits for in-flight parts (so none lands after the abort), then aborts the upload. */
  private void abortQuietly(Throwable cause) {
    if (state == State.ABORTED) {
      return;
    }
    state = State.ABORTED;
    for (Future<CompletedPart> f : parts) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException e) {
        // already recorded as the part failure
      }
    }
    if (uploadId != null) {
      String id = uploadId;
      uploadId = null;
      try {
        s3.abortMultipartUpload(b -> b.bucket(settings.bucket()).key(objectKey).uploadId(id));
      } catch (SdkException e) {
        if (cause != null) {
          cause.addSuppressed(e);
        } else {
          throw S3Errors.translate(e, settings, "abort the upload of", objectKey);
        }
      }
    }
    freeBuffers.clear();
    buffer = null;
  }
}
