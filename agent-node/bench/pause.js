'use strict';

/**
 * How long a V8 heap snapshot pauses a Node.js process, and what it costs, per heap size.
 *
 *   node bench/pause.js [--shape=sessions|blobs] [targetMB ...]   (default: sessions 100 200 400)
 *
 * For each target, a child process builds a heap shaped like a service's (sessions with unique
 * strings, small objects, arrays and Maps) until the V8 heap holds about that many MB, runs the
 * real agent on 127.0.0.1, and this script fetches `/heapdump` twice over HTTP: `format=raw`
 * (the physical cost: V8's pause, then copying the JSON bytes out) and `format=gzip` (the
 * default). It prints one Markdown table row per run: heap used, the pause (the agent's
 * X-Heapdump-Pause-Ms: getHeapSnapshot() plus serialisation, during which the event loop is
 * blocked), the pause per 100 MB of heap, the longest event-loop block the app saw, snapshot
 * size, time to last byte, bytes on the wire, and the child's peak RSS over its RSS before.
 * `--shape=blobs` fills the heap with fewer, larger objects (a 4 KB unique string each) instead,
 * to show how the memory a snapshot needs depends on the number of objects, not their bytes.
 */

const { spawn } = require('child_process');
const http = require('http');
const path = require('path');
const crypto = require('crypto');

const SECRET = crypto.randomBytes(32).toString('hex');
const REGISTER = path.join(__dirname, '..', 'register.js');

// The child: fill the heap, then report figures on request over IPC.
const CHILD = `
const target = Number(process.env.BENCH_TARGET_MB) * 2 ** 20;
const v8 = require('v8');
class Session {
  constructor(i) {
    this.id = 'session-' + i.toString(36) + '-' + Math.random().toString(36).slice(2);
    this.user = { name: 'user' + (i % 5000), email: 'u' + i + '@example.com', roles: ['reader', 'writer'] };
    this.createdAt = Date.now() - i;
    this.items = [i, i + 1, i + 2, { sku: 'sku-' + (i % 977), qty: i % 7 }];
    this.attributes = new Map([['locale', 'en'], ['ab', i % 2 ? 'a' : 'b'], ['ua', 'Mozilla/5.0 #' + (i % 331)]]);
    this.note = 'note for ' + i + ' ' + 'x'.repeat(64 + (i % 64));
  }
}
class Blob {
  constructor(i) {
    this.id = i;
    this.body = ('blob ' + i + ' ').padEnd(4096, String.fromCharCode(97 + (i % 26)));
  }
}
const Shape = process.env.BENCH_SHAPE === 'blobs' ? Blob : Session;
globalThis.sessions = [];
let i = 0;
while (v8.getHeapStatistics().used_heap_size < target) {
  for (let k = 0; k < 1000; k++) globalThis.sessions.push(new Shape(i++));
}
global.gc && global.gc();
// The longest event-loop block, measured by the app itself.
let last = process.hrtime.bigint();
let maxBlockMs = 0;
setInterval(() => {
  const now = process.hrtime.bigint();
  maxBlockMs = Math.max(maxBlockMs, Number(now - last) / 1e6 - 10);
  last = now;
}, 10);
process.on('message', (m) => {
  if (m === 'figures') {
    process.send({
      sessions: globalThis.sessions.length,
      heapUsed: v8.getHeapStatistics().used_heap_size,
      rss: process.memoryUsage().rss,
      maxRss: process.resourceUsage().maxRSS * 1024,
      cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
      maxBlockMs,
    });
    maxBlockMs = 0;
  }
});
process.send('ready');
`;

function figures(child) {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send('figures');
  });
}

function token() {
  const date = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
  return crypto.createHmac('sha256', SECRET).update(JSON.stringify({ date, value: 'heapdump' })).digest('hex');
}

