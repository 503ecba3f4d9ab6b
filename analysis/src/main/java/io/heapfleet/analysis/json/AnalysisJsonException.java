package io.heapfleet.analysis.json;

import java.io.IOException;

/** Analysis JSON (e.g. a stored histogram summary) that cannot be read; the message says why. */
public class AnalysisJsonException extends IOException {
  private static final long serialVersionUID = 1L;

  public AnalysisJsonException(String message) {
    super(message);
  }

  public AnalysisJsonException(String message, Throwable cause) {
    super(message, cause);
  }
}
