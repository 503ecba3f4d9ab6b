package io.heapfleet.collector.testing;

import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.S3Clients;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 client for {@link EmbeddedS3} whose writes the real server refuses while {@link
 * #refuse} is set: every PUT (PutObject, UploadPart) is sent to a bucket that does not exist, so
 * S3Proxy answers 404 NoSuchBucket. Other requests (create/complete/abort multipart, reads) pass,
 * as with an S3 policy that denies only object writes.
 */
public final class RefusingS3 implements ExecutionInterceptor {
  public final AtomicBoolean refuse = new AtomicBoolean();

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    SdkHttpRequest r = context.httpRequest();
    if (!refuse.get() || r.method() != SdkHttpMethod.PUT) {
      return r;
    }
    String path = r.encodedPath();
    int second = path.indexOf('/', 1);
    return r.toBuilder().encodedPath("/no-such-bucket-refused" + path.substring(second)).build();
  }

  /** A path-style client for {@code s3}, built as production builds it, with this interceptor. */
  public S3Client client(EmbeddedS3 s3) {
    return S3Clients.create(s3.settings(), this);
  }
}
