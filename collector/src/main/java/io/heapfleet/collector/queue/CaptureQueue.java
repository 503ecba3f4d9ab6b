package io.heapfleet.collector.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The SQS FIFO queue of due captures, through the AWS SDK's SQS client: send (in batches of ten,
 * grouped by service, deduplicated by task and slot), receive, keep a message invisible while its
 * capture runs, delete it when done. Counts the SQS requests it makes (for the benchmark and the
 * metrics). Thread-safe (the SDK client is).
 */
public final class CaptureQueue {

  /** A received message: its capture (or why it could not be read) and the handle to settle it. */
  public record Received(
      CaptureMessage message, String rejected, String receiptHandle, int receiveCount) {}

  private static final int BATCH = 10;

  private final SqsClient sqs;
  private final String queueUrl;
  private final int perService;
  private final AtomicLong requests = new AtomicLong();

  /**
   * @param perService captures of one service allowed at once (message groups per service)
   */
  public CaptureQueue(SqsClient sqs, String queueUrl, int perService) {
    this.sqs = Objects.requireNonNull(sqs, "sqs");
    this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl");
    if (!queueUrl.endsWith(".fifo")) {
      throw new IllegalArgumentException(
          "the capture queue must be a FIFO queue (its URL ends in .fifo), got " + queueUrl);
    }
    if (perService < 1) {
      throw new IllegalArgumentException("perService must be >= 1, got " + perService);
    }
    this.perService = perService;
  }

  /**
   * Sends the messages, ten per request.
   *
   * @return how many SQS accepted (a duplicate of the last five minutes is accepted and dropped by
   *     SQS itself)
   * @throws QueueException when SQS refuses any of them (the caller plans them again next round)
   */
  public int send(List<CaptureMessage> messages) {
    int sent = 0;
    List<String> failures = new ArrayList<>();
    for (int from = 0; from < messages.size(); from += BATCH) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      List<CaptureMessage> batch = messages.subList(from, Math.min(messages.size(), from + BATCH));
      for (int i = 0; i < batch.size(); i++) {
        CaptureMessage m = batch.get(i);
        entries.add(
            SendMessageBatchRequestEntry.builder()
                .id(Integer.toString(i))
                .messageBody(m.toJson())
                .messageGroupId(m.groupId(perService))
                .messageDeduplicationId(m.deduplicationId())
                .build());
      }
      requests.incrementAndGet();
      SendMessageBatchResponse r;
      try {
        r = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
      } catch (RuntimeException e) {
        throw new QueueException("SQS refused to queue " + batch.size() + " captures", e);
      }
      sent += r.successful().size();
      for (BatchResultErrorEntry f : r.failed()) {
        failures.add(f.code() + ": " + f.message());
      }
    }
    if (!failures.isEmpty()) {
      throw new QueueException(
          failures.size() + " of " + messages.size() + " captures were not queued: " + failures,
          null);
    }
    return sent;
  }

  /**
   * Waits up to {@code wait} (long polling, at most 20 s) for at most {@code max} messages; each is
   * invisible to other consumers for {@code visibility}.
   */
  public List<Received> receive(int max, Duration wait, Duration visibility) {
    requests.incrementAndGet();
    List<Message> messages =
        sqs.receiveMessage(
                b ->
                    b.queueUrl(queueUrl)
                        .maxNumberOfMessages(Math.min(BATCH, Math.max(1, max)))
                        .waitTimeSeconds((int) Math.min(20, wait.toSeconds()))
                        .visibilityTimeout(seconds(visibility))
                        .messageSystemAttributeNames(
                            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
            .messages();
    List<Received> out = new ArrayList<>();
    for (Message m : messages) {
      int count = receiveCount(m.attributes());
      try {
        out.add(new Received(CaptureMessage.fromJson(m.body()), null, m.receiptHandle(), count));
      } catch (IllegalArgumentException e) {
        out.add(new Received(null, e.getMessage(), m.receiptHandle(), count));
      }
    }
    return out;
  }

  private static int receiveCount(Map<MessageSystemAttributeName, String> attributes) {
    try {
      return Integer.parseInt(
          attributes.getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** Keeps a received message invisible for {@code visibility} from now. */
  public void extend(String receiptHandle, Duration visibility) {
    requests.incrementAndGet();
    sqs.changeMessageVisibility(
        b ->
            b.queueUrl(queueUrl)
                .receiptHandle(receiptHandle)
                .visibilityTimeout(seconds(visibility)));
  }

  /** Removes a settled message. */
  public void delete(String receiptHandle) {
    requests.incrementAndGet();
    sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle));
  }

  /** Messages waiting plus messages being worked on (approximate, as SQS reports them). */
  public long backlog() {
    requests.incrementAndGet();
    Map<QueueAttributeName, String> a =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(queueUrl)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Long.parseLong(a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"))
        + Long.parseLong(
            a.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"));
  }

  /** SQS requests made so far by this queue client. */
  public long requests() {
    return requests.get();
  }

  public String url() {
    return queueUrl;
  }

  /** SQS visibility timeouts are whole seconds from 0 to 12 hours. */
  private static int seconds(Duration d) {
    return (int) Math.max(0, Math.min(43_200, d.toSeconds()));
  }

  /** SQS refused a request. */
  public static final class QueueException extends RuntimeException {
    QueueException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
