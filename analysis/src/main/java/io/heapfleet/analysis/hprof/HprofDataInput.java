package io.heapfleet.analysis.hprof;

import java.io.IOException;

/**
 * The checked reads that record decoding ({@link HprofRecords}) needs, so that every reader of the
 * format decodes class dumps, GC roots and values with the same code whatever holds its bytes. Each
 * read fails with an {@link HprofFormatException} naming the offset when the input ends early.
 * Implementations are not thread-safe.
 */
public interface HprofDataInput {
  /** Absolute offset of the next byte to be read in the (decompressed) HPROF stream. */
  long position();

  int readUnsignedByte() throws IOException;

  int readUnsignedShort() throws IOException;

  int readInt() throws IOException;

  long readLong() throws IOException;

  /** An object, class or string identifier (4 or 8 bytes), unsigned. */
  long readId() throws IOException;

  /** Skips {@code n} bytes. */
  void skip(long n) throws IOException;

  /**
   * A value of the given type as a long: ids as ids, primitives as their raw bits (booleans and
   * bytes sign-extended, chars zero-extended, floats/doubles as IEEE bits).
   */
  default long readValue(BasicType type) throws IOException {
    return switch (type) {
      case OBJECT -> readId();
      case BOOLEAN, BYTE -> (byte) readUnsignedByte();
      case CHAR -> (char) readUnsignedShort();
      case SHORT -> (short) readUnsignedShort();
      case FLOAT, INT -> readInt();
      case DOUBLE, LONG -> readLong();
    };
  }
}
