'use strict';

/**
 * Taking a V8 heap snapshot for one response. V8 blocks the event loop twice: while it builds
 * the snapshot's graph (`getHeapSnapshot()`), and while it serialises the whole graph to JSON on
 * the stream's first read. Both happen here, before the response's headers, so the pause and the
 * snapshot's exact size are known and sent as headers; afterwards the JSON only streams out.
 *
 * Two places for the JSON: a temp file in HEAPFLEET_TEMP_DIR (default: `v8.writeHeapSnapshot`,
 * deleted on every path; measured shorter and lighter than memory for large heaps), or, with
 * HEAPFLEET_IN_MEMORY=true (read-only file systems), memory: the serialised chunks wait in the
 * stream's buffer and are freed as the client reads them.
 */

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const v8 = require('v8');

class SnapshotUnavailableError extends Error {}

function available() {
  return typeof v8.getHeapSnapshot === 'function' && typeof v8.writeHeapSnapshot === 'function';
}

function elapsedMs(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * A snapshot held in memory: `{stream, bytes, pauseMs, remove, cleanup}`. `remove()` frees what
 * outlives the stream (nothing here; the temp file below) and may run while the stream is still
 * being read; `cleanup()` also destroys the stream.
 */
function inMemory() {
  if (!available()) {
    throw new SnapshotUnavailableError('this runtime has no v8.getHeapSnapshot()');
  }
  const t0 = process.hrtime.bigint();
  const stream = v8.getHeapSnapshot();
  // The first read makes V8 serialise the whole snapshot into the stream's buffer, synchronously.
  stream.read(0);
  const pauseMs = elapsedMs(t0);
  const state = stream._readableState;
  const bytes = state && state.ended ? stream.readableLength : null;
  return { stream, bytes, pauseMs, remove: () => {}, cleanup: () => stream.destroy() };
}

/** A snapshot written to a temp file in `dir` first: `{stream, bytes, pauseMs, remove, cleanup}`. */
function inFile(dir, taskId) {
  if (!available()) {
    throw new SnapshotUnavailableError('this runtime has no v8.writeHeapSnapshot()');
  }
  const file = path.join(
    dir,
    `heapfleet-${taskId}-${crypto.randomBytes(6).toString('hex')}.heapsnapshot`
  );
  const remove = () => fs.rmSync(file, { force: true });
  let stream;
  try {
    const t0 = process.hrtime.bigint();
    v8.writeHeapSnapshot(file);
    const pauseMs = elapsedMs(t0);
    const bytes = fs.statSync(file).size;
    stream = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
    return {
      stream,
      bytes,
      pauseMs,
      file,
      // The file may go while it is still read: the open descriptor keeps its bytes.
      remove,
      cleanup: () => {
        stream.destroy();
        remove();
      },
    };
  } catch (e) {
    if (stream) stream.destroy();
    remove();
    throw e;
  }
}

module.exports = { inMemory, inFile, available, SnapshotUnavailableError };
