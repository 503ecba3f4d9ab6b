package io.heapfleet.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Heap dumps in S3, by task id: streaming upload, a task's series, verified download, summaries and
 * per-task artifacts, presigned links, retention, and the whole-bucket view a restarted collector
 * rebuilds from.
 *
 * <p>Layout under the prefix ({@code docs/storage.md} has the details):
 *
 * <pre>
 * &lt;cluster&gt;/&lt;service&gt;/&lt;taskId&gt;/20261122T013700Z.hprof.gz      the dump
 * &lt;cluster&gt;/&lt;service&gt;/&lt;taskId&gt;/20261122T013700Z.summary.json its class histogram
 * &lt;cluster&gt;/&lt;service&gt;/&lt;taskId&gt;/diff.json, diff.md, trend.json, trend.md, deep.json
 * _tasks/&lt;taskId&gt;     index marker: the task's path (lookups by task id alone) and its dumps' metadata
 * </pre>
 *
 * <p>Thread-safe: one store can serve many concurrent uploads and reads. {@link #close()} closes
 * the S3 client only if this store created it.
 */
public final class DumpStore implements AutoCloseable {
  /** Folder (under the prefix) of the task-id index markers. */
  public static final String TASKS_INDEX = "_tasks";

  /** Sidecar with the SHA-256 of dumps above the single-copy limit (sha256sum format). */
  public static final String SHA256_SIDECAR_SUFFIX = ".sha256";

  private static final Duration MAX_PRESIGN = Duration.ofDays(7);

  private final S3Client s3;
  private final S3Settings settings;
  private final boolean ownsClient;
  private final ExecutorService partUploads;
  private final Object indexLock = new Object();
  private volatile S3Presigner presigner;

  /** A store over an existing client (not closed by {@link #close()}). */
  public DumpStore(S3Client s3, S3Settings settings) {
    this(s3, settings, false);
  }

  private DumpStore(S3Client s3, S3Settings settings, boolean ownsClient) {
    this.s3 = s3;
    this.settings = settings;
    this.ownsClient = ownsClient;
    this.partUploads = Executors.newCachedThreadPool(daemonThreads());
  }

  /** A store with its own client built from {@code settings}. */
  public static DumpStore create(S3Settings settings) {
    return new DumpStore(S3Clients.create(settings), settings, true);
  }

  public S3Settings settings() {
    return settings;
  }

  /** The client used (for callers that need an operation this class does not offer). */
  public S3Client client() {
    return s3;
  }

  /**
   * Fails with a clear {@link StorageException} when the bucket is missing or not accessible; call
   * at startup to fail fast.
   */
  public void checkBucket() {
    call("access bucket", null, () -> s3.headBucket(b -> b.bucket(settings.bucket())));
  }

  // ---------------------------------------------------------------- upload

  /**
   * Starts a streaming upload: write the dump's bytes, then {@link DumpUpload#complete()}. Use this
   * form to send one byte stream to S3 and to an analyser at the same time.
   */
  public DumpUpload openUpload(DumpKey key, DumpMetadata metadata) {
    return new DumpUpload(s3, settings, partUploads, key, metadata, this::recordInIndex);
  }

  /**
   * Uploads everything {@code in} yields (length unknown) under {@code key}; aborts the upload if
   * reading {@code in} or any S3 call fails. Does not close {@code in}.
   */
  public StoredDump upload(DumpKey key, InputStream in, DumpMetadata metadata) throws IOException {
    try (DumpUpload upload = openUpload(key, metadata)) {
      byte[] chunk = new byte[64 * 1024];
      int n;
      while ((n = in.read(chunk)) >= 0) {
        upload.write(chunk, 0, n);
      }
      return upload.complete();
    }
  }

  // ---------------------------------------------------------------- index and listing

  /** Where a task's dumps live, via its index marker (one small GET). */
  public Optional<TaskRef> findTask(String taskId) {
    Optional<TaskIndex> index = readIndex(taskId);
    if (index.isPresent()) {
      return Optional.of(index.get().task());
    }
    return scanForTask(taskId);
  }

  /** No marker (written by another tool, or lost): one listing of the whole prefix. */
  private Optional<TaskRef> scanForTask(String taskId) {
    for (TaskState t : tasks()) {
      if (t.task().taskId().equals(taskId)) {
        return Optional.of(t.task());
      }
    }
    return Optional.empty();
  }

  /**
   * A task's dumps, oldest first, each with its metadata (SHA-256, heap used, JVM). Two requests
   * whatever the series length: the task's index marker (which records each upload's metadata, see
   * {@link TaskIndex}) and one listing; a HEAD only for a dump the marker does not describe (stored
   * by another tool or an older version, or replaced since). Empty when the task has none.
   */
  public List<StoredDump> series(String taskId) {
    Optional<TaskIndex> index = readIndex(taskId);
    Optional<TaskRef> task = index.isPresent() ? index.map(TaskIndex::task) : scanForTask(taskId);
    if (task.isEmpty()) {
      return List.of();
    }
    List<StoredDump> listed = listSeries(task.get());
    List<StoredDump> result = new ArrayList<>(listed.size());
    for (StoredDump d : listed) {
      result.add(index.flatMap(i -> i.complete(d)).orElseGet(() -> withMetadata(d)));
    }
    return result;
  }

  /** A task's dumps, oldest first, from one listing (no metadata, no SHA-256). */
  public List<StoredDump> listSeries(TaskRef task) {
    String folder = DumpKey.join(settings.prefix(), task.path()) + "/";
    List<StoredDump> dumps = new ArrayList<>();
    for (S3Object o : listAll(folder)) {
      String name = o.key().substring(folder.length());
      if (name.indexOf('/') < 0 && DumpKey.isDumpFileName(name)) {
        dumps.add(listed(o));
      }
    }
    dumps.sort(Comparator.comparing(StoredDump::key, DumpKey.SERIES_ORDER));
    return dumps;
  }

  /** The stored dump at {@code key} with its metadata. */
  public StoredDump head(DumpKey key) {
    String objectKey = key.toKey(settings.prefix());
    HeadObjectResponse h =
        call(
            "read metadata of",
            objectKey,
            () -> s3.headObject(b -> b.bucket(settings.bucket()).key(objectKey)));
    return fromMetadata(key, objectKey, h.contentLength(), h.lastModified(), h.metadata());
  }

  /**
   * Every task in the bucket with its dumps, summaries and artifacts, from one paginated listing of
   * the prefix: what a restarted collector needs to resume its series.
   */
  public List<TaskState> tasks() {
    String root = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
    Map<String, List<StoredDump>> dumps = new LinkedHashMap<>();
    Map<String, int[]> summaries = new LinkedHashMap<>();
    Map<String, List<TaskArtifact>> artifacts = new LinkedHashMap<>();
    for (S3Object o : listAll(root)) {
      String rest = o.key().substring(root.length());
      String[] parts = rest.split("/", -1);
      if (parts.length != 4 || parts[0].equals(TASKS_INDEX)) {
        continue;
      }
      String path = parts[0] + "/" + parts[1] + "/" + parts[2];
      String name = parts[3];
      try {
        TaskRef.parsePath(path);
      } catch (IllegalArgumentException e) {
        continue; // not ours
      }
      dumps.computeIfAbsent(path, p -> new ArrayList<>());
      if (DumpKey.isDumpFileName(name)) {
        try {
          dumps.get(path).add(listed(o));
        } catch (IllegalArgumentException e) {
          // a file that looks like a dump but is not named by us: ignore
        }
      } else if (name.endsWith(DumpKey.SUMMARY_SUFFIX)) {
        summaries.computeIfAbsent(path, p -> new int[1])[0]++;
      } else if (TaskArtifact.ofFileName(name) != null) {
        artifacts.computeIfAbsent(path, p -> new ArrayList<>()).add(TaskArtifact.ofFileName(name));
      }
    }
    List<TaskState> result = new ArrayList<>();
    for (var e : dumps.entrySet()) {
      List<StoredDump> series = e.getValue();
      series.sort(Comparator.comparing(StoredDump::key, DumpKey.SERIES_ORDER));
      int[] s = summaries.get(e.getKey());
      result.add(
          new TaskState(
              TaskRef.parsePath(e.getKey()),
              series,
              s == null ? 0 : s[0],
              artifacts.getOrDefault(e.getKey(), List.of())));
    }
    result.sort(Comparator.comparing(t -> t.task().path()));
    return result;
  }

  /**
   * Calls {@code action} for every task that has an index marker, one listing page (up to 1,000
   * markers) at a time: pages are fetched as they are consumed and not kept, so memory does not
   * grow with the number of tasks the bucket has ever seen. Markers whose name is not an encoded
   * task id are skipped.
   */
  public void forEachIndexedTask(Consumer<IndexedTask> action) {
    String folder = DumpKey.join(settings.prefix(), TASKS_INDEX) + "/";
    call(
        "list",
        folder,
        () -> {
          for (S3Object o :
              s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(folder))
                  .contents()) {
            String name = o.key().substring(folder.length());
            String taskId;
            try {
              taskId = KeySegment.decode(name);
            } catch (IllegalArgumentException e) {
              continue; // not a marker of ours
            }
            if (taskId != null && !name.contains("/")) {
              action.accept(new IndexedTask(taskId, o.lastModified()));
            }
          }
          return null;
        });
  }

  /**
   * What the task's index marker records, without listing or reading anything else (one GET): the
   * task's place and the dumps uploaded through this library, oldest first, with their metadata.
   * The marker is a hint (a dump deleted by an S3 lifecycle rule stays in it until retention here
   * prunes it); {@link #series(String)} is the authoritative view. Summary count and artifacts are
   * not known from the marker (0 and none).
   */
  public Optional<TaskState> indexedState(String taskId) {
    Optional<TaskIndex> index = readIndex(taskId);
    if (index.isEmpty()) {
      return Optional.empty();
    }
    TaskRef task = index.get().task();
    String folder = DumpKey.join(settings.prefix(), task.path()) + "/";
    List<StoredDump> dumps = new ArrayList<>();
    for (var e : index.get().dumps().entrySet()) {
      try {
        DumpKey key = DumpKey.parse(settings.prefix(), folder + e.getKey());
        Map<String, String> meta = e.getValue();
        long size = Long.parseLong(meta.getOrDefault(DumpMetadata.SIZE, "-1"));
        dumps.add(
            new StoredDump(
                key,
                folder + e.getKey(),
                size,
                meta.get(DumpMetadata.SHA256),
                key.time(),
                DumpMetadata.fromUserMetadata(meta)));
      } catch (IllegalArgumentException e2) {
        // a damaged entry: only a hint, leave it out
      }
    }
    dumps.sort(Comparator.comparing(StoredDump::key, DumpKey.SERIES_ORDER));
    return Optional.of(new TaskState(task, dumps, 0, List.of()));
  }

  // ---------------------------------------------------------------- read

  /** The dump's bytes as stored (compressed); the caller closes the stream. */
  public InputStream open(StoredDump dump) {
    return call(
        "read",
        dump.objectKey(),
        () -> s3.getObject(b -> b.bucket(settings.bucket()).key(dump.objectKey())));
  }

  /** {@link #download(StoredDump, Path, LongConsumer)} without progress. */
  public DownloadedDump download(StoredDump dump, Path target) throws IOException {
    return download(dump, target, n -> {});
  }

  /**
   * Downloads a dump to {@code target} (a file, or a directory to put {@code
   * <taskId>-<time>.hprof.gz} in), computing its SHA-256 on the way and comparing it with the one
   * recorded at upload. The bytes go to {@code <file>.part} first; on a mismatch or any failure
   * that file is deleted and nothing is left behind.
   *
   * @param progress called with the number of bytes received so far
   * @throws StorageException.ChecksumMismatch when the bytes differ from what was uploaded
   */
  public DownloadedDump download(StoredDump dump, Path target, LongConsumer progress)
      throws IOException {
    Path file = Files.isDirectory(target) ? target.resolve(dump.key().downloadFileName()) : target;
    Path part = file.resolveSibling(file.getFileName() + ".part");
    MessageDigest digest = sha256();
    String expected;
    long size = 0;
    try (ResponseInputStream<GetObjectResponse> in =
            call(
                "download",
                dump.objectKey(),
                () -> s3.getObject(b -> b.bucket(settings.bucket()).key(dump.objectKey())));
        OutputStream out = new DigestOutputStream(Files.newOutputStream(part), digest)) {
      expected = in.response().metadata().get(DumpMetadata.SHA256);
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        size += n;
        progress.accept(size);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    if (expected == null) {
      expected = readSidecarChecksum(dump.objectKey()).orElse(null);
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    if (expected != null && !expected.equalsIgnoreCase(actual)) {
      Files.deleteIfExists(part);
      throw new StorageException.ChecksumMismatch(
          "checksum mismatch for s3://"
              + settings.bucket()
              + "/"
              + dump.objectKey()
              + ": recorded SHA-256 "
              + expected
              + ", downloaded bytes have "
              + actual
              + "; the partial file was removed");
    }
    try {
      Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.deleteIfExists(part);
      throw e;
    }
    return new DownloadedDump(file, size, actual, expected != null);
  }

  /**
   * A presigned GET URL for the dump, valid for {@code expiry} (at most 7 days, the SigV4 limit):
   * lets someone without AWS credentials download it with curl or a browser.
   */
  public URL presign(StoredDump dump, Duration expiry) {
    if (expiry.isNegative() || expiry.isZero() || expiry.compareTo(MAX_PRESIGN) > 0) {
      throw new IllegalArgumentException(
          "presigned URL expiry must be between 1 second and 7 days, was " + expiry);
    }
    return presigner()
        .presignGetObject(
            r ->
                r.signatureDuration(expiry)
                    .getObjectRequest(g -> g.bucket(settings.bucket()).key(dump.objectKey())))
        .url();
  }

  // ---------------------------------------------------------------- summaries and artifacts

  /** Stores the dump's summary JSON (its class histogram) beside it. */
  public void putSummary(DumpKey key, String json) {
    putText(key.summaryKey(settings.prefix()), json, "application/json");
  }

  /** The dump's summary JSON, if stored. */
  public Optional<String> readSummary(DumpKey key) {
    return readText(key.summaryKey(settings.prefix()), "read summary");
  }

  /** Replaces the task's latest {@code artifact} (diff/trend JSON or Markdown). */
  public void putArtifact(TaskRef task, TaskArtifact artifact, String content) {
    putText(artifactKey(task, artifact), content, artifact.contentType());
  }

  /** The task's latest {@code artifact}, if stored. */
  public Optional<String> readArtifact(TaskRef task, TaskArtifact artifact) {
    return readText(artifactKey(task, artifact), "read " + artifact.fileName());
  }

  /** The S3 key of a per-task artifact. */
  public String artifactKey(TaskRef task, TaskArtifact artifact) {
    return DumpKey.join(settings.prefix(), task.path() + "/" + artifact.fileName());
  }

  // ---------------------------------------------------------------- retention

  /**
   * Deletes the task's dumps that {@code policy} does not keep (relative to {@code now}); their
   * summaries and the task's artifacts stay. Returns what was deleted, oldest first.
   */
  public List<StoredDump> applyRetention(String taskId, RetentionPolicy policy, Instant now) {
    Optional<TaskRef> task = findTask(taskId);
    if (task.isEmpty()) {
      return List.of();
    }
    List<StoredDump> series = listSeries(task.get());
    List<StoredDump> doomed = new ArrayList<>();
    Instant cutoff = policy.maxAge() == null ? null : now.minus(policy.maxAge());
    for (int i = 0; i < series.size(); i++) {
      StoredDump d = series.get(i);
      int newerCount = series.size() - 1 - i;
      boolean tooMany = policy.keepNewest() > 0 && newerCount >= policy.keepNewest();
      boolean tooOld = cutoff != null && d.time().isBefore(cutoff);
      if (tooMany || tooOld) {
        doomed.add(d);
      }
    }
    for (StoredDump d : doomed) {
      delete(d.objectKey());
      if (d.sizeBytes() > S3Settings.MIN_PART_SIZE) {
        // A multipart dump may have a checksum sidecar; deleting a missing key is a no-op.
        delete(d.objectKey() + SHA256_SIDECAR_SUFFIX);
      }
    }
    if (!doomed.isEmpty()) {
      synchronized (indexLock) {
        readIndex(taskId)
            .filter(i -> i.task().equals(task.get()))
            .ifPresent(i -> writeIndex(i.without(doomed)));
      }
    }
    return doomed;
  }

  @Override
  public void close() {
    partUploads.shutdown();
    S3Presigner p = presigner;
    if (p != null) {
      p.close();
    }
    if (ownsClient) {
      s3.close();
    }
  }

  // ---------------------------------------------------------------- internals

  /**
   * Adds a stored dump to its task's index marker (read, add, write; serialized within this store,
   * so concurrent uploads here do not lose entries; an entry lost to another process only costs a
   * HEAD in {@link #series}).
   */
  private void recordInIndex(StoredDump dump) {
    TaskRef task = dump.key().task();
    synchronized (indexLock) {
      TaskIndex index = readIndex(task.taskId()).orElse(TaskIndex.empty(task));
      writeIndex(index.with(dump));
    }
  }

  private void writeIndex(TaskIndex index) {
    putText(markerKey(index.task().taskId()), index.format(), "text/plain");
  }

  private Optional<TaskIndex> readIndex(String taskId) {
    return readText(markerKey(taskId), "read the task index").map(TaskIndex::parse);
  }

  private String markerKey(String taskId) {
    return DumpKey.join(
        settings.prefix(), TASKS_INDEX + "/" + KeySegment.encode(taskId, "task id"));
  }

  private StoredDump listed(S3Object o) {
    DumpKey key = DumpKey.parse(settings.prefix(), o.key());
    return new StoredDump(key, o.key(), o.size(), null, o.lastModified(), DumpMetadata.unknown());
  }

  private StoredDump withMetadata(StoredDump d) {
    return head(d.key());
  }

  private StoredDump fromMetadata(
      DumpKey key, String objectKey, long size, Instant lastModified, Map<String, String> meta) {
    String sha = meta.get(DumpMetadata.SHA256);
    if (sha == null && size > S3Settings.MIN_PART_SIZE) {
      sha = readSidecarChecksum(objectKey).orElse(null);
    }
    return new StoredDump(
        key, objectKey, size, sha, lastModified, DumpMetadata.fromUserMetadata(meta));
  }

  private Optional<String> readSidecarChecksum(String objectKey) {
    return readText(objectKey + SHA256_SIDECAR_SUFFIX, "read checksum")
        .map(s -> s.strip().split("\\s+")[0]);
  }

  private List<S3Object> listAll(String prefix) {
    List<S3Object> all = new ArrayList<>();
    call(
        "list",
        prefix,
        () -> {
          s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix))
              .contents()
              .forEach(all::add);
          return null;
        });
    return all;
  }

  private void putText(String key, String text, String contentType) {
    call(
        "write",
        key,
        () ->
            s3.putObject(
                Sse.apply(
                        PutObjectRequest.builder()
                            .bucket(settings.bucket())
                            .key(key)
                            .contentType(contentType),
                        settings)
                    .build(),
                RequestBody.fromString(text, StandardCharsets.UTF_8)));
  }

  private Optional<String> readText(String key, String action) {
    try {
      return Optional.of(
          s3.getObjectAsBytes(b -> b.bucket(settings.bucket()).key(key))
              .asString(StandardCharsets.UTF_8));
    } catch (SdkException e) {
      if (S3Errors.isNotFound(e)) {
        return Optional.empty();
      }
      throw S3Errors.translate(e, settings, action, key);
    }
  }

  private void delete(String key) {
    call("delete", key, () -> s3.deleteObject(b -> b.bucket(settings.bucket()).key(key)));
  }

  private S3Presigner presigner() {
    S3Presigner p = presigner;
    if (p == null) {
      synchronized (this) {
        p = presigner;
        if (p == null) {
          p = S3Clients.presigner(settings);
          presigner = p;
        }
      }
    }
    return p;
  }

  private <T> T call(String action, String key, Supplier<T> op) {
    try {
      return op.get();
    } catch (SdkException e) {
      throw S3Errors.translate(e, settings, action, key);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "heapfleet-s3-part-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
