package io.heapfleet.cli;

/**
 * A failure the user can act on, reported as one line on stderr without a stack trace (unless
 * {@code --verbose}). Carries the exit code to use.
 */
public class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public UserException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public UserException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad input: exit code {@link ExitCode#BAD_INPUT}. */
  public static UserException badInput(String message) {
    return new UserException(ExitCode.BAD_INPUT, message);
  }

  /** A failure while doing the work: exit code {@link ExitCode#FAILURE}. */
  public static UserException failure(String message, Throwable cause) {
    return new UserException(ExitCode.FAILURE, message, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}
