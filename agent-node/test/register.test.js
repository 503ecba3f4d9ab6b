'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const http = require('http');
const path = require('path');
const zlib = require('zlib');
const c = require('../lib/credentials');
const { SECRET, get, json } = require('../testing/helpers');

const REGISTER = path.join(__dirname, '..', 'register.js');
const KEY = Buffer.from(SECRET, 'utf8');

/** A child `node --require register.js -e <app>`; resolves the port once the agent listens. */
function run(app, env) {
  const child = spawn(process.execPath, ['--require', REGISTER, '-e', app], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  const port = new Promise((resolve, reject) => {
    const check = () => {
      const m = /listening on [^:]+:(\d+) as task (\S+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    };
    child.stderr.on('data', check);
    exited.then(() => reject(new Error(`exited before listening: ${stderr}`)));
  });
  port.catch(() => {});
  return { child, exited, port, stderr: () => stderr };
}

test('the preload never keeps the app alive: a short app exits by itself, status 0', async () => {
  const p = run("setTimeout(() => console.log('app done'), 300)", {
    HEAPFLEET_SECRET: SECRET,
    HEAPFLEET_PORT: '0',
    HEAPFLEET_BIND: '127.0.0.1',
    HEAPFLEET_TASK_ID: 'short-app',
  });
  assert.ok((await p.port) > 0);
  const { code, stdout, stderr } = await p.exited;
  assert.equal(code, 0);
  assert.equal(stdout, 'app done\n');
  assert.match(stderr, /listening on 127\.0\.0\.1:\d+ as task short-app/);
  assert.ok(!stderr.includes(SECRET));
});

test('installed as a package: NODE_OPTIONS="--require @heapfleet/agent/register" starts it', async () => {
  const fs = require('fs');
  const os = require('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapfleet-install-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules', '@heapfleet'), { recursive: true });
    fs.symlinkSync(path.join(__dirname, '..'), path.join(dir, 'node_modules', '@heapfleet', 'agent'), 'dir');
    const child = spawn(process.execPath, ['-e', "console.log(typeof require('@heapfleet/agent').middleware)"], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: '--require @heapfleet/agent/register',
        HEAPFLEET_SECRET: SECRET,
        HEAPFLEET_PORT: '0',
        HEAPFLEET_BIND: '127.0.0.1',
        HEAPFLEET_TASK_ID: 'installed',
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => child.on('exit', r));
    assert.equal(code, 0, err);
    assert.equal(out, 'function\n');
    assert.match(err, /listening on 127\.0\.0\.1:\d+ as task installed/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a misconfigured preload (no secret, taken port) logs one line and the app runs on', async () => {
  const blocker = http.createServer();
  await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
  try {
    for (const env of [{}, { HEAPFLEET_SECRET: SECRET, HEAPFLEET_PORT: String(blocker.address().port), HEAPFLEET_BIND: '127.0.0.1' }]) {
      const { code, stdout, stderr } = await run("console.log('app ran')", { HEAPFLEET_TASK_ID: 't1', ...env }).exited;
      assert.equal(code, 0);
      assert.equal(stdout, 'app ran\n');
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], /^heapfleet: the \/heapdump endpoint is NOT running: (no secret configured|.*EADDRINUSE)/);
    }
  } finally {
    await new Promise((r) => blocker.close(r));
  }
});

test('a real Node process: identity from local ECS metadata, a real snapshot, a real 507', async () => {
  const ecs = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ TaskARN: 'arn:aws:ecs:eu-west-1:1:task/prod/0123456789abcdef', Cluster: 'prod', Family: 'shop', Revision: '3' }));
  });
  await new Promise((r) => ecs.listen(0, '127.0.0.1', r));
  const app = 'class Basket { constructor(i) { this.i = i; } } globalThis.kept = Array.from({ length: 1000 }, (_, i) => new Basket(i)); setInterval(() => {}, 1000);';
  const base = {
    HEAPFLEET_SECRET: SECRET,
    HEAPFLEET_PORT: '0',
    HEAPFLEET_BIND: '127.0.0.1',
    ECS_CONTAINER_METADATA_URI_V4: `http://127.0.0.1:${ecs.address().port}/v4/x`,
  };
  const ok = run(app, base);
  const tight = run(app, { ...base, HEAPFLEET_MEMORY_RESERVE: '1000TB' });
  try {
    const token = { Authorization: `HeapDump ${c.hourlyToken(KEY, 'heapdump', Date.now())}` };
    const url = `http://127.0.0.1:${await ok.port}`;
    const id = json(await get(`${url}/heapdump/identity`, { headers: token }));
    assert.equal(id.taskId, '0123456789abcdef');
    assert.equal(id.family, 'shop');
    assert.equal(id.source, 'ecs');
    const r = await get(`${url}/heapdump`, { headers: token });
    assert.equal(r.status, 200);
    assert.match(r.headers['content-disposition'], /^attachment; filename="0123456789abcdef-\d{8}T\d{6}Z\.heapsnapshot\.gz"$/);
    assert.equal(r.headers['x-heapdump-cluster'], 'prod');
    const snap = JSON.parse(zlib.gunzipSync(r.body));
    assert.ok(snap.snapshot.meta.node_fields.includes('self_size'));
    assert.ok(snap.strings.includes('Basket'));
    const full = await get(`http://127.0.0.1:${await tight.port}/heapdump`, { headers: token });
    assert.equal(full.status, 507);
    assert.equal(json(full).error, 'insufficient_storage');
    assert.ok(!ok.stderr().includes(token.Authorization.slice(9)));
  } finally {
    ok.child.kill();
    tight.child.kill();
    await Promise.all([ok.exited, tight.exited]);
    await new Promise((r) => ecs.close(r));
  }
});
