package io.heapfleet.auth;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identity proof and the task-bound credentials of {@code docs/proof.md}: every value is
 * lowercase hex of HMAC-SHA256 (key = the shared secret) over fields joined by {@code \n}:
 *
 * <pre>
 * proof   = H("heapfleet-proof-v1"   \n challenge \n nonce \n taskId)
 * capture = H("heapfleet-capture-v1" \n scope \n taskId \n nonce)
 * task    = H("heapfleet-task-v1"    \n scope \n taskId \n hour)
 * </pre>
 *
 * Both sides use this class: the endpoint answers a challenge and checks credentials for its own
 * task id; the caller checks the answer and makes the credentials. No field may contain a control
 * character (that keeps the joining unambiguous): the task id follows {@link #isValidTaskId the
 * task-id rule}, challenges and nonces are hex, and the scope is checked here. Immutable and
 * thread-safe.
 */
public final class TaskCredentials {

  /** Length of the nonce an endpoint issues: 128 random bits as lowercase hex. */
  public static final int NONCE_LENGTH = 32;

  /** Shortest challenge an endpoint accepts (and the length callers send). */
  public static final int MIN_CHALLENGE_LENGTH = 32;

  /** Longest challenge an endpoint accepts. */
  public static final int MAX_CHALLENGE_LENGTH = 64;

  private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final Secret secret;
  private final String scope;
  private final TaskCredentials previous;

  private TaskCredentials(Secret secret, String scope, TaskCredentials previous) {
    this.secret = secret;
    this.scope = scope;
    this.previous = previous;
  }

  /**
   * Credentials for {@code scope} ({@code heapdump} unless configured).
   *
   * @throws IllegalArgumentException when the scope is empty or contains a control character
   */
  public static TaskCredentials of(Secret secret, String scope) {
    Objects.requireNonNull(secret, "secret");
    if (scope == null || scope.isEmpty()) {
      throw new IllegalArgumentException("scope must not be empty");
    }
    if (scope.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("scope must not contain control characters");
    }
    return new TaskCredentials(secret, scope, null);
  }

  /**
   * These credentials, with {@code previous} also accepted: a secret rotated away from that tasks
   * or callers may still hold. Checks ({@link #captureMatches}, {@link #proofMatchedBy}) accept
   * either; everything made ({@link #proof}, {@link #capture}, {@link #taskToken}) uses the current
   * secret.
   */
  public TaskCredentials withPrevious(Secret previous) {
    Objects.requireNonNull(previous, "previous");
    return new TaskCredentials(secret, scope, new TaskCredentials(previous, scope, null));
  }

  /** The credentials of the previous secret, when one is accepted. */
  public Optional<TaskCredentials> previous() {
    return Optional.ofNullable(previous);
  }

  /**
   * The credentials whose secret made {@code presented} as the proof for these values: these
   * (current secret) or the previous ones; empty when neither did. A caller then makes the task's
   * credentials with the returned ones, so a task still on the previous secret can use them.
   */
  public Optional<TaskCredentials> proofMatchedBy(
      String presented, String challenge, String nonce, String taskId) {
    if (proofMatches(presented, challenge, nonce, taskId)) {
      return Optional.of(previous == null ? this : new TaskCredentials(secret, scope, null));
    }
    if (previous != null && previous.proofMatches(presented, challenge, nonce, taskId)) {
      return Optional.of(previous);
    }
    return Optional.empty();
  }

  public String scope() {
    return scope;
  }

  /** The task-id rule every endpoint applies to its own id: {@code [A-Za-z0-9._-]{1,128}}. */
  public static boolean isValidTaskId(String taskId) {
    return taskId != null && TASK_ID.matcher(taskId).matches();
  }

  /** Whether {@code s} is a well-formed challenge: 32 to 64 lowercase hex characters. */
  public static boolean isValidChallenge(String s) {
    return Hmacs.isLowerHex(s, MIN_CHALLENGE_LENGTH, MAX_CHALLENGE_LENGTH);
  }

  /** Whether {@code s} is a well-formed nonce: 32 lowercase hex characters. */
  public static boolean isValidNonce(String s) {
    return Hmacs.isLowerHex(s, NONCE_LENGTH, NONCE_LENGTH);
  }

