package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.util.Optional;

/** Where dumps, summaries, diffs and trends are stored. */
@ConfigMapping(prefix = "heapfleet.collector.s3")
public interface S3Config {

  /** The bucket. */
  String bucket();

  /** Key prefix: objects live under {@code <prefix>/<cluster>/<service>/<taskId>/}. */
  @WithDefault("heapdumps")
  String prefix();

  /** The bucket's region; default: the SDK's region chain. */
  Optional<String> region();

  /** Endpoint override (S3-compatible stores, tests). */
  Optional<URI> endpointOverride();

  /** Path-style addressing (needed by most S3-compatible stores). */
  @WithDefault("false")
  boolean pathStyle();

  /** Server-side encryption: {@code AES256} or {@code aws:kms}; empty: the bucket default. */
  Optional<String> sse();

  /** KMS key id for {@code sse=aws:kms}; empty: the AWS managed key. */
  Optional<String> kmsKeyId();

  /** Multipart part size in bytes (at least 5 MiB). */
  @WithDefault("16777216")
  int partSize();

  /** Parts uploading at once per capture (memory: partSize x (partsInFlight + 1)). */
  @WithDefault("2")
  int partsInFlight();
}
