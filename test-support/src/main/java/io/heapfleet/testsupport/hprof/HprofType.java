package io.heapfleet.testsupport.hprof;

/**
 * HPROF basic types as {@link HprofWriter} writes them: the type byte and the size in the dump.
 * Kept apart from the reader's own enum so that a wrong code in one is caught by the other.
 */
public enum HprofType {
  OBJECT(2, -1),
  BOOLEAN(4, 1),
  CHAR(5, 2),
  FLOAT(6, 4),
  DOUBLE(7, 8),
  BYTE(8, 1),
  SHORT(9, 2),
  INT(10, 4),
  LONG(11, 8);

  private final int code;
  private final int size;

  HprofType(int code, int size) {
    this.code = code;
    this.size = size;
  }

  /** The type byte written to the file. */
  public int code() {
    return code;
  }

  /** Size in bytes in the dump; for {@link #OBJECT} it is the dump's identifier size. */
  public int size(int idSize) {
    return this == OBJECT ? idSize : size;
  }
}
