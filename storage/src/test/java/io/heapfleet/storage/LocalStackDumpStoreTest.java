package io.heapfleet.storage;

import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@link DumpStoreContract} against LocalStack in Docker. Skipped (reported by JUnit as disabled
 * because Docker is not available) on machines without a Docker engine; the same behaviour is
 * always covered by {@link S3ProxyDumpStoreTest}.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackDumpStoreTest extends DumpStoreContract {
  static final String BUCKET = "heapfleet-test";

  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer("localstack/localstack:4.4").withServices("s3");

  @BeforeAll
  static void createBucket() {
    try (var client = S3Clients.create(settingsFor())) {
      client.createBucket(b -> b.bucket(BUCKET));
    }
  }

  static S3Settings settingsFor() {
    return S3Settings.of(BUCKET)
        .withEndpoint(LOCALSTACK.getEndpoint())
        .withRegion(LOCALSTACK.getRegion())
        .withCredentials(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())));
  }

  @Override
  S3Settings backend() {
    return settingsFor();
  }
}