function fetch(port, format) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(
      { host: '127.0.0.1', port, path: `/heapdump?format=${format}`, headers: { Authorization: `HeapDump ${token()}` }, agent: false },
      (res) => {
        let bytes = 0;
        res.on('data', (c) => (bytes += c.length));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            pauseMs: Number(res.headers['x-heapdump-pause-ms']),
            snapshotBytes: Number(res.headers['x-heapdump-snapshot-bytes']),
            heapUsed: Number(res.headers['x-heapdump-heap-used']),
            bytes,
            totalMs: Number(process.hrtime.bigint() - t0) / 1e6,
          })
        );
      }
    );
    req.on('error', reject);
  });
}

async function run(targetMb, format, tempDir, shape) {
  const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--require', REGISTER, '-e', CHILD], {
    env: {
      ...process.env,
      BENCH_TARGET_MB: String(targetMb),
      BENCH_SHAPE: shape,
      HEAPFLEET_SECRET: SECRET,
      HEAPFLEET_PORT: '0',
      HEAPFLEET_BIND: '127.0.0.1',
      HEAPFLEET_TASK_ID: `bench-${targetMb}`,
      HEAPFLEET_MIN_INTERVAL: '0',
      // The bench measures the cost; the headroom rule is not under test here.
      HEAPFLEET_MEMORY_RESERVE: '0',
      ...(tempDir ? { HEAPFLEET_TEMP_DIR: tempDir } : { HEAPFLEET_IN_MEMORY: 'true' }),
    },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  const port = await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /listening on [^:]+:(\d+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', () => reject(new Error(stderr)));
  });
  await new Promise((resolve) => child.once('message', resolve));
  try {
    // One snapshot per child: its peak RSS is then this snapshot's.
    const before = await figures(child);
    const r = await fetch(port, format);
    const after = await figures(child);
    if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
    return { before, after, r };
  } finally {
    child.kill();
  }
}

const MB = 2 ** 20;
const f1 = (x) => x.toFixed(1);

async function main() {
  const args = process.argv.slice(2);
  const shapeArg = args.find((a) => a.startsWith('--shape='));
  const shape = shapeArg ? shapeArg.slice('--shape='.length) : 'sessions';
  const targets = args.map(Number).filter((n) => n > 0);
  console.log(`heap shape: ${shape}; Node ${process.version}, ${require('os').cpus().length} CPUs, load ${require('os').loadavg().map(f1).join(' ')}`);
  console.log('');
  console.log('| heap used | format | JSON in | pause (V8) | pause per 100 MB heap | longest event-loop block | app CPU for the request | snapshot | time to last byte | bytes sent | ratio | peak RSS over RSS before |');
  console.log('| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const tmp = require('fs').mkdtempSync(path.join(require('os').tmpdir(), 'heapfleet-bench-'));
  for (const t of targets.length ? targets : [100, 200, 400]) {
    for (const [format, tempDir] of [['raw', null], ['gzip', null], ['gzip', tmp]]) {
      const { before, after, r } = await run(t, format, tempDir, shape);
      const heapMb = r.heapUsed / MB;
      console.log(
        `| ${f1(heapMb)} MB | ${format} | ${tempDir ? 'temp file' : 'memory'} | ${(r.pauseMs / 1000).toFixed(1)} s | ` +
          `${(r.pauseMs / 1000 / (heapMb / 100)).toFixed(1)} s | ${(after.maxBlockMs / 1000).toFixed(1)} s | ` +
          `${((after.cpuMs - before.cpuMs) / 1000).toFixed(1)} s | ${f1(r.snapshotBytes / MB)} MB | ` +
          `${(r.totalMs / 1000).toFixed(1)} s | ${f1(r.bytes / MB)} MB | ${f1(r.snapshotBytes / r.bytes)}x | ` +
          `${f1((after.maxRss - before.rss) / MB)} MB (${f1((after.maxRss - before.rss) / r.heapUsed)}x heap) |`
      );
    }
  }
  require('fs').rmSync(tmp, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
