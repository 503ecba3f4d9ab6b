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

/** The least time between two full collections run on request (`?gc=full`). */
const FORCED_GC_GAP_MS = 10_000;

let collect; // the runtime's gc function once looked up; null when it cannot be had

function gcFunction() {
  if (collect === undefined) {
    collect = null;
    if (typeof globalThis.gc === 'function') {
      collect = globalThis.gc;
    } else {
      try {
        // --expose-gc set at run time exposes gc() to contexts created afterwards.
        v8.setFlagsFromString('--expose-gc');
        const fn = require('vm').runInNewContext('gc');
        if (typeof fn === 'function') collect = fn;
      } catch {
        collect = null;
      }
    }
  }
  return collect;
}

/**
 * Runs a full (major) collection for `/heapdump/stats?gc=full`, at most one per 10 s: the cheap
 * way for a collector to tell old-space growth from garbage no major GC has removed yet. Returns
 * `{ ran, pauseMs }`, `{ tooSoonSeconds }` or `{ unavailable }`. It blocks the event loop for the
 * collection (a fraction of what a snapshot costs). The figure after it is recorded at once.
 */
function forceGc(watch, nowMs) {
  if (watch && watch.lastForcedAt !== undefined && nowMs - watch.lastForcedAt < FORCED_GC_GAP_MS) {
    return { tooSoonSeconds: Math.max(1, Math.ceil((watch.lastForcedAt + FORCED_GC_GAP_MS - nowMs) / 1000)) };
  }
  const fn = gcFunction();
  if (!fn) return { unavailable: 'this runtime exposes no gc function' };
  if (watch) watch.lastForcedAt = nowMs;
  const t0 = process.hrtime.bigint();
  fn();
  const pauseMs = Number((process.hrtime.bigint() - t0) / 1_000_000n);
  if (watch) {
    watch.oldSpaceUsedAfterGc = oldSpace().space_used_size;
    watch.lastMajorGcAt = Date.now();
  }
  return { ran: true, pauseMs };
}

module.exports = { GcWatch, stats, forceGc, FORCED_GC_GAP_MS };
