package io.heapfleet.endpoint.client;

/**
 * An endpoint did not prove that it is the task it claims, so it was sent no credential. The
 * message never repeats what the endpoint said verbatim (a claimed id may hold control characters
 * or be very long): it names the URL and the reason.
 */
public class ProofException extends HeapdumpClientException {
  private static final long serialVersionUID = 1L;

  /** Why the proof was refused. */
  public enum Reason {
    /** The claimed task id does not follow the task-id rule (checked before anything else). */
    INVALID_TASK_ID,
    /** The answer is not the proof's JSON, or echoes another challenge. */
    MALFORMED,
    /** The HMAC does not match: the endpoint does not hold the shared secret. */
    BAD_PROOF,
    /** The endpoint proved another task than the one expected (ECS address, pinned id). */
    WRONG_TASK
  }

  private final Reason reason;

  public ProofException(Reason reason, String message, int attempts) {
    super(
        0,
        "untrusted_" + reason.name().toLowerCase(java.util.Locale.ROOT),
        message,
        null,
        null,
        attempts);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
