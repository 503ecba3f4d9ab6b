'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const zlib = require('zlib');
const c = require('../lib/credentials');
const { SECRET, TASK, clock, agent, get, json } = require('../testing/helpers');

const KEY = Buffer.from(SECRET, 'utf8');
const NOW = '2026-11-22T01:37:00.000Z';
const token = (iso = NOW) => c.hourlyToken(KEY, 'heapdump', Date.parse(iso));
const auth = (iso) => ({ Authorization: `HeapDump ${token(iso)}` });

async function withAgent(options, fn) {
  const a = await agent(options);
  try {
    await fn(a);
  } finally {
    await a.close();
  }
}

test('401 says nothing else: WWW-Authenticate, JSON error, no task header', async () => {
  await withAgent({ now: clock(NOW) }, async (a) => {
    for (const headers of [{}, { Authorization: 'HeapDump abc' }, { Authorization: `HeapDump ${'0'.repeat(64)}` }, { Authorization: 'Basic dXNlcjpwYXNz' }]) {
      const r = await get(`${a.url}/heapdump`, { headers });
      assert.equal(r.status, 401);
      assert.equal(r.headers['www-authenticate'], 'HeapDump');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['x-heapdump-task'], undefined);
      assert.deepEqual(json(r), { error: 'unauthorized', message: 'a valid token is required' });
    }
    const reasons = a.lines.filter((l) => l.includes('status=401')).map((l) => /reason=(\S+)/.exec(l)[1]);
    assert.deepEqual(reasons, ['missing', 'malformed', 'mismatch', 'unknown-scheme']);
  });
});

test('a token of another hour outside the windows gets 401; the previous hour within grace works', async () => {
  const now = clock('2026-11-22T02:04:00.000Z');
  await withAgent({ now }, async (a) => {
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: auth(NOW) })).status, 200);
    now.set('2026-11-22T02:05:00.000Z');
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: auth(NOW) })).status, 401);
    now.set('2026-11-22T02:58:30.000Z');
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: auth('2026-11-22T03:00:00.000Z') })).status, 200);
  });
});

test('404 for other paths, 405 for other methods (HEAD too), exact paths only', async () => {
  await withAgent({ now: clock(NOW) }, async (a) => {
    for (const p of ['/', '/heapdump/', '/x/heapdump', '/heapdump/identity/', '/heapdumpx', '/heapdump/other']) {
      const r = await get(a.url + p, { headers: auth() });
      assert.equal(r.status, 404, p);
      assert.equal(json(r).error, 'not_found');
    }
    for (const method of ['POST', 'HEAD', 'DELETE', 'PUT']) {
      const r = await get(`${a.url}/heapdump`, { method, headers: auth() });
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET');
      if (method !== 'HEAD') assert.equal(json(r).error, 'method_not_allowed');
    }
  });
});

test('421 names this task, before any credential is looked at, and takes no snapshot', async () => {
  let taken = 0;
  await withAgent({ now: clock(NOW), takeSnapshot: () => { taken++; throw new Error('no'); } }, async (a) => {
    for (const headers of [{}, auth()]) {
      const r = await get(`${a.url}/heapdump`, { headers: { ...headers, 'X-Heapdump-Target-Task': 'other-task' } });
      assert.equal(r.status, 421);
      assert.equal(r.headers['x-heapdump-task'], TASK);
      assert.equal(r.headers['x-heapdump-cluster'], undefined);
      assert.equal(json(r).error, 'misdirected');
      assert.equal(json(r).taskId, TASK);
    }
    const r = await get(`${a.url}/heapdump/identity`, { headers: { ...auth(), 'X-Heapdump-Target-Task': TASK } });
    assert.equal(r.status, 200);
    assert.equal(taken, 0);
  });
});

