package io.heapfleet.localsqs;

import java.io.PrintStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A local SQS for the demo: ElasticMQ on 127.0.0.1 with the collector's FIFO capture queue and its
 * dead-letter queue, created through the SQS API. Prints one line once both queues exist:
 *
 * <pre>listening http://127.0.0.1:PORT queue http://…/QUEUE.fifo</pre>
 *
 * then serves until SIGTERM (or Ctrl-C) or until the process that started it exits, so that a
 * parent killed without cleaning up leaves no queue server behind.
 *
 * <p>Usage: {@code java -jar heapfleet-local-sqs.jar [--port N] [--queue NAME] [--max-receives N]
 * [--verbose]}; {@code --port 0} (the default) lets the OS pick a free port. Exit codes: 0 stopped,
 * 1 could not start, 2 bad arguments.
 */
public final class LocalSqs {
  /** The first word of the line printed once the queues exist. */
  public static final String LISTENING = "listening";

  /** The queue name when none is given (the collector's queue URL ends in {@code NAME.fifo}). */
  public static final String DEFAULT_QUEUE = "heapfleet-captures";

  private LocalSqs() {}

  /** The parsed command line. */
  record Options(int port, String queue, int maxReceives, boolean verbose) {
    static Options parse(String[] args) {
      int port = 0;
      String queue = DEFAULT_QUEUE;
      int maxReceives = 5;
      boolean verbose = false;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--port" -> port = intArg(args, ++i, a, 0, 65_535);
          case "--queue" -> queue = value(args, ++i, a);
          case "--max-receives" -> maxReceives = intArg(args, ++i, a, 1, 1000);
          case "--verbose" -> verbose = true;
          default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
        }
      }
      // SQS queue names: 1-80 characters of [A-Za-z0-9_-], ".fifo" included.
      if (!queue.matches("[A-Za-z0-9_-]{1,71}")) {
        throw new IllegalArgumentException(
            "--queue must be 1-71 characters of letters, digits, '-' and '_', got '" + queue + "'");
      }
      return new Options(port, queue, maxReceives, verbose);
    }

    private static String value(String[] args, int i, String flag) {
      if (i >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return args[i];
    }

    private static int intArg(String[] args, int i, String flag, int min, int max) {
      String v = value(args, i, flag);
      try {
        int n = Integer.parseInt(v);
        if (n < min || n > max) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            flag + " must be a number " + min + ".." + max + ", got '" + v + "'");
      }
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("local-sqs: " + e.getMessage());
      System.err.println(
          "usage: java -jar heapfleet-local-sqs.jar [--port N] [--queue NAME]"
              + " [--max-receives N] [--verbose]");
      System.exit(2);
      return;
    }
    // Before the first logger exists: ElasticMQ and Pekko are chatty at INFO.
    System.setProperty(
        "org.slf4j.simpleLogger.defaultLogLevel", options.verbose() ? "info" : "warn");
    SQSRestServer server;
    String queueUrl;
    URI endpoint;
    try {
      server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(options.port()).start();
      int port = server.waitUntilStarted().localAddress().getPort();
      endpoint = URI.create("http://127.0.0.1:" + port);
      queueUrl = createQueues(endpoint, options.queue(), options.maxReceives());
    } catch (RuntimeException e) {
      System.err.println("local-sqs: could not start on 127.0.0.1:" + options.port() + ": " + e);
      System.exit(1);
      return;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.stopAndWait();
                  stop.countDown();
                },
                "local-sqs-stop"));
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent ->
                parent
                    .onExit()
                    .thenRun(
                        () -> {
                          System.err.println("local-sqs: the parent process exited; stopping");
                          System.exit(0);
                        }));
    PrintStream out = System.out;
    out.println(LISTENING + " " + endpoint + " queue " + queueUrl);
    out.flush();
    stop.await();
  }

  /**
   * Creates {@code name}-dlq.fifo and {@code name}.fifo, the latter moving a message to the former
   * after {@code maxReceives} receives; returns the capture queue's URL. The collector's tests
   * create their queues here too, so that they test the queue the demo runs.
   */
  public static String createQueues(URI endpoint, String name, int maxReceives) {
    try (SqsClient sqs = client(endpoint)) {
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

  /** A new SDK client for the local SQS at {@code endpoint}. */
  public static SqsClient client(URI endpoint) {
    return SqsClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        // ElasticMQ accepts any credentials; these are not secrets.
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
