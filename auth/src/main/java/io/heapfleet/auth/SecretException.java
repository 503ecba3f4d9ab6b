package io.heapfleet.auth;

/**
 * A secret could not be loaded or was refused. Messages name where the secret was looked for (an
 * env var name, a file path) and never contain the secret itself.
 */
public class SecretException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecretException(String message) {
    super(message);
  }

  public SecretException(String message, Throwable cause) {
    super(message, cause);
  }
}