test('identity: the task, its ECS parts and the runtime', async () => {
  await withAgent({ now: clock(NOW) }, async (a) => {
    const r = await get(`${a.url}/heapdump/identity`, { headers: auth() });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-heapdump-task'], TASK);
    assert.equal(r.headers['x-heapdump-cluster'], 'prod');
    assert.equal(r.headers['x-heapdump-service'], 'web');
    assert.equal(r.headers['x-heapdump-family'], 'web-task');
    assert.equal(r.headers['x-heapdump-revision'], '42');
    assert.equal(r.headers['x-heapdump-runtime'], 'node');
    assert.equal(r.headers['x-heapdump-node'], process.version);
    assert.deepEqual(json(r), {
      taskId: TASK,
      cluster: 'prod',
      service: 'web',
      family: 'web-task',
      revision: '42',
      taskArn: `arn:aws:ecs:eu-west-1:111122223333:task/prod/${TASK}`,
      source: 'ecs',
      runtime: 'node',
      node: process.version,
    });
  });
});

test('stats: heap, old space, GC counts, RSS; without pausing anything', async () => {
  await withAgent({ now: clock(NOW) }, async (a) => {
    // Garbage until at least one GC has been reported.
    let junk = [];
    const first = json(await get(`${a.url}/heapdump/stats`, { headers: auth() }));
    for (let i = 0; i < 200 && json(await get(`${a.url}/heapdump/stats`, { headers: auth() })).gcCount === first.gcCount; i++) {
      junk = Array.from({ length: 50_000 }, (_, k) => ({ k }));
    }
    const r = await get(`${a.url}/heapdump/stats`, { headers: auth() });
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-heapdump-task'], TASK);
    const s = json(r);
    assert.equal(s.taskId, TASK);
    assert.equal(s.runtime, 'node');
    assert.equal(s.node, process.version);
    assert.equal(s.time, NOW);
    for (const k of ['heapUsed', 'heapCommitted', 'heapMax', 'oldGenUsed', 'oldGenCommitted', 'rss', 'uptimeMs', 'gcTimeMs', 'external']) {
      assert.equal(typeof s[k], 'number', k);
    }
    assert.ok(s.heapUsed > 0 && s.heapUsed <= s.heapCommitted && s.heapCommitted <= s.heapMax);
    assert.ok(s.oldGenUsed > 0 && s.oldGenUsed < s.heapUsed);
    assert.ok(s.rss > s.heapUsed);
    assert.ok(s.gcCount > first.gcCount, 'GCs are counted');
    assert.ok(junk.length > 0);
    // A full GC: the old space's use after it is sampled when the observer reports it.
    require('v8').setFlagsFromString('--expose-gc');
    const fullGc = require('vm').runInNewContext('gc');
    fullGc();
    let after = null;
    for (let i = 0; i < 100 && after === null; i++) {
      await new Promise((r) => setTimeout(r, 10));
      after = json(await get(`${a.url}/heapdump/stats`, { headers: auth() }));
      if (after.oldGenUsedAfterGc === null) after = null;
    }
    assert.ok(after, 'oldGenUsedAfterGc is reported after a major GC');
    assert.ok(after.oldGenUsedAfterGc > 0 && after.majorGcCount >= 1);
    assert.match(after.lastMajorGcAt, /^\d{4}-\d\d-\d\dT/);
  });
});

test('stats?gc=full: a full collection first, its figure at once; at most one per 10 s (429)', async () => {
  let now = Date.parse(NOW);
  await withAgent({ now: () => now }, async (a) => {
    assert.equal((await get(`${a.url}/heapdump/stats?gc=full`)).status, 401);
    let junk = Array.from({ length: 200_000 }, (_, k) => ({ k }));
    const r = await get(`${a.url}/heapdump/stats?gc=full`, { headers: auth() });
    assert.equal(r.status, 200);
    const s = json(r);
    assert.equal(s.gc.forced, true);
    assert.equal(typeof s.gc.pauseMs, 'number');
    assert.ok(s.oldGenUsedAfterGc > 0, 'the figure after the forced collection, at once');
    assert.equal(s.lastMajorGcAt === null, false);
    junk = null;
    now += 5_000;
    const again = await get(`${a.url}/heapdump/stats?gc=full`, { headers: auth() });
    assert.equal(again.status, 429);
    assert.equal(again.headers['retry-after'], '5');
    assert.equal(json(again).error, 'gc_too_soon');
    assert.equal((await get(`${a.url}/heapdump/stats`, { headers: auth() })).status, 200);
    assert.equal((await get(`${a.url}/heapdump/stats?gc=yes`, { headers: auth() })).status, 400);
    now += 5_000;
    assert.equal((await get(`${a.url}/heapdump/stats?gc=full`, { headers: auth() })).status, 200);
    assert.equal(junk, null);
  });
});

