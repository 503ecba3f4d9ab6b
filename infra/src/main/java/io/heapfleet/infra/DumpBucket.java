package io.heapfleet.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The bucket the collector stores dumps, summaries, diffs and trends in: no public access, owner
 * enforced, TLS only, encrypted at rest (SSE-S3, or SSE-KMS with an S3 Bucket Key), and lifecycle
 * rules that abort stale multipart uploads after a day and expire the big dump objects sooner than
 * the small summaries the trends are computed from. Retained when the stack is deleted unless the
 * deployment asks otherwise.
 */
public final class DumpBucket extends Construct {
  private final Bucket bucket;

  public DumpBucket(Construct scope, String id, HeapfleetSettings settings, IKey key) {
    super(scope, id);
    RemovalPolicy removal = settings.destroyBucket() ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    Bucket logs = null;
    if (settings.accessLogs()) {
      logs =
          Bucket.Builder.create(this, "AccessLogs")
              .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
              // Server access logging needs ACL-less delivery through the bucket policy.
              .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
              .encryption(BucketEncryption.S3_MANAGED)
              .enforceSsl(true)
              .lifecycleRules(
                  List.of(
                      LifecycleRule.builder()
                          .id("expire-access-logs")
                          .expiration(Duration.days(settings.summaryRetentionDays()))
                          .build()))
              .removalPolicy(removal)
              .build();
    }
    Bucket.Builder b =
        Bucket.Builder.create(this, "Bucket")
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
            .enforceSsl(true)
            .versioned(false)
            .lifecycleRules(lifecycle(settings))
            .removalPolicy(removal);
    if (key != null) {
      b.encryption(BucketEncryption.KMS).encryptionKey(key).bucketKeyEnabled(true);
    } else {
      b.encryption(BucketEncryption.S3_MANAGED);
    }
    if (logs != null) {
      b.serverAccessLogsBucket(logs).serverAccessLogsPrefix("heapfleet-bucket/");
    }
    bucket = b.build();
  }

  private static List<LifecycleRule> lifecycle(HeapfleetSettings settings) {
    String prefix = HeapfleetSettings.PREFIX + "/";
    return List.of(
        // Parts of an upload the collector could not abort (it was killed) cost money until
        // aborted.
        LifecycleRule.builder()
            .id("abort-incomplete-multipart-uploads")
            .abortIncompleteMultipartUploadAfter(Duration.days(1))
            .build(),
        // The dumps are big; the summaries beside them are all the trends need.
        LifecycleRule.builder()
            .id("expire-dumps")
            .prefix(prefix)
            .objectSizeGreaterThan(settings.dumpMinBytes() - 1)
            .expiration(Duration.days(settings.dumpRetentionDays()))
            .build(),
        LifecycleRule.builder()
            .id("expire-summaries")
            .prefix(prefix)
            .objectSizeLessThan(settings.dumpMinBytes())
            .expiration(Duration.days(settings.summaryRetentionDays()))
            .build());
  }

  /** The bucket. */
  public Bucket bucket() {
    return bucket;
  }
}
