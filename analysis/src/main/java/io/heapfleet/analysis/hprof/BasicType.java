package io.heapfleet.analysis.hprof;

/**
 * HPROF basic types (the type byte of fields, statics, constant pool entries and primitive arrays),
 * with their size in the dump.
 */
public enum BasicType {
  OBJECT(2, -1, null),
  BOOLEAN(4, 1, "boolean"),
  CHAR(5, 2, "char"),
  FLOAT(6, 4, "float"),
  DOUBLE(7, 8, "double"),
  BYTE(8, 1, "byte"),
  SHORT(9, 2, "short"),
  INT(10, 4, "int"),
  LONG(11, 8, "long");

  private static final BasicType[] BY_CODE = new BasicType[12];

  static {
    for (BasicType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final int size;
  private final String javaName;

  BasicType(int code, int size, String javaName) {
    this.code = code;
    this.size = size;
    this.javaName = javaName;
  }

  /** The type byte used in the file. */
  public int code() {
    return code;
  }

  /** Size in bytes in the dump; for {@link #OBJECT} it is the dump's identifier size. */
  public int size(int idSize) {
    return this == OBJECT ? idSize : size;
  }

  /** The Java keyword ({@code byte}, {@code int}...); {@code null} for {@link #OBJECT}. */
  public String javaName() {
    return javaName;
  }

  /** The type for a type byte, or {@code null} when the byte is not a valid HPROF type. */
  public static BasicType ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}
