package io.heapfleet.analysis.json;

import io.heapfleet.analysis.diff.DiffResult;
import io.heapfleet.analysis.retainer.RetainedDiff;
import java.util.List;

/**
 * A diff JSON document read back ({@link AnalysisJson#readDiff}): the histogram diff and the
 * retained-size deltas written with it (empty when the diff had none). Immutable.
 */
public record DiffDocument(DiffResult diff, List<RetainedDiff.Delta> retained) {
  public DiffDocument {
    retained = List.copyOf(retained);
  }
}
