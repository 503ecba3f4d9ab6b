package io.heapfleet.storage;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Turns SDK exceptions into {@link StorageException}s whose messages say what to do. */
final class S3Errors {
  private S3Errors() {}

  /**
   * @param action what we were doing, e.g. "upload dump"
   * @param key the object key involved, or {@code null}
   */
  static StorageException translate(
      SdkException e, S3Settings settings, String action, String key) {
    String where = "s3://" + settings.bucket() + (key == null ? "" : "/" + key);
    String endpoint = settings.endpoint() == null ? "" : " (endpoint " + settings.endpoint() + ")";
    if (e instanceof NoSuchBucketException || code(e).equals("NoSuchBucket")) {
      return new StorageException.BucketNotFound(
          "S3 bucket '"
              + settings.bucket()
              + "' does not exist"
              + endpoint
              + "; create it or set --bucket / HEAPFLEET_S3_BUCKET",
          e);
    }
    if (e instanceof S3Exception s3) {
      int status = s3.statusCode();
      String code = code(e);
      if (status == 403
          || code.equals("AccessDenied")
          || code.equals("InvalidAccessKeyId")
          || code.equals("SignatureDoesNotMatch")) {
        return new StorageException.AccessDenied(
            "access denied to "
                + where
                + endpoint
                + " while trying to "
                + action
                + " ("
                + (code.isEmpty() ? "HTTP " + status : code)
                + "); check the AWS credentials and that the role allows s3:PutObject,"
                + " s3:GetObject, s3:ListBucket, s3:DeleteObject and s3:AbortMultipartUpload"
                + " on the bucket",
            e);
      }
      return new StorageException(
          "S3 refused to "
              + action
              + " "
              + where
              + endpoint
              + ": "
              + (code.isEmpty() ? "HTTP " + status : code + " (HTTP " + status + ")")
              + " "
              + s3.awsErrorDetails().errorMessage(),
          e);
    }
    if (e instanceof SdkClientException) {
      return new StorageException(
          "cannot " + action + " " + where + endpoint + ": " + e.getMessage(), e);
    }
    return new StorageException("cannot " + action + " " + where + ": " + e.getMessage(), e);
  }

  static boolean isNotFound(SdkException e) {
    return e instanceof S3Exception s3
        && s3.statusCode() == 404
        && !(e instanceof NoSuchBucketException)
        && !code(e).equals("NoSuchBucket");
  }

  private static String code(SdkException e) {
    if (e instanceof S3Exception s3 && s3.awsErrorDetails() != null) {
      String c = s3.awsErrorDetails().errorCode();
      return c == null ? "" : c;
    }
    return "";
  }
}
