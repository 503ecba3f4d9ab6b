package io.heapfleet.collector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * The deep analysis (who holds the leak, or what grows) the collector runs on a task's newest dump
 * when its trend is {@code leaking} or {@code inconclusive}: downloaded from S3 to a temp file,
 * analysed on one background thread (at most one analysis at a time, never on a capture thread),
 * stored as {@code deep.json} beside the trend, and the trend rewritten with each suspect's owner,
 * retained bytes and path.
 */
@ConfigMapping(prefix = "heapfleet.collector.deep")
public interface DeepConfig {

  /** Run the deep analysis when a task's trend is {@code leaking} or {@code inconclusive}. */
  @WithDefault("true")
  boolean enabled();

  /**
   * Dumps bigger than this as stored in S3 (compressed bytes) are not analysed deeply; the trend
   * then has no owners. A gzip dump is about a fifth to a tenth of the heap. Every stage of the
   * analysis spills to {@link #tempDir()} beyond {@link #heapBudgetMb()}, so this bounds disk and
   * time, not heap: 1 GiB covers heaps up to ~8 GB (the arithmetic is in {@code
   * docs/collector.md}).
   */
  @WithDefault("1073741824")
  long maxDumpBytes();

  /**
   * Megabytes of the collector's Java heap the analysis' arrays may use (the load's stream buffers,
   * the graph, the dominator tree); beyond that they spill to memory-mapped files in {@link
   * #tempDir()}. What stays on the heap besides is about a byte per object of the dump.
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
