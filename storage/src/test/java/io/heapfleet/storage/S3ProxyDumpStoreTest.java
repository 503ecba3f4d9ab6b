package io.heapfleet.storage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link DumpStoreContract} against S3Proxy running in this JVM (always runs). */
class S3ProxyDumpStoreTest extends DumpStoreContract {
  static EmbeddedS3 s3;

  @BeforeAll
  static void start() {
    s3 = EmbeddedS3.inMemory("heapfleet-test");
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  @Override
  S3Settings backend() {
    return s3.settings();
  }
}
