package io.heapfleet.collector.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heapfleet.collector.discovery.Target;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One capture that is due, as it travels on the queue: the target as discovery saw it and the due
 * slot (the start of the schedule interval it belongs to). The body is small JSON; a message that
 * does not parse or names a target that {@link Target} refuses is rejected with {@link
 * IllegalArgumentException} (a queue is input from outside). Immutable.
 *
 * @param target what to capture
 * @param slot start of the interval in which the capture is due; the task and the slot together are
 *     the deduplication id, so a capture planned twice in one interval is queued once
 */
public record CaptureMessage(Target target, Instant slot) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Longest body accepted from the queue (a planned message is a few hundred bytes). */
  static final int MAX_BODY_CHARS = 8 * 1024;

  public CaptureMessage {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(slot, "slot");
  }

  /**
   * The message for {@code target} due at {@code due} when captures run once per {@code interval}.
   */
  public static CaptureMessage due(Target target, Instant due, java.time.Duration interval) {
    long seconds = Math.max(1, interval.toSeconds());
    long start = Math.floorDiv(due.getEpochSecond(), seconds) * seconds;
    return new CaptureMessage(target, Instant.ofEpochSecond(start));
  }

  /** The FIFO deduplication id: a hash of task and slot (SQS allows 128 characters). */
  public String deduplicationId() {
    return sha256Hex(target.cluster() + '\n' + target.taskId() + '\n' + slot.getEpochSecond());
  }

  /**
   * The FIFO message group: the service ({@code cluster/service}) when {@code perService} is 1,
   * else one of {@code perService} groups of it ({@code cluster/service#i}), chosen by task id so a
   * task stays in its group. SQS hands out one message of a group at a time, so at most {@code
   * perService} captures of one service run at once over every worker.
   */
  public String groupId(int perService) {
    if (perService < 1) {
      throw new IllegalArgumentException("perService must be >= 1, got " + perService);
    }
    String service = target.cluster() + '/' + target.service();
    String group =
        perService == 1
            ? service
            : service + '#' + Math.floorMod(target.taskId().hashCode(), perService);
    // Group ids are at most 128 characters of [!-~]: long or unusual names are hashed.
    if (group.length() > 128 || !group.chars().allMatch(c -> c >= '!' && c <= '~')) {
      return sha256Hex(group);
    }
    return group;
  }

  /** The message body. */
  public String toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("taskId", target.taskId());
    n.put("cluster", target.cluster());
    n.put("service", target.service());
    n.put("baseUri", target.baseUri().toString());
    n.put("pinned", target.pinned());
    if (target.container() != null) {
      n.put("container", target.container());
    }
    n.put("slot", slot.toString());
    return n.toString();
  }

  /** Parses a body written by {@link #toJson()}. */
  public static CaptureMessage fromJson(String body) {
    if (body == null || body.length() > MAX_BODY_CHARS) {
      throw new IllegalArgumentException(
          "capture message missing or longer than " + MAX_BODY_CHARS + " characters");
    }
    try {
      JsonNode n = JSON.readTree(body);
      URI base = URI.create(text(n, "baseUri"));
      if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
        throw new IllegalArgumentException("capture message baseUri is not http(s)");
      }
      JsonNode container = n.get("container");
      Target t =
          new Target(
              text(n, "taskId"),
              text(n, "cluster"),
              text(n, "service"),
              base,
              n.path("pinned").asBoolean(false),
              container == null || container.isNull() ? null : container.asText());
      return new CaptureMessage(t, Instant.parse(text(n, "slot")));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("unreadable capture message: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' missing or not a string");
    }
    return v.asText();
  }

  private static String sha256Hex(String s) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
