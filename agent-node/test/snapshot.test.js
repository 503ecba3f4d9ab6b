'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { Readable } = require('stream');
const zlib = require('zlib');
const c = require('../lib/credentials');
const { processLock } = require('../lib/endpoint');
const snapshot = require('../lib/snapshot');
const { SnapshotUnavailableError } = snapshot;
const { SECRET, TASK, clock, agent, get, json } = require('../testing/helpers');

const KEY = Buffer.from(SECRET, 'utf8');
const NOW = '2026-11-22T01:37:00.000Z';
const auth = () => ({ Authorization: `HeapDump ${c.hourlyToken(KEY, 'heapdump', Date.parse(NOW))}` });

class Marker {
  constructor(i) {
    this.i = i;
  }
}

async function withAgent(options, fn) {
  const a = await agent({ now: clock(NOW), ...options });
  try {
    await fn(a);
  } finally {
    await a.close();
    assert.equal(processLock.held, false, 'the snapshot lock is released');
  }
}

function checkSnapshot(buf) {
  const snap = JSON.parse(buf.toString('utf8'));
  assert.ok(Array.isArray(snap.snapshot.meta.node_fields));
  assert.ok(snap.nodes.length > 0 && snap.nodes.length % snap.snapshot.meta.node_fields.length === 0);
  assert.ok(snap.strings.includes('Marker'));
  return snap;
}

test('200: a real V8 snapshot streamed through gzip, with the protocol headers', async () => {
  global.markers = Array.from({ length: 10 }, (_, i) => new Marker(i));
  await withAgent({}, async (a) => {
    const r = await get(`${a.url}/heapdump`, { headers: auth() });
    assert.equal(r.status, 200);
    const h = r.headers;
    assert.equal(h['content-type'], 'application/gzip');
    assert.equal(h['content-disposition'], `attachment; filename="${TASK}-20261122T013700Z.heapsnapshot.gz"`);
    assert.equal(h['cache-control'], 'no-store');
    assert.equal(h['x-heapdump-task'], TASK);
    assert.equal(h['x-heapdump-cluster'], 'prod');
    assert.equal(h['x-heapdump-service'], 'web');
    assert.equal(h['x-heapdump-family'], 'web-task');
    assert.equal(h['x-heapdump-revision'], '42');
    assert.equal(h['x-heapdump-runtime'], 'node');
    assert.equal(h['x-heapdump-node'], process.version);
    assert.equal(h['x-heapdump-format'], 'gzip');
    assert.equal(h['x-heapdump-live'], 'true');
    assert.equal(h['x-heapdump-time'], NOW);
    assert.match(h['x-heapdump-heap-used'], /^\d+$/);
    assert.match(h['x-heapdump-pause-ms'], /^\d+$/);
    assert.equal(h['x-heapdump-duration-ms'], h['x-heapdump-pause-ms']);
    assert.equal(h['content-length'], undefined);
    assert.equal(h['transfer-encoding'], 'chunked');
    const raw = zlib.gunzipSync(r.body);
    assert.equal(String(raw.length), h['x-heapdump-snapshot-bytes']);
    checkSnapshot(raw);
    assert.match(a.lines.join('\n'), new RegExp(`status=200 outcome=ok bytes=${r.body.length} .*auth=hourly task=${TASK} format=gzip`));
  });
});

