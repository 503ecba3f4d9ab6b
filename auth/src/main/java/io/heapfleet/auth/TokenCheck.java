package io.heapfleet.auth;

/**
 * The outcome of checking a presented token. Callers answer 401 with no detail for every outcome
 * that is not {@link #isValid() valid}; the outcome itself is for metrics and audit logs (it never
 * contains the token).
 */
public enum TokenCheck {
  /** Valid for the current UTC hour. */
  VALID_CURRENT_HOUR(true),
  /** Valid for the previous hour, presented within the grace period after the hour turned. */
  VALID_PREVIOUS_HOUR(true),
  /** Valid for the next hour, presented within the clock-skew window before it starts. */
  VALID_NEXT_HOUR(true),
  /** No token was presented. */
  MISSING(false),
  /** The token is not 64 hex characters. */
  MALFORMED(false),
  /** Well-formed, but no accepted hour and scope produce it: wrong secret, scope or hour. */
  MISMATCH(false);

  private final boolean valid;

  TokenCheck(boolean valid) {
    this.valid = valid;
  }

  /** Whether the request may proceed. */
  public boolean isValid() {
    return valid;
  }
}