test('400 for an unknown format or live value, naming it', async () => {
  await withAgent({ now: clock(NOW) }, async (a) => {
    let r = await get(`${a.url}/heapdump?format=bzip2`, { headers: auth() });
    assert.equal(r.status, 400);
    assert.deepEqual(json(r), { error: 'bad_request', message: "format must be gzip, zstd or raw, was 'bzip2'" });
    for (const f of ['constructor', '__proto__', 'toString', 'GZIP']) {
      r = await get(`${a.url}/heapdump?format=${f}`, { headers: auth() });
      assert.equal(r.status, 400, f);
    }
    r = await get(`${a.url}/heapdump?live=maybe`, { headers: auth() });
    assert.equal(r.status, 400);
    assert.match(json(r).message, /live must be true or false, was 'maybe'/);
  });
});

test('?hash= works as in the original URL and is redacted from the log; no secret or token is logged', async () => {
  await withAgent({ now: clock(NOW) }, async (a) => {
    const r = await get(`${a.url}/heapdump/identity?hash=${token()}&x=1`);
    assert.equal(r.status, 200);
    await get(`${a.url}/heapdump/identity`, { headers: auth() });
    const all = a.lines.join('\n');
    assert.match(all, /request="GET \/heapdump\/identity\?hash=REDACTED&x=1" status=200 outcome=identity/);
    assert.ok(!all.includes(token()));
    assert.ok(!all.includes(SECRET));
  });
});

test('proof: HMAC over challenge, fresh nonce and task id; nothing else said; 400 without a good challenge', async () => {
  await withAgent({ now: clock(NOW) }, async (a) => {
    const challenge = '00112233445566778899aabbccddeeff';
    const r = await get(`${a.url}/heapdump/proof`, { headers: { 'X-Heapdump-Challenge': challenge } });
    assert.equal(r.status, 200);
    const p = json(r);
    assert.deepEqual(Object.keys(p), ['taskId', 'challenge', 'nonce', 'proof']);
    assert.equal(p.taskId, TASK);
    assert.equal(p.challenge, challenge);
    assert.match(p.nonce, /^[0-9a-f]{32}$/);
    assert.equal(p.proof, c.proof(KEY, challenge, p.nonce, TASK));
    assert.equal(r.headers['x-heapdump-cluster'], undefined);
    assert.equal(r.headers['x-heapdump-task'], undefined);
    const again = json(await get(`${a.url}/heapdump/proof`, { headers: { 'X-Heapdump-Challenge': challenge } }));
    assert.notEqual(again.nonce, p.nonce);
    for (const bad of [undefined, 'abc', challenge.toUpperCase(), '0'.repeat(65), `${challenge}\u0000`]) {
      const headers = bad === undefined ? {} : { 'X-Heapdump-Challenge': bad };
      let res;
      try {
        res = await get(`${a.url}/heapdump/proof`, { headers });
      } catch {
        continue; // node refuses to send a header with a NUL
      }
      assert.equal(res.status, 400, String(bad));
      assert.equal(json(res).error, 'bad_request');
    }
    const pinned = await get(`${a.url}/heapdump/proof`, { headers: { 'X-Heapdump-Challenge': challenge, 'X-Heapdump-Target-Task': 'other' } });
    assert.equal(pinned.status, 421);
  });
});

async function prove(a) {
  const p = json(await get(`${a.url}/heapdump/proof`, { headers: { 'X-Heapdump-Challenge': c.newNonce() } }));
  return { nonce: p.nonce, header: `HeapFleet-Capture ${p.nonce}.${c.capture(KEY, 'heapdump', TASK, p.nonce)}` };
}