test('200: format=raw has Content-Length; zstd is zstd where the runtime has it, else gzip and says so', async () => {
  await withAgent({}, async (a) => {
    const r = await get(`${a.url}/heapdump?format=raw&live=false`, { headers: auth() });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/octet-stream');
    assert.equal(r.headers['content-length'], String(r.body.length));
    assert.equal(r.headers['x-heapdump-snapshot-bytes'], String(r.body.length));
    assert.match(r.headers['content-disposition'], /\.heapsnapshot"$/);
    checkSnapshot(r.body);
    const z = await get(`${a.url}/heapdump?format=zstd`, { headers: auth() });
    assert.equal(z.status, 200);
    if (typeof zlib.zstdDecompressSync === 'function') {
      assert.equal(z.headers['x-heapdump-format'], 'zstd');
      checkSnapshot(zlib.zstdDecompressSync(z.body));
    } else {
      assert.equal(z.headers['x-heapdump-format'], 'gzip');
      assert.match(z.headers['content-disposition'], /\.heapsnapshot\.gz"$/);
      checkSnapshot(zlib.gunzipSync(z.body));
    }
  });
});

test('by default the snapshot goes through a temp file in HEAPFLEET_TEMP_DIR, deleted afterwards', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapfleet-test-'));
  try {
    await withAgent({ env: { HEAPFLEET_TEMP_DIR: dir } }, async (a) => {
      const r = await get(`${a.url}/heapdump`, { headers: auth() });
      assert.equal(r.status, 200);
      checkSnapshot(zlib.gunzipSync(r.body));
      assert.deepEqual(fs.readdirSync(dir), []);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A snapshot the test feeds by hand: it holds the lock until the test ends it. */
function heldSnapshot() {
  const stream = new Readable({ read() {} });
  let cleaned = 0;
  return {
    stream,
    take: () => ({ stream, bytes: null, pauseMs: 3, cleanup: () => cleaned++ }),
    cleaned: () => cleaned,
  };
}

test('429 busy while a snapshot streams, with Retry-After; free again once it ends', async () => {
  const held = heldSnapshot();
  await withAgent({ takeSnapshot: held.take }, async (a) => {
    const first = new Promise((resolve) => {
      http.get(`${a.url}/heapdump?format=raw`, { headers: auth(), agent: false }, (res) => {
        const chunks = [];
        res.on('data', (ch) => chunks.push(ch));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      });
    });
    held.stream.push('{"partial":');
    while (!processLock.held) await new Promise((r) => setImmediate(r));
    const busy = await get(`${a.url}/heapdump`, { headers: auth() });
    assert.equal(busy.status, 429);
    assert.match(busy.headers['retry-after'], /^\d+$/);
    assert.equal(busy.headers['x-heapdump-task'], TASK);
    assert.equal(json(busy).error, 'busy');
    held.stream.push('1}');
    held.stream.push(null);
    assert.deepEqual(await first, { status: 200, body: '{"partial":1}' });
    assert.equal(held.cleaned(), 1);
  });
});

test('429 too_soon within HEAPFLEET_MIN_INTERVAL, Retry-After = seconds left; a refusal does not reset it', async () => {
  const now = clock(NOW);
  await withAgent({ now, env: { HEAPFLEET_MIN_INTERVAL: '30s' } }, async (a) => {
    assert.equal((await get(`${a.url}/heapdump`, { headers: auth() })).status, 200);
    now.advance(10_500);
    let r = await get(`${a.url}/heapdump`, { headers: auth() });
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '20');
    assert.equal(json(r).error, 'too_soon');
    now.advance(19_500);
    r = await get(`${a.url}/heapdump?format=raw`, { headers: auth() });
    assert.equal(r.status, 200);
  });
});

test('507 when memory headroom is too small, naming the figures; no snapshot taken', async () => {
  await withAgent(
    { availableMemory: () => 10 * 2 ** 20, heapUsed: () => 100 * 2 ** 20, takeSnapshot: () => assert.fail('no snapshot') },
    async (a) => {
      const r = await get(`${a.url}/heapdump`, { headers: auth() });
      assert.equal(r.status, 507);
      assert.equal(json(r).error, 'insufficient_storage');
      assert.match(json(r).message, /not enough free memory .*heap in use 100 MiB x 10 = 1000 MiB \+ reserve 64 MiB > free 10 MiB/);
      assert.equal(r.headers['x-heapdump-task'], TASK);
    }
  );
});

test('HEAPFLEET_IN_MEMORY=true: the JSON never touches the disk, and the memory rule counts it (11x)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapfleet-test-'));
  try {
    await withAgent({ env: { HEAPFLEET_TEMP_DIR: dir, HEAPFLEET_IN_MEMORY: 'true' } }, async (a) => {
      const files = await new Promise((resolve, reject) => {
        http.get(`${a.url}/heapdump`, { headers: auth(), agent: false }, (res) => {
          const seen = fs.readdirSync(dir);
          const chunks = [];
          res.on('data', (ch) => chunks.push(ch));
          res.on('end', () => {
            checkSnapshot(zlib.gunzipSync(Buffer.concat(chunks)));
            resolve(seen);
          });
        }).on('error', reject);
      });
      assert.deepEqual(files, []);
    });
    await withAgent(
      { env: { HEAPFLEET_IN_MEMORY: 'true' }, availableMemory: () => 10 * 2 ** 20, heapUsed: () => 100 * 2 ** 20 },
      async (a) => {
        const r = await get(`${a.url}/heapdump`, { headers: auth() });
        assert.equal(r.status, 507);
        assert.match(json(r).message, /x 11 = 1100 MiB/);
      }
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('507 when the temp dir has too little disk; the memory rule then leaves out the JSON', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapfleet-test-'));
  try {
    await withAgent(
      {
        env: { HEAPFLEET_TEMP_DIR: dir },
        // Enough memory for a snapshot through a temp file (10x), not for one in memory (11x).
        availableMemory: () => 1100 * 2 ** 20,
        availableDisk: () => 100 * 2 ** 20,
        heapUsed: () => 100 * 2 ** 20,
        takeSnapshot: () => assert.fail('no snapshot'),
      },
      async (a) => {
        const r = await get(`${a.url}/heapdump`, { headers: auth() });
        assert.equal(r.status, 507);
        assert.match(json(r).message, /about 200 MiB \+ reserve 64 MiB > free 100 MiB/);
        assert.match(json(r).message, new RegExp(`not enough free disk in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      }
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('HEAPFLEET_MEMORY_FACTOR sets the memory rule for heaps that differ from the measured shape', async () => {
  let taken = 0;
  await withAgent(
    {
      env: { HEAPFLEET_MEMORY_FACTOR: '2.5', HEAPFLEET_MEMORY_RESERVE: '0' },
      availableMemory: () => 260 * 2 ** 20,
      heapUsed: () => 100 * 2 ** 20,
      takeSnapshot: () => {
        taken++;
        throw new Error('taken');
      },
    },
    async (a) => {
      assert.equal((await get(`${a.url}/heapdump`, { headers: auth() })).status, 500);
      assert.equal(taken, 1);
    }
  );
});

test('503 when the runtime cannot take a snapshot; 500 when taking it fails; the lock is free after both', async () => {
  let fail = () => {
    throw new SnapshotUnavailableError('this runtime has no v8.getHeapSnapshot()');
  };
  await withAgent({ takeSnapshot: () => fail() }, async (a) => {
    let r = await get(`${a.url}/heapdump`, { headers: auth() });
    assert.equal(r.status, 503);
    assert.deepEqual(json(r), { error: 'unavailable', message: 'this runtime has no v8.getHeapSnapshot()' });
    fail = () => {
      throw new Error('ENOSPC: no space left on device');
    };
    r = await get(`${a.url}/heapdump`, { headers: auth() });
    assert.equal(r.status, 500);
    assert.equal(json(r).error, 'dump_failed');
    assert.match(json(r).message, /no space left/);
    assert.equal(processLock.held, false);
  });
});

test('a client that disconnects mid-stream releases the lock and the temp file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapfleet-test-'));
  // Enough heap that the compressed snapshot outgrows the socket buffers.
  global.ballast = Array.from({ length: 100_000 }, (_, i) => ({ i, s: `value-${i}-${Math.random()}` }));
  try {
    await withAgent({ env: { HEAPFLEET_TEMP_DIR: dir } }, async (a) => {
      await new Promise((resolve, reject) => {
        const req = http.get(`${a.url}/heapdump?format=raw`, { headers: auth(), agent: false }, (res) => {
          assert.equal(res.statusCode, 200);
          res.once('data', () => {
            assert.equal(fs.readdirSync(dir).length, 1, 'the temp file exists while streaming');
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e) => (e.code === 'ECONNRESET' ? resolve() : reject(e)));
      });
      while (processLock.held) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(fs.readdirSync(dir), []);
      const line = await waitFor(() => a.lines.find((l) => l.includes('status=200')));
      assert.match(line, /outcome=aborted\(/);
      assert.equal((await get(`${a.url}/heapdump?format=raw`, { headers: auth() })).status, 200);
    });
  } finally {
    delete global.ballast;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a client that stops reading is cut after HEAPFLEET_STALL_TIMEOUT, releasing the lock', async () => {
  const held = heldSnapshot();
  await withAgent({ takeSnapshot: held.take, env: { HEAPFLEET_STALL_TIMEOUT: '300ms' } }, async (a) => {
    const closed = new Promise((resolve) => {
      const req = http.get(`${a.url}/heapdump?format=raw`, { headers: auth(), agent: false }, (res) => {
        res.pause(); // never reads
        res.on('close', resolve);
        res.on('error', resolve);
      });
      req.on('error', resolve);
    });
    while (!processLock.held) await new Promise((r) => setImmediate(r));
    // Nothing more is sent and nothing read: the stall timer cuts the response.
    await closed;
    while (processLock.held) await new Promise((r) => setTimeout(r, 10));
    assert.equal(held.cleaned(), 1);
  });
});

test('the in-memory JSON is released after a complete response and after an aborted one', async () => {
  const taken = [];
  const take = () => {
    const snap = snapshot.inMemory();
    taken.push(snap.stream);
    return snap;
  };
  global.ballast = Array.from({ length: 50_000 }, (_, i) => ({ i, s: `value-${i}-${Math.random()}` }));
  try {
    await withAgent({ takeSnapshot: take }, async (a) => {
      assert.equal((await get(`${a.url}/heapdump`, { headers: auth() })).status, 200);
      await new Promise((resolve, reject) => {
        const req = http.get(`${a.url}/heapdump?format=raw`, { headers: auth(), agent: false }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e) => (e.code === 'ECONNRESET' ? resolve() : reject(e)));
      });
      while (processLock.held) await new Promise((r) => setTimeout(r, 10));
      assert.equal(taken.length, 2);
      for (const stream of taken) {
        assert.equal(stream.destroyed, true);
        assert.equal(stream.readableLength, 0, 'no buffered JSON is kept');
      }
    });
  } finally {
    delete global.ballast;
  }
});

async function waitFor(fn) {
  for (let i = 0; i < 500; i++) {
    const v = fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out waiting');
}
