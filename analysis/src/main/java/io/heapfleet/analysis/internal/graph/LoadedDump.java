package io.heapfleet.analysis.internal.graph;

import io.heapfleet.analysis.histogram.SizeModel;
import java.time.Instant;

/**
 * A heap graph loaded from a dump, with the dump's class schema and facts about the load.
 *
 * @param graph the object graph (close it to delete spilled temp files)
 * @param schema field layouts and statics per class
 * @param sizeModel the object size model detected from the dump
 * @param timestamp when the dump was written (HPROF header)
 * @param hprofBytes (decompressed) bytes read
 */
public record LoadedDump(
    HeapGraph graph, DumpSchema schema, SizeModel sizeModel, Instant timestamp, long hprofBytes)
    implements AutoCloseable {
  @Override
  public void close() {
    graph.close();
  }
}
