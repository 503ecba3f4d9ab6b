package io.heapfleet.endpoint;

/** This JVM cannot write a heap dump (no HotSpot diagnostic MBean, or it refused); 503. */
public class HeapDumpUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HeapDumpUnavailableException(String message) {
    super(message);
  }

  public HeapDumpUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
