package io.heapfleet.analysis.histogram;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Unmaps a {@link java.nio.MappedByteBuffer} at once through {@code sun.misc.Unsafe.invokeCleaner}
 * (module {@code jdk.unsupported}, open on every JDK 9+). Without it a window is unmapped only when
 * the GC collects it, and a scan of a multi-GB file could keep GBs of mapped pages in the resident
 * set. Where the method is missing, {@link #unmap} does nothing and the GC frees windows. Stateless
 * and thread-safe.
 */
final class Unmapper {
  private static final MethodHandle INVOKE_CLEANER = find();

  private Unmapper() {}

  private static MethodHandle find() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      Field field = unsafeClass.getDeclaredField("theUnsafe");
      field.setAccessible(true);
      Object unsafe = field.get(null);
      return MethodHandles.lookup()
          .findVirtual(
              unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(unsafe);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** Whether windows are unmapped at once (otherwise at GC). */
  static boolean available() {
    return INVOKE_CLEANER != null;
  }

  /** Unmaps {@code mapped}, a buffer returned by {@code FileChannel.map}; never touch it again. */
  static void unmap(ByteBuffer mapped) {
    if (INVOKE_CLEANER == null) {
      return;
    }
    try {
      INVOKE_CLEANER.invokeExact(mapped);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("cannot unmap a file window", t);
    }
  }
}
