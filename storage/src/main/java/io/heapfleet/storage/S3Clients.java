package io.heapfleet.storage;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the AWS SDK v2 S3 clients for {@link S3Settings}. The same code path serves AWS,
 * LocalStack and the embedded S3Proxy: only the endpoint, path style and credentials differ.
 *
 * <p>Checksums: heapfleet computes its own SHA-256 over every dump, so the SDK's per-request CRC
 * trailers are only sent when an operation requires them ({@code WHEN_REQUIRED}); this keeps
 * S3-compatible servers without trailer support working.
 */
public final class S3Clients {
  private S3Clients() {}

  /** A synchronous client (URL-connection HTTP client). The caller closes it. */
  public static S3Client create(S3Settings settings) {
    var builder =
        S3Client.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofMinutes(2)))
            .credentialsProvider(
                settings.credentials() != null
                    ? settings.credentials()
                    : DefaultCredentialsProvider.builder().build())
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallAttemptTimeout(Duration.ofMinutes(5))
                    .addExecutionInterceptor(new NoExpectContinue())
                    .build());
    settings.endpointOverride().ifPresent(builder::endpointOverride);
    Region region = region(settings);
    if (region != null) {
      builder.region(region);
    }
    return builder.build();
  }

  /** A presigner for GET links, with the same endpoint, region and credentials. */
  public static S3Presigner presigner(S3Settings settings) {
    var builder =
        S3Presigner.builder()
            .credentialsProvider(
                settings.credentials() != null
                    ? settings.credentials()
                    : DefaultCredentialsProvider.builder().build())
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
    settings.endpointOverride().ifPresent(builder::endpointOverride);
    Region region = region(settings);
    if (region != null) {
      builder.region(region);
    }
    return builder.build();
  }

  private static Region region(S3Settings settings) {
    if (settings.region() != null && !settings.region().isBlank()) {
      return Region.of(settings.region());
    }
    // Custom endpoints rarely care; avoid failing on a machine without AWS config.
    return settings.endpoint() != null ? Region.US_EAST_1 : null;
  }

  /**
   * Drops the {@code Expect: 100-continue} header the SDK adds to uploads. With it, the
   * URL-connection client's 100-continue handling throws a raw {@code UncheckedIOException}
   * ("Unexpected end of file from server") when the server closes a pooled connection, and the SDK
   * does not retry that; without it the same I/O error is a retryable client error (seen in CI
   * against S3Proxy).
   */
  private static final class NoExpectContinue implements ExecutionInterceptor {
    @Override
    public SdkHttpRequest modifyHttpRequest(
        Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
      return context.httpRequest().toBuilder().removeHeader("Expect").build();
    }
  }
}