  /** Whether {@code s} looks like an HMAC value: 64 lowercase hex characters. */
  public static boolean isValidMac(String s) {
    return Hmacs.isLowerHex(s, HourlyToken.LENGTH, HourlyToken.LENGTH);
  }

  /** 128 fresh random bits as 32 lowercase hex characters (a challenge or a nonce). */
  public static String randomHex() {
    byte[] b = new byte[NONCE_LENGTH / 2];
    RANDOM.nextBytes(b);
    StringBuilder sb = new StringBuilder(NONCE_LENGTH);
    for (byte x : b) {
      sb.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
    }
    return sb.toString();
  }

  /** {@code H("heapfleet-proof-v1" \n challenge \n nonce \n taskId)}. */
  public String proof(String challenge, String nonce, String taskId) {
    checkHex("challenge", challenge, MIN_CHALLENGE_LENGTH, MAX_CHALLENGE_LENGTH);
    checkHex("nonce", nonce, NONCE_LENGTH, NONCE_LENGTH);
    checkTaskId(taskId);
    return Hmacs.hex(secret, "heapfleet-proof-v1\n" + challenge + "\n" + nonce + "\n" + taskId);
  }

  /** {@code H("heapfleet-capture-v1" \n scope \n taskId \n nonce)}. */
  public String capture(String taskId, String nonce) {
    checkTaskId(taskId);
    checkHex("nonce", nonce, NONCE_LENGTH, NONCE_LENGTH);
    return Hmacs.hex(secret, "heapfleet-capture-v1\n" + scope + "\n" + taskId + "\n" + nonce);
  }

  /** {@code H("heapfleet-task-v1" \n scope \n taskId \n hour)} for the UTC hour containing at. */
  public String taskToken(String taskId, Instant at) {
    checkTaskId(taskId);
    String hour = ISO_MILLIS.format(HourlyToken.hourStart(at));
    return Hmacs.hex(secret, "heapfleet-task-v1\n" + scope + "\n" + taskId + "\n" + hour);
  }

  /**
   * Whether {@code presented} is the proof for these values (constant-time); false for any
   * malformed input instead of an exception, since every value here came from the other side.
   */
  public boolean proofMatches(String presented, String challenge, String nonce, String taskId) {
    if (!isValidMac(presented)
        || !isValidChallenge(challenge)
        || !isValidNonce(nonce)
        || !isValidTaskId(taskId)) {
      return false;
    }
    return Hmacs.equal(proof(challenge, nonce, taskId), presented);
  }

  /** Whether {@code presented} is the capture credential of {@code taskId} and {@code nonce}. */
  public boolean captureMatches(String presented, String taskId, String nonce) {
    if (!isValidMac(presented) || !isValidNonce(nonce) || !isValidTaskId(taskId)) {
      return false;
    }
    return Hmacs.equal(capture(taskId, nonce), presented)
        || (previous != null && previous.captureMatches(presented, taskId, nonce));
  }

  /**
   * Checks task tokens of {@code taskId} with the hourly token's windows ({@link TokenVerifier}).
   */
  public TokenVerifier.Builder taskTokenVerifier(String taskId) {
    checkTaskId(taskId);
    return TokenVerifier.builder(secret).scope(scope).taskToken(taskId);
  }

  private static void checkTaskId(String taskId) {
    if (!isValidTaskId(taskId)) {
      throw new IllegalArgumentException(
          "a task id is 1-128 of [A-Za-z0-9._-]; refused one of length "
              + (taskId == null ? 0 : taskId.length()));
    }
  }

  private static void checkHex(String name, String value, int min, int max) {
    if (!Hmacs.isLowerHex(value, min, max)) {
      throw new IllegalArgumentException(
          name + " must be " + min + (min == max ? "" : "-" + max) + " lowercase hex characters");
    }
  }

  @Override
  public String toString() {
    return "TaskCredentials[scope="
        + scope
        + ", secret="
        + secret
        + (previous == null ? "" : ", previous=" + previous.secret)
        + "]";
  }
}
