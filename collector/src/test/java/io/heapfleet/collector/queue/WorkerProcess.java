package io.heapfleet.collector.queue;

import io.heapfleet.storage.DumpStore;
import io.heapfleet.storage.EmbeddedS3;
import io.heapfleet.storage.S3Settings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A queue worker alone in a child JVM, so that a test can kill it the hard way (no finally block,
 * no abort of its upload). Arguments: SQS endpoint, queue URL, S3 endpoint, bucket, prefix,
 * visibility seconds; the S3 secret key in {@code HEAPFLEET_TEST_S3_SECRET}. Prints "ready" once it
 * consumes.
 */
public final class WorkerProcess {
  public static void main(String[] args) throws Exception {
    URI sqs = URI.create(args[0]);
    String queueUrl = args[1];
    S3Settings s3 =
        S3Settings.of(args[3])
            .withEndpoint(URI.create(args[2]))
            .withRegion(EmbeddedS3.REGION)
            .withCredentials(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(
                        EmbeddedS3.ACCESS_KEY, System.getenv("HEAPFLEET_TEST_S3_SECRET"))))
            .withPrefix(args[4])
            .withPartSize(S3Settings.MIN_PART_SIZE);
    DumpStore store = DumpStore.create(s3);
    CaptureQueue queue = new CaptureQueue(EmbeddedSqs.client(sqs), queueUrl, 1);
    Workers.Worker w =
        Workers.create(
            queue,
            store,
            new QueueWorker.Settings(
                1,
                Duration.ofSeconds(Long.parseLong(args[5])),
                Duration.ofSeconds(1),
                Duration.ofSeconds(3)),
            Clock.systemUTC());
    w.worker().start();
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
