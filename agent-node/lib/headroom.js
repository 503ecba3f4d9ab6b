'use strict';

/**
 * Whether this process can afford a heap snapshot now. V8 builds the snapshot's graph outside
 * the JavaScript heap and serialises it to JSON (in memory, or to a file in HEAPFLEET_TEMP_DIR):
 * both cost memory and, for the file, disk, in proportion to the heap in use. The probes are
 * functions so tests can force a 507 without exhausting a machine.
 */

const fs = require('fs');
const os = require('os');

/** Bytes of memory this process may still take: the lower of free RAM and the cgroup's room. */
function availableMemory() {
  let free = os.freemem();
  const cg = cgroupRoom();
  if (cg !== null) free = Math.min(free, cg);
  return free;
}

function readNumber(file) {
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t === 'max' || !/^\d+$/.test(t)) return null;
    return Number(t);
  } catch {
    return null;
  }
}

/** Room left under the container's memory limit (cgroup v2, else v1), or null when unlimited. */
function cgroupRoom() {
  const v2Limit = readNumber('/sys/fs/cgroup/memory.max');
  if (v2Limit !== null) {
    const used = readNumber('/sys/fs/cgroup/memory.current');
    return used === null ? null : Math.max(0, v2Limit - used);
  }
  const v1Limit = readNumber('/sys/fs/cgroup/memory/memory.limit_in_bytes');
  // v1 reports "no limit" as a huge number (page-rounded LONG_MAX).
  if (v1Limit !== null && v1Limit < 2 ** 60) {
    const used = readNumber('/sys/fs/cgroup/memory/memory.usage_in_bytes');
    return used === null ? null : Math.max(0, v1Limit - used);
  }
  return null;
}

/** Free bytes for an unprivileged writer in `dir`, or null when the runtime cannot tell. */
function availableDisk(dir) {
  if (typeof fs.statfsSync !== 'function') return null;
  const s = fs.statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

module.exports = { availableMemory, availableDisk, cgroupRoom };
