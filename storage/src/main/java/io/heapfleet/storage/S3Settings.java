package io.heapfleet.storage;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Where and how heapfleet stores dumps in S3. Immutable and thread-safe; derive variants with the
 * {@code with...} methods.
 *
 * @param bucket the bucket (must exist)
 * @param prefix key prefix without leading or trailing slash; empty for the bucket root
 * @param endpoint endpoint override (S3Proxy, LocalStack, MinIO); {@code null} for AWS
 * @param region AWS region; {@code null} means the SDK's default region chain
 * @param pathStyle path-style addressing (needed by most S3-compatible servers)
 * @param sse server-side encryption requested on every write
 * @param kmsKeyId KMS key id/ARN for {@link ServerSideEncryption#KMS}; {@code null} for the default
 * @param partSize multipart part size in bytes (5 MiB to 5 GiB); also the single-PUT threshold
 * @param partsInFlight parts uploaded concurrently per upload; memory is about {@code
 *     (partsInFlight + 1) * partSize}
 * @param credentials credentials; {@code null} means the AWS default credential chain
 * @param checksumCopyLimit multipart dumps up to this size get their SHA-256 into their own object
 *     metadata by an in-place copy after completion; larger ones (all of them when 0, the default)
 *     get a {@code <key>.sha256} sidecar object instead, which costs no copy. At most 5 GiB (S3's
 *     single-copy limit). Dumps stored with one PUT (up to {@code partSize}) always carry it in
 *     their metadata.
 */
public record S3Settings(
    String bucket,
    String prefix,
    URI endpoint,
    String region,
    boolean pathStyle,
    ServerSideEncryption sse,
    String kmsKeyId,
    int partSize,
    int partsInFlight,
    AwsCredentialsProvider credentials,
    long checksumCopyLimit) {

  /** S3's minimum size of every multipart part but the last. */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  /**
   * Default part size: 16 MiB (fewer, larger requests than 8 MiB; memory per upload is {@code
   * (partsInFlight + 1) * partSize}, 64 MiB with the defaults).
   */
  public static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;

  /** Default number of parts in flight per upload. */
  public static final int DEFAULT_PARTS_IN_FLIGHT = 3;

  /** S3's limit for a single CopyObject, the largest {@link #checksumCopyLimit()}. */
  public static final long MAX_COPY_SIZE = 5L * 1024 * 1024 * 1024;

  /**
   * Default {@link #checksumCopyLimit()}: 0, multipart dumps get a checksum sidecar and are never
   * copied (the in-place copy rewrites the whole object, the slowest step of an upload; see {@code
   * docs/storage.md}).
   */
  public static final long DEFAULT_CHECKSUM_COPY_LIMIT = 0;

  public S3Settings {
    Objects.requireNonNull(bucket, "bucket");
    if (bucket.isBlank()) {
      throw new IllegalArgumentException("S3 bucket name must not be empty");
    }
    prefix = normalizePrefix(prefix);
    sse = sse == null ? ServerSideEncryption.NONE : sse;
    if (kmsKeyId != null && sse != ServerSideEncryption.KMS) {
      throw new IllegalArgumentException("a KMS key id needs server-side encryption 'kms'");
    }
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException(
          "part size " + partSize + " is below S3's minimum of " + MIN_PART_SIZE + " bytes");
    }
    if (checksumCopyLimit < 0 || checksumCopyLimit > MAX_COPY_SIZE) {
      throw new IllegalArgumentException(
          "checksum copy limit must be 0.." + MAX_COPY_SIZE + ", was " + checksumCopyLimit);
    }
    if (partsInFlight < 1 || partsInFlight > 64) {
      throw new IllegalArgumentException("parts in flight must be 1..64, was " + partsInFlight);
    }
  }

  /** Settings for {@code bucket} with defaults: AWS endpoint, default region and credentials. */
  public static S3Settings of(String bucket) {
    return new S3Settings(
        bucket,
        "",
        null,
        null,
        false,
        ServerSideEncryption.NONE,
        null,
        DEFAULT_PART_SIZE,
        DEFAULT_PARTS_IN_FLIGHT,
        null,
        DEFAULT_CHECKSUM_COPY_LIMIT);
  }

  public S3Settings withPrefix(String value) {
    return with(c -> c.prefix = value);
  }

  /** An endpoint override; also switches on path-style addressing. */
  public S3Settings withEndpoint(URI value) {
    return with(
        c -> {
          c.endpoint = value;
          c.pathStyle = value != null || pathStyle;
        });
  }

  public S3Settings withRegion(String value) {
    return with(c -> c.region = value);
  }

  public S3Settings withPathStyle(boolean value) {
    return with(c -> c.pathStyle = value);
  }

  /** Server-side encryption; {@code kmsKeyId} only with {@link ServerSideEncryption#KMS}. */
  public S3Settings withEncryption(ServerSideEncryption value, String kmsKey) {
    return with(
        c -> {
          c.sse = value;
          c.kmsKeyId = kmsKey;
        });
  }

  public S3Settings withPartSize(int value) {
    return with(c -> c.partSize = value);
  }

  public S3Settings withPartsInFlight(int value) {
    return with(c -> c.partsInFlight = value);
  }

  public S3Settings withCredentials(AwsCredentialsProvider value) {
    return with(c -> c.credentials = value);
  }

  /**
   * See {@link #checksumCopyLimit()}; 0 (the default) = always a sidecar, never copy; {@link
   * #MAX_COPY_SIZE} = checksum in the object's own metadata whenever S3 can copy it.
   */
  public S3Settings withChecksumCopyLimit(long value) {
    return with(c -> c.checksumCopyLimit = value);
  }

  /** A copy of these settings with {@code change} applied, checked like any new settings. */
  private S3Settings with(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return new S3Settings(
        c.bucket,
        c.prefix,
        c.endpoint,
        c.region,
        c.pathStyle,
        c.sse,
        c.kmsKeyId,
        c.partSize,
        c.partsInFlight,
        c.credentials,
        c.checksumCopyLimit);
  }

  /** The components of a settings record being changed by one {@code with...} method. */
  private static final class Copy {
    String bucket;
    String prefix;
    URI endpoint;
    String region;
    boolean pathStyle;
    ServerSideEncryption sse;
    String kmsKeyId;
    int partSize;
    int partsInFlight;
    AwsCredentialsProvider credentials;
    long checksumCopyLimit;

    Copy(S3Settings s) {
      bucket = s.bucket;
      prefix = s.prefix;
      endpoint = s.endpoint;
      region = s.region;
      pathStyle = s.pathStyle;
      sse = s.sse;
      kmsKeyId = s.kmsKeyId;
      partSize = s.partSize;
      partsInFlight = s.partsInFlight;
      credentials = s.credentials;
      checksumCopyLimit = s.checksumCopyLimit;
    }
  }

  /** The endpoint override, if any. */
  public Optional<URI> endpointOverride() {
    return Optional.ofNullable(endpoint);
  }

  /** Where this points, for messages: {@code s3://bucket/prefix (endpoint)}. */
  public String describe() {
    return "s3://"
        + bucket
        + (prefix.isEmpty() ? "" : "/" + prefix)
        + (endpoint == null ? "" : " at " + endpoint);
  }

  @Override
  public String toString() {
    // Never print credentials.
    return "S3Settings[" + describe() + ", region=" + region + ", sse=" + sse + "]";
  }

  private static String normalizePrefix(String prefix) {
    if (prefix == null) {
      return "";
    }
    String p = prefix.strip();
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.contains("//")) {
      throw new IllegalArgumentException("S3 prefix '" + prefix + "' contains an empty segment");
    }
    return p;
  }
}
