package io.heapfleet.cli.report;

/** A report cannot be made from the given input (unknown task, no dumps); the message says why. */
public final class ReportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReportException(String message) {
    super(message);
  }
}
