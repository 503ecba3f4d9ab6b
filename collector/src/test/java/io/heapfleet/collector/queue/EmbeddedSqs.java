package io.heapfleet.collector.queue;

import java.net.URI;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An in-process SQS (ElasticMQ) on 127.0.0.1 with a FIFO capture queue and its dead-letter queue,
 * reached through the real AWS SDK SQS client.
 */
public final class EmbeddedSqs implements AutoCloseable {
  private final SQSRestServer server;
  private final URI endpoint;

  public EmbeddedSqs() {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    endpoint = URI.create("http://127.0.0.1:" + port);
  }

  public URI endpoint() {
    return endpoint;
  }

  /** A new SDK client for this server. */
  public SqsClient client() {
    return client(endpoint);
  }

  /** A new SDK client for the server at {@code endpoint} (also used by child JVMs). */
  public static SqsClient client(URI endpoint) {
    return SqsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /**
   * Creates FIFO queue {@code name}.fifo with a dead-letter queue after {@code maxReceives}
   * receives; returns the queue URL.
   */
  public String createCaptureQueue(String name, int maxReceives) {
    try (SqsClient sqs = client()) {
      String dlq =
          sqs.createQueue(
                  b ->
                      b.queueName(name + "-dlq.fifo")
                          .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
              .queueUrl();
      String dlqArn =
          sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
              .attributes()
              .get(QueueAttributeName.QUEUE_ARN);
      return sqs.createQueue(
              b ->
                  b.queueName(name + ".fifo")
                      .attributes(
                          Map.of(
                              QueueAttributeName.FIFO_QUEUE,
                              "true",
                              QueueAttributeName.REDRIVE_POLICY,
                              "{\"deadLetterTargetArn\":\""
                                  + dlqArn
                                  + "\",\"maxReceiveCount\":\""
                                  + maxReceives
                                  + "\"}")))
          .queueUrl();
    }
  }

  @Override
  public void close() {
    server.stopAndWait();
  }
}
