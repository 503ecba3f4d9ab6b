package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The deep analysis (who holds the leak) the collector runs on a task's newest dump when its trend
 * turns {@code leaking}: downloaded from S3 to a temp file, analysed on one background thread (at
 * most one analysis at a time, never on a capture thread), stored as {@code deep.json} beside the
 * trend, and the trend rewritten with each suspect's owner, retained bytes and path.
 */
@ConfigMapping(prefix = "heapfleet.collector.deep")
public interface DeepConfig {

  /** Run the deep analysis when a task's trend is {@code leaking}. */
  @WithDefault("true")
  boolean enabled();

  /**
   * Dumps bigger than this as stored in S3 (compressed bytes) are not analysed deeply; the trend
   * then has no owners. A gzip dump is about a fifth to a tenth of the heap.
   */
  @WithDefault("536870912")
  long maxDumpBytes();

  /**
   * Megabytes of the collector's Java heap the graph and dominator arrays may use; beyond that they
   * spill to memory-mapped files in {@link #tempDir()}. When even the streaming build buffers do
   * not fit the heap the analysis stops with a clear log line (the needed {@code -Xmx}), never an
   * {@code OutOfMemoryError}.
   */
  @WithDefault("256")
  int heapBudgetMb();

  /** How many of the trend's top suspects to explain. */
  @WithDefault("5")
  int suspects();

  /**
   * Where the downloaded dump and spilled arrays go (deleted after each analysis); default {@code
   * java.io.tmpdir}. Needs room for the compressed dump plus, when spilling, the arrays.
   */
  Optional<String> tempDir();
}
