package io.heapfleet.collector.testing;

import io.heapfleet.storage.EmbeddedS3;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

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

  /** A path-style client for {@code s3} with this interceptor. */
  public S3Client client(EmbeddedS3 s3) {
    return S3Client.builder()
        .endpointOverride(s3.endpoint())
        .region(Region.of(s3.region()))
        .credentialsProvider(s3.credentials())
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofMinutes(1)))
        .overrideConfiguration(o -> o.addExecutionInterceptor(this))
        .build();
  }
}
