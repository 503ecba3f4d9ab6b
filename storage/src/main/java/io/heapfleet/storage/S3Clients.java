package io.heapfleet.storage;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignRequest;
import software.amazon.awssdk.http.auth.spi.signer.AsyncSignedRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignRequest;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.IdentityProviders;
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
 *
 * <p>Payload signing: over https the SDK sends S3 bodies as {@code UNSIGNED-PAYLOAD} (TLS protects
 * them), but over plain http it always signs them, hashing every body with SHA-256 a second time
 * (aws-chunked with a signature per 128 KiB chunk). For http endpoints on a non-default port (the
 * embedded S3Proxy, LocalStack, MinIO: local development endpoints) {@link UnsignedPayloadOverHttp}
 * sends {@code UNSIGNED-PAYLOAD} there too; headers, including user metadata, stay signed, and
 * heapfleet's own SHA-256 covers the bytes end to end. System property {@value
 * #SIGN_HTTP_PAYLOAD_PROPERTY}{@code =true} restores the SDK's behaviour (for a server that insists
 * on signed payloads).
 */
public final class S3Clients {
  /** Set to {@code true} to let the SDK sign request bodies over plain http (its default). */
  public static final String SIGN_HTTP_PAYLOAD_PROPERTY = "heapfleet.s3.sign-http-payload";

  private S3Clients() {}

  /** A synchronous client (URL-connection HTTP client). The caller closes it. */
  public static S3Client create(S3Settings settings) {
    return create(settings, new ExecutionInterceptor[0]);
  }

  /**
   * The same client with {@code extra} interceptors after heapfleet's own, for callers that count
   * or rewrite requests (tests, benchmarks) and must otherwise behave exactly like production.
   */
  public static S3Client create(S3Settings settings, ExecutionInterceptor... extra) {
    ClientOverrideConfiguration.Builder override =
        ClientOverrideConfiguration.builder()
            .apiCallAttemptTimeout(Duration.ofMinutes(5))
            .addExecutionInterceptor(new NoExpectContinue());
    for (ExecutionInterceptor interceptor : extra) {
      override.addExecutionInterceptor(interceptor);
    }
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
            .putAuthScheme(new UnsignedPayloadOverHttp())
            .overrideConfiguration(override.build());
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

  /**
   * SigV4 with {@code UNSIGNED-PAYLOAD} also over plain http on a non-default port. The SDK's
   * signer forces payload signing whenever the protocol is not https; the request is therefore
   * signed as if it were https (same host, same explicit port, so the same {@code Host} header and
   * canonical request) and sent over http. Requests on default ports (where the {@code Host} header
   * would differ between the two protocols) and https requests go to the SDK's signer unchanged.
   * Stateless and thread-safe.
   */
  static final class UnsignedPayloadOverHttp implements AwsV4AuthScheme {
    private final AwsV4AuthScheme delegate = AwsV4AuthScheme.create();
    private final AwsV4HttpSigner signer = new Signer(delegate.signer());

    @Override
    public String schemeId() {
      return delegate.schemeId();
    }

    @Override
    public IdentityProvider<AwsCredentialsIdentity> identityProvider(IdentityProviders providers) {
      return delegate.identityProvider(providers);
    }

    @Override
    public AwsV4HttpSigner signer() {
      return signer;
    }

    private record Signer(AwsV4HttpSigner sdk) implements AwsV4HttpSigner {
      @Override
      public SignedRequest sign(SignRequest<? extends AwsCredentialsIdentity> request) {
        SdkHttpRequest http = request.request();
        if (!applies(http)) {
          return sdk.sign(request);
        }
        SdkHttpRequest asHttps = http.toBuilder().protocol("https").port(http.port()).build();
        SignedRequest signed =
            sdk.sign(
                request.copy(
                    b ->
                        b.request(asHttps)
                            .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, false)));
        SdkHttpRequest back =
            signed.request().toBuilder().protocol("http").port(http.port()).build();
        return signed.copy(b -> b.request(back));
      }

      @Override
      public CompletableFuture<AsyncSignedRequest> signAsync(
          AsyncSignRequest<? extends AwsCredentialsIdentity> request) {
        return sdk.signAsync(request); // heapfleet uses the sync client only
      }

      private static boolean applies(SdkHttpRequest http) {
        return "http".equals(http.protocol())
            && http.port() != 80
            && http.port() != 443
            && !Boolean.getBoolean(SIGN_HTTP_PAYLOAD_PROPERTY);
      }
    }
  }
}
