package io.heapfleet.cli;

/** {@link CliRun} for tests in sub-packages of {@code io.heapfleet.cli}. */
public final class CliRunAccess {
  private CliRunAccess() {}

  /** Exit code and captured output of one in-process run. */
  public record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  /** Runs the real command line in-process. */
  public static Result run(String... args) {
    CliRun r = CliRun.run(args);
    return new Result(r.exitCode, r.out, r.err);
  }
}
