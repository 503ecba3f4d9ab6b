package io.heapfleet.endpoint;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * Dumps through {@code com.sun.management.HotSpotDiagnosticMXBean#dumpHeap}, the portable way into
 * HotSpot (and OpenJ9, which implements the same MBean). The MBean is looked up reflectively so
 * that a JVM without it answers 503 instead of failing to load this class. The JVM is paused for
 * the whole dump. Thread-safe.
 */
public final class HotSpotHeapDumper implements HeapDumper {

  private static final String MXBEAN = "com.sun.management.HotSpotDiagnosticMXBean";

  private final Object bean;
  private final Method dumpHeap;

  /**
   * Looks the MBean up.
   *
   * @throws HeapDumpUnavailableException when this JVM has no HotSpot diagnostic MBean
   */
  public HotSpotHeapDumper() {
    try {
      @SuppressWarnings("unchecked")
      Class<? extends PlatformManagedObject> type =
          (Class<? extends PlatformManagedObject>) Class.forName(MXBEAN);
      this.bean = ManagementFactory.getPlatformMXBean(type);
      this.dumpHeap = type.getMethod("dumpHeap", String.class, boolean.class);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new HeapDumpUnavailableException("this JVM has no " + MXBEAN + ": " + e, e);
    }
    if (bean == null) {
      throw new HeapDumpUnavailableException("this JVM has no " + MXBEAN);
    }
  }

  @Override
  public void dumpHeap(Path file, boolean live) throws IOException {
    try {
      dumpHeap.invoke(bean, file.toAbsolutePath().toString(), live);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof UnsupportedOperationException) {
        throw new HeapDumpUnavailableException("this JVM refused to dump: " + cause, cause);
      }
      throw new IOException("dumpHeap failed: " + cause, cause);
    } catch (IllegalAccessException e) {
      throw new HeapDumpUnavailableException("cannot call dumpHeap: " + e, e);
    }
  }
}
