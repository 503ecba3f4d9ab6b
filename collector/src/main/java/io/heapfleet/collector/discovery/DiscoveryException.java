package io.heapfleet.collector.discovery;

/** Discovery could not determine the task list; the message says which source and why. */
public class DiscoveryException extends RuntimeException {
  public DiscoveryException(String message, Throwable cause) {
    super(message, cause);
  }

  public DiscoveryException(String message) {
    super(message);
  }
}
