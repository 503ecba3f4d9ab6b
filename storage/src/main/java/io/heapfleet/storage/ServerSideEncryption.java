package io.heapfleet.storage;

/**
 * Server-side encryption requested on every object heapfleet writes. {@link #KMS} needs a key id in
 * {@link S3Settings#kmsKeyId()} (or uses the account's default {@code aws/s3} key when none).
 */
public enum ServerSideEncryption {
  /** No SSE header: the bucket's default encryption applies (SSE-S3 on AWS since 2023). */
  NONE,
  /** SSE-S3: {@code x-amz-server-side-encryption: AES256}. */
  AES256,
  /** SSE-KMS: {@code x-amz-server-side-encryption: aws:kms} plus the key id header. */
  KMS;

  /** Parses {@code none|aes256|sse-s3|kms|aws:kms|sse-kms} (case-insensitive). */
  public static ServerSideEncryption parse(String text) {
    switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "":
      case "none":
        return NONE;
      case "aes256":
      case "sse-s3":
        return AES256;
      case "kms":
      case "aws:kms":
      case "sse-kms":
        return KMS;
      default:
        throw new IllegalArgumentException(
            "unknown server-side encryption '" + text + "'; use none, aes256 (SSE-S3) or kms");
    }
  }
}
