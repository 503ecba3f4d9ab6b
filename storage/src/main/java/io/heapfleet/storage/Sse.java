package io.heapfleet.storage;

import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** Applies {@link S3Settings#sse()} to the write requests (each SDK builder is its own type). */
final class Sse {
  private Sse() {}

  private static software.amazon.awssdk.services.s3.model.ServerSideEncryption sdk(S3Settings s) {
    return switch (s.sse()) {
      case NONE -> null;
      case AES256 -> software.amazon.awssdk.services.s3.model.ServerSideEncryption.AES256;
      case KMS -> software.amazon.awssdk.services.s3.model.ServerSideEncryption.AWS_KMS;
    };
  }

  static PutObjectRequest.Builder apply(PutObjectRequest.Builder b, S3Settings s) {
    if (s.sse() != ServerSideEncryption.NONE) {
      b.serverSideEncryption(sdk(s));
      if (s.kmsKeyId() != null) {
        b.ssekmsKeyId(s.kmsKeyId());
      }
    }
    return b;
  }

  static CreateMultipartUploadRequest.Builder apply(
      CreateMultipartUploadRequest.Builder b, S3Settings s) {
    if (s.sse() != ServerSideEncryption.NONE) {
      b.serverSideEncryption(sdk(s));
      if (s.kmsKeyId() != null) {
        b.ssekmsKeyId(s.kmsKeyId());
      }
    }
    return b;
  }

  static CopyObjectRequest.Builder apply(CopyObjectRequest.Builder b, S3Settings s) {
    if (s.sse() != ServerSideEncryption.NONE) {
      b.serverSideEncryption(sdk(s));
      if (s.kmsKeyId() != null) {
        b.ssekmsKeyId(s.kmsKeyId());
      }
    }
    return b;
  }
}