test('capture credential: opens one request once, on its own task only', async () => {
  const now = clock(NOW);
  await withAgent({ now }, async (a) => {
    let cap = await prove(a);
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: cap.header } })).status, 200);
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: cap.header } })).status, 401);
    cap = await prove(a);
    assert.equal((await get(`${a.url}/heapdump/stats`, { headers: { Authorization: cap.header } })).status, 200);
    // Bound to the task: a capture computed for another task id is refused, and does not consume the nonce.
    cap = await prove(a);
    const other = `HeapFleet-Capture ${cap.nonce}.${c.capture(KEY, 'heapdump', 'other-task', cap.nonce)}`;
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: other } })).status, 401);
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: cap.header } })).status, 200);
    // A nonce this endpoint never issued, a malformed one, an expired one.
    const made = c.newNonce();
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: `HeapFleet-Capture ${made}.${c.capture(KEY, 'heapdump', TASK, made)}` } })).status, 401);
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: 'HeapFleet-Capture nonsense' } })).status, 401);
    cap = await prove(a);
    now.advance(120_000);
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: cap.header } })).status, 401);
    const reasons = a.lines.filter((l) => l.includes('status=401')).map((l) => /reason=(\S+)/.exec(l)[1]);
    assert.deepEqual(reasons, ['capture-mismatch-or-used', 'capture-mismatch-or-used', 'capture-mismatch-or-used', 'capture-malformed', 'capture-mismatch-or-used']);
  });
});

test('capture credential: consumed by a 429 too; a 421 does not consume it', async () => {
  const now = clock(NOW);
  await withAgent({ now, env: { HEAPFLEET_MIN_INTERVAL: '1h' } }, async (a) => {
    const first = await get(`${a.url}/heapdump`, { headers: auth() });
    assert.equal(first.status, 200);
    const cap = await prove(a);
    const misdirected = await get(`${a.url}/heapdump`, { headers: { Authorization: cap.header, 'X-Heapdump-Target-Task': 'other' } });
    assert.equal(misdirected.status, 421);
    const tooSoon = await get(`${a.url}/heapdump`, { headers: { Authorization: cap.header } });
    assert.equal(tooSoon.status, 429);
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: cap.header } })).status, 401);
  });
});

test('task token: opens identity and stats of its own task for the hour, never /heapdump', async () => {
  const now = clock(NOW);
  await withAgent({ now, takeSnapshot: () => assert.fail('no snapshot may be taken') }, async (a) => {
    const t = `HeapFleet-Task ${c.taskToken(KEY, 'heapdump', TASK, now())}`;
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: t } })).status, 200);
    assert.equal((await get(`${a.url}/heapdump/stats`, { headers: { Authorization: t } })).status, 200);
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: t } })).status, 200);
    assert.equal((await get(`${a.url}/heapdump`, { headers: { Authorization: t } })).status, 401);
    const other = `HeapFleet-Task ${c.taskToken(KEY, 'heapdump', 'other-task', now())}`;
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: other } })).status, 401);
    now.set('2026-11-22T02:06:00.000Z');
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: t } })).status, 401);
    const reasons = a.lines.filter((l) => l.includes('status=401')).map((l) => /reason=(\S+)/.exec(l)[1]);
    assert.deepEqual(reasons, ['task-token-is-read-only', 'task-mismatch', 'task-mismatch']);
  });
});

test('HEAPFLEET_HOURLY_TOKEN=refuse: the hourly token gets 401 everywhere, the proof still works', async () => {
  await withAgent({ now: clock(NOW), env: { HEAPFLEET_HOURLY_TOKEN: 'refuse' } }, async (a) => {
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: auth() })).status, 401);
    assert.equal((await get(`${a.url}/heapdump/identity?hash=${token()}`)).status, 401);
    assert.equal((await get(`${a.url}/heapdump`, { headers: auth() })).status, 401);
    const cap = await prove(a);
    assert.equal((await get(`${a.url}/heapdump/identity`, { headers: { Authorization: cap.header } })).status, 200);
    assert.ok(a.lines.some((l) => l.includes('reason=hourly-token-refused')));
  });
});
