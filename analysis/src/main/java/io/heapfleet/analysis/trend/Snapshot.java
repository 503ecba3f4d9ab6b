package io.heapfleet.analysis.trend;

import java.time.Instant;

/** One dump in a trend: when, and the heap's totals. Immutable. */
public record Snapshot(Instant timestamp, long shallowBytes, long instances) {}
