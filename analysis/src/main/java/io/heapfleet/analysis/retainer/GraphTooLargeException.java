package io.heapfleet.analysis.retainer;

/**
 * The dump does not fit the configured memory: the message names the objects, references and the
 * {@code -Xmx} (or budget) the analysis needs, so the caller can retry with more or skip it.
 */
public final class GraphTooLargeException extends RuntimeException {
  public GraphTooLargeException(String message) {
    super(message);
  }
}
