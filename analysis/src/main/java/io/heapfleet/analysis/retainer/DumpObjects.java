package io.heapfleet.analysis.retainer;

import io.heapfleet.analysis.hprof.BasicType;
import io.heapfleet.analysis.hprof.HprofInput;
import io.heapfleet.analysis.hprof.HprofListener;
import io.heapfleet.analysis.hprof.RecordReader;
import io.heapfleet.analysis.internal.util.LongObjectMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Reads the contents of a few objects back from a dump by streaming it once more: the graph does
 * not keep field values, so the labels of a retainer path (which field, which array index) and a
 * thread's name are recovered this way, for a handful of objects only. Not thread-safe.
 */
final class DumpObjects {
  /** Longest primitive array kept (thread names and the like are short). */
  private static final int MAX_PRIMITIVE_BYTES = 4096;

  /** An object's contents as dumped. */
  sealed interface Contents permits Instance, ObjectArray, PrimitiveArray {}

  /** Field values of an instance, in dump order (own class first, then superclasses). */
  record Instance(long classId, byte[] fields) implements Contents {}

  record ObjectArray(long classId, long[] elements) implements Contents {}

  /** A primitive array's first {@value #MAX_PRIMITIVE_BYTES} bytes at most. */
  record PrimitiveArray(BasicType type, int length, byte[] bytes) implements Contents {}

  private DumpObjects() {}

  /** The contents of {@code ids} (those the dump holds) after one pass over {@code dump}. */
  static LongObjectMap<Contents> read(Path dump, Collection<Long> ids) throws IOException {
    LongObjectMap<Boolean> wanted = new LongObjectMap<>(Math.max(4, ids.size()));
    for (long id : ids) {
      wanted.put(id, Boolean.TRUE);
    }
    LongObjectMap<Contents> found = new LongObjectMap<>(Math.max(4, ids.size()));
    try (HprofInput input = HprofInput.open(dump)) {
      int idSize = input.header().idSize();
      input.read(
          new HprofListener() {
            @Override
            public boolean wantsStrings() {
              return false;
            }

            @Override
            public void onInstanceDump(long id, long classId, int length, RecordReader body)
                throws IOException {
              if (wanted.get(id) != null) {
                byte[] fields = new byte[length];
                body.readFully(fields, 0, length);
                found.put(id, new Instance(classId, fields));
              }
            }

            @Override
            public void onObjectArrayDump(long id, long classId, int length, RecordReader body)
                throws IOException {
              if (wanted.get(id) != null) {
                long[] elements = new long[length];
                for (int i = 0; i < length; i++) {
                  elements[i] = body.readId();
                }
                found.put(id, new ObjectArray(classId, elements));
              }
            }

            @Override
            public void onPrimitiveArrayDump(long id, BasicType type, int length, RecordReader body)
                throws IOException {
              if (wanted.get(id) != null) {
                int bytes = (int) Math.min((long) length * type.size(idSize), MAX_PRIMITIVE_BYTES);
                byte[] data = new byte[bytes];
                body.readFully(data, 0, bytes);
                found.put(id, new PrimitiveArray(type, length, data));
              }
            }
          });
    }
    return found;
  }
}
