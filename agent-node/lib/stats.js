'use strict';

/**
 * Cheap heap figures for `/heapdump/stats`, which pause nothing: what adaptive capture watches
 * between snapshots. GC counts and time come from a `perf_hooks` observer of 'gc' entries (it
 * keeps nothing alive); the old space's use right after the last major GC is sampled when that
 * GC is reported, the figure that separates garbage from what survives.
 */

const v8 = require('v8');
const { PerformanceObserver, constants } = require('perf_hooks');

const MAJOR = constants.NODE_PERFORMANCE_GC_MAJOR;

/** Counts GCs; one per endpoint. `stop()` disconnects the observer. */
class GcWatch {
  constructor() {
    this.count = 0;
    this.majorCount = 0;
    this.timeMs = 0;
    this.oldSpaceUsedAfterGc = null;
    this.lastMajorGcAt = null;
    try {
      this.observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          this.count++;
          this.timeMs += e.duration;
          const kind = e.detail ? e.detail.kind : e.kind;
          if (kind === MAJOR) {
            this.majorCount++;
            this.lastMajorGcAt = Date.now();
            this.oldSpaceUsedAfterGc = oldSpace().space_used_size;
          }
        }
      });
      this.observer.observe({ entryTypes: ['gc'] });
    } catch {
      // A runtime without GC entries still serves the other figures.
      this.observer = null;
    }
  }

  stop() {
    if (this.observer) this.observer.disconnect();
  }
}

function oldSpace() {
  return (
    v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space') || {
      space_used_size: 0,
      space_size: 0,
      space_available_size: 0,
    }
  );
}

/** The stats document (docs/node.md, "/heapdump/stats"). */
function stats(taskId, gc, nowMs) {
  const heap = v8.getHeapStatistics();
  const old = oldSpace();
  const mem = process.memoryUsage();
  return {
    taskId,
    runtime: 'node',
    node: process.version,
    time: new Date(nowMs).toISOString(),
    uptimeMs: Math.round(process.uptime() * 1000),
    heapUsed: heap.used_heap_size,
    heapCommitted: heap.total_heap_size,
    heapMax: heap.heap_size_limit,
    oldGenUsed: old.space_used_size,
    oldGenCommitted: old.space_size,
    oldGenUsedAfterGc: gc ? gc.oldSpaceUsedAfterGc : null,
    lastMajorGcAt: gc && gc.lastMajorGcAt ? new Date(gc.lastMajorGcAt).toISOString() : null,
    gcCount: gc ? gc.count : null,
    majorGcCount: gc ? gc.majorCount : null,
    gcTimeMs: gc ? Math.round(gc.timeMs) : null,
    rss: mem.rss,
    external: mem.external,
    arrayBuffers: mem.arrayBuffers,
  };
}

module.exports = { GcWatch, stats };
