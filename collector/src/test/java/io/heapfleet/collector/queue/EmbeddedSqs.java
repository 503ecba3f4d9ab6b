package io.heapfleet.collector.queue;

import io.heapfleet.localsqs.LocalSqs;
import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;

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
    return LocalSqs.client(endpoint);
  }

  /**
   * Creates FIFO queue {@code name}.fifo with a dead-letter queue after {@code maxReceives}
   * receives, as the demo's local SQS does; returns the queue URL.
   */
  public String createCaptureQueue(String name, int maxReceives) {
    return LocalSqs.createQueues(endpoint, name, maxReceives);
  }

  @Override
  public void close() {
    server.stopAndWait();
  }
}
