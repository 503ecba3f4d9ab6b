package io.heapfleet.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * An S3-compatible server in this JVM (S3Proxy), listening on 127.0.0.1 only, on a free port. Used
 * by the demo, by {@code heapfleet ... --local}, and by tests, so that the exact AWS SDK code path
 * that talks to AWS also runs without AWS.
 *
 * <p>Storage: {@link #filesystem(Path, String)} keeps objects under a directory (default {@link
 * #DEFAULT_DIRECTORY}, one sub-directory per bucket), surviving restarts; {@link #inMemory(String)}
 * keeps them in memory (tests). Credentials are generated per start (identity {@value #ACCESS_KEY},
 * random secret) and signed requests are required (SigV4), so a client with wrong credentials gets
 * 403 just as on AWS.
 *
 * <p>Thread-safe once started; {@link #close()} stops the server.
 */
public final class EmbeddedS3 implements AutoCloseable {
  /** Where {@code --local} and the demo keep dumps when no directory is given. */
  public static final Path DEFAULT_DIRECTORY = Path.of("heapfleet-data", "s3");

  /** Default bucket of the embedded store. */
  public static final String DEFAULT_BUCKET = "heapfleet";

  /** The access key id of the embedded server. */
  public static final String ACCESS_KEY = "heapfleet-local";

  /** Region the embedded server pretends to be in. */
  public static final String REGION = "us-east-1";

  private final S3Proxy proxy;
  private final BlobStore blobStore;
  private final URI endpoint;
  private final String bucket;
  private final String secretKey;
  private final Path directory;

  private EmbeddedS3(BlobStore blobStore, String bucket, Path directory) {
    this.blobStore = blobStore;
    this.bucket = Objects.requireNonNull(bucket, "bucket");
    this.directory = directory;
    byte[] random = new byte[24];
    new SecureRandom().nextBytes(random);
    this.secretKey = HexFormat.of().formatHex(random);
    this.proxy =
        S3Proxy.builder()
            .blobStore(blobStore)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, secretKey)
            .ignoreUnknownHeaders(true)
            .jettyMaxThreads(32)
            .build();
    try {
      proxy.start();
      // Jetty starts asynchronously; wait until it reports STARTED.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("embedded S3 did not start: " + proxy.getState());
        }
        Thread.sleep(5);
      }
    } catch (Exception e) {
      closeQuietly();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new StorageException("cannot start the embedded S3 server: " + e.getMessage(), e);
    }
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    // Create the bucket through the S3 API, exactly as a client would.
    try (var client = S3Clients.create(settings())) {
      client.createBucket(b -> b.bucket(bucket));
    } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException
        | software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException e) {
      // Restarted on an existing directory: fine.
    } catch (RuntimeException e) {
      closeQuietly();
      throw new StorageException(
          "cannot create bucket '" + bucket + "' in the embedded S3: " + e.getMessage(), e);
    }
  }

  /** Starts a server storing objects under {@code directory} (created if missing). */
  public static EmbeddedS3 filesystem(Path directory, String bucket) {
    Path dir = directory.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new StorageException("cannot create the embedded S3 directory " + dir + ": " + e, e);
    }
    return new EmbeddedS3(new FilesystemNio2BlobStore(dir.toString()), bucket, dir);
  }

  /** Starts a server keeping objects in memory, gone on {@link #close()}. */
  public static EmbeddedS3 inMemory(String bucket) {
    return new EmbeddedS3(new TransientNio2BlobStore(), bucket, null);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  public String bucket() {
    return bucket;
  }

  public String region() {
    return REGION;
  }

  public String accessKey() {
    return ACCESS_KEY;
  }

  /** The secret of this run; never log it. */
  public String secretKey() {
    return secretKey;
  }

  /** The directory objects live under, or {@code null} when in memory. */
  public Path directory() {
    return directory;
  }

  public StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, secretKey));
  }

  /** Settings that point a {@link DumpStore} at this server's bucket. */
  public S3Settings settings() {
    return S3Settings.of(bucket)
        .withEndpoint(endpoint)
        .withRegion(REGION)
        .withCredentials(credentials());
  }

  @Override
  public void close() {
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      proxy.stop();
    } catch (Exception e) {
      // Stopping is best effort; nothing the caller could do.
    }
    try {
      blobStore.close();
    } catch (RuntimeException e) {
      // same
    }
  }

  @Override
  public String toString() {
    return "EmbeddedS3[" + endpoint + ", bucket=" + bucket + ", dir=" + directory + "]";
  }
}
