package io.heapfleet.cli;

/** The exit codes of every heapfleet command, named in one place. */
public final class ExitCode {
  /** The command did what was asked. */
  public static final int OK = 0;

  /** The command ran but failed (I/O, remote error, analysis failure). */
  public static final int FAILURE = 1;

  /** The command was called wrongly: bad flags, missing or invalid input. */
  public static final int BAD_INPUT = 2;

  private ExitCode() {}
}
