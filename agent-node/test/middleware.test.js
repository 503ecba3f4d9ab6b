'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const zlib = require('zlib');
const heapfleet = require('..');
const c = require('../lib/credentials');
const { processLock } = require('../lib/endpoint');
const { SECRET, TASK, get, json } = require('../testing/helpers');

const KEY = Buffer.from(SECRET, 'utf8');
const NOW = Date.parse('2026-11-22T01:37:00.000Z');
const hash = c.hourlyToken(KEY, 'heapdump', NOW);

function options(extra = {}) {
  const lines = [];
  return {
    lines,
    opts: {
      env: { HEAPFLEET_SECRET: SECRET, HEAPFLEET_MIN_INTERVAL: '0' },
      identity: { taskId: TASK, source: 'config', runtime: 'node', node: process.version },
      now: () => NOW,
      log: (l) => lines.push(l),
      ...extra,
    },
  };
}

async function serve(listener) {
  const server = http.createServer(listener);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** The application behind the middleware: answers every request it gets with its own body. */
function app(req, res) {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(`app ${req.method} ${req.url}`);
}

async function checkFrontDoor(url) {
  // The app keeps its routes, including ones that only look like ours.
  for (const p of ['/', '/orders?id=1', '/heapdump/', '/heapdumps', '/api/heapdump']) {
    const r = await get(url + p);
    assert.equal(r.status, 200, p);
    assert.equal(r.body.toString(), `app GET ${p}`);
  }
  assert.equal((await get(`${url}/heapdump`)).status, 401);
  assert.equal((await get(`${url}/heapdump`, { method: 'POST' })).status, 405);
  const id = await get(`${url}/heapdump/identity?hash=${hash}`);
  assert.equal(id.status, 200);
  assert.equal(json(id).taskId, TASK);
  const r = await get(`${url}/heapdump?hash=${hash}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers['x-heapdump-task'], TASK);
  assert.ok(JSON.parse(zlib.gunzipSync(r.body)).snapshot.meta);
  assert.equal(processLock.held, false);
}

test('plain http: wrap(listener) serves /heapdump on the app port, everything else reaches the app', async () => {
  const { lines, opts } = options();
  const listener = heapfleet.wrap(app, opts);
  const s = await serve(listener);
  try {
    await checkFrontDoor(s.url);
    assert.ok(!lines.join('\n').includes(hash), 'the original-style hash is redacted');
    assert.match(lines.join('\n'), /hash=REDACTED/);
  } finally {
    listener.endpoint.close();
    await s.close();
  }
});

test('Express shape: middleware(req, res, next) calls next() for the app, answers /heapdump itself', async () => {
  const { opts } = options();
  const mw = heapfleet.middleware(opts);
  let nexts = 0;
  // What Express does with app.use(mw): the same node req/res, and next() moves on to the routes.
  const s = await serve((req, res) =>
    mw(req, res, (err) => {
      assert.equal(err, undefined);
      nexts++;
      app(req, res);
    })
  );
  try {
    await checkFrontDoor(s.url);
    assert.equal(nexts, 5);
  } finally {
    mw.endpoint.close();
    await s.close();
  }
});

test('Koa shape: koa() sets ctx.respond = false on /heapdump and awaits next() otherwise', async () => {
  const { opts } = options();
  const mw = heapfleet.koa(opts);
  // What Koa does: ctx wraps node's req/res; after the middleware, Koa writes ctx.body unless
  // ctx.respond is false.
  const s = await serve(async (req, res) => {
    const ctx = { req, res, respond: true, body: undefined };
    await mw(ctx, async () => {
      ctx.body = `app ${req.method} ${req.url}`;
    });
    if (ctx.respond !== false) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(ctx.body);
    }
  });
  try {
    await checkFrontDoor(s.url);
  } finally {
    mw.endpoint.close();
    await s.close();
  }
});

test('a misconfigured middleware answers 503 on /heapdump, logs once, and the app runs on', async () => {
  const lines = [];
  const mw = heapfleet.middleware({ env: { HEAPFLEET_SECRET: 'too-short' }, log: (l) => lines.push(l) });
  const s = await serve((req, res) => mw(req, res, () => app(req, res)));
  try {
    assert.equal((await get(`${s.url}/orders`)).body.toString(), 'app GET /orders');
    const r = await get(`${s.url}/heapdump?hash=${hash}`);
    assert.equal(r.status, 503);
    assert.equal(json(r).error, 'unavailable');
    assert.match(json(r).message, /the secret is too weak/);
    assert.ok(!r.body.toString().includes('too-short'));
    await get(`${s.url}/heapdump`);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /the \/heapdump endpoint is NOT running: .*too weak: 9 bytes/);
    assert.ok(!lines[0].includes('too-short'));
  } finally {
    await s.close();
  }
});
