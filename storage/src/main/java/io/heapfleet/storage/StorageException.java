package io.heapfleet.storage;

/**
 * A storage operation failed. The message names the bucket/key and says what to do; it never
 * contains credentials. Subclasses mark the cases callers handle differently.
 */
public class StorageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The bucket does not exist. */
  public static final class BucketNotFound extends StorageException {
    private static final long serialVersionUID = 1L;

    public BucketNotFound(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The credentials were refused or lack a permission. */
  public static final class AccessDenied extends StorageException {
    private static final long serialVersionUID = 1L;

    public AccessDenied(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A downloaded object's SHA-256 differs from the one recorded at upload. */
  public static final class ChecksumMismatch extends StorageException {
    private static final long serialVersionUID = 1L;

    public ChecksumMismatch(String message) {
      super(message);
    }
  }

  /** No such task or dump. */
  public static final class NotFound extends StorageException {
    private static final long serialVersionUID = 1L;

    public NotFound(String message) {
      super(message);
    }
  }
}
