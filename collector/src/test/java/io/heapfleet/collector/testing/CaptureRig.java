package io.heapfleet.collector.testing;

import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The collector side of the capture tests: an in-process S3 on disk (S3Proxy), a real client of it
 * whose writes a test can make the server refuse ({@link RefusingS3}), the dump store on that
 * client (prefix {@code heapdumps}, 5 MiB parts), and the analysis and timer threads {@code
 * DumpCapture} needs. For a test class's {@code @BeforeAll}; {@link #close()} in its
 * {@code @AfterAll}. Thread-safe.
 */
public final class CaptureRig implements AutoCloseable {
  private final EmbeddedS3 s3;
  private final RefusingS3 refusing = new RefusingS3();
  private final S3Client client;
  private final DumpStore store;
  private final ExecutorService analysers = Executors.newCachedThreadPool();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  private CaptureRig(Path dir) {
    s3 = EmbeddedS3.filesystem(dir.resolve("s3"), "heapfleet");
    client = refusing.client(s3);
    store = new DumpStore(client, s3.settings().withPrefix("heapdumps").withPartSize(5 << 20));
  }

  /** Starts the S3 server, its files under {@code dir}. */
  public static CaptureRig start(Path dir) {
    return new CaptureRig(dir);
  }

  public EmbeddedS3 s3() {
    return s3;
  }

  /** Set its {@code refuse} flag to make the server refuse the store's writes. */
  public RefusingS3 refusing() {
    return refusing;
  }

  public S3Client client() {
    return client;
  }

  public DumpStore store() {
    return store;
  }

  public ExecutorService analysers() {
    return analysers;
  }

  public ScheduledExecutorService timer() {
    return timer;
  }

  @Override
  public void close() {
    analysers.shutdownNow();
    timer.shutdownNow();
    client.close();
    s3.close();
  }
}
