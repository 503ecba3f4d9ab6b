'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { fromEnvironment, describe, parseDuration, parseSize, SettingsError } = require('../lib/settings');

const SECRET = 'correct-horse-battery-staple-0123456789';

test('defaults match the JVM agent', () => {
  const s = fromEnvironment({ HEAPFLEET_SECRET: SECRET });
  assert.equal(s.port, 9091);
  assert.equal(s.bind, '0.0.0.0');
  assert.equal(s.scope, 'heapdump');
  assert.equal(s.minIntervalMs, 30_000);
  assert.equal(s.diskReserve, 64 * 2 ** 20);
  assert.equal(s.format, 'gzip');
  assert.equal(s.hourlyToken, 'accept');
  assert.equal(s.tempDir, os.tmpdir());
  assert.equal(s.inMemory, false);
  assert.equal(s.taskId, undefined);
  assert.deepEqual(s.secret, Buffer.from(SECRET));
});

test('every setting from its environment variable; overrides win', () => {
  const s = fromEnvironment(
    {
      HEAPFLEET_SECRET: SECRET,
      HEAPFLEET_PORT: '0',
      HEAPFLEET_BIND: '127.0.0.1',
      HEAPFLEET_SCOPE: 'ops',
      HEAPFLEET_TASK_ID: 'web-1',
      HEAPFLEET_MIN_INTERVAL: '5m',
      HEAPFLEET_TEMP_DIR: '/data/tmp',
      HEAPFLEET_IN_MEMORY: 'yes',
      HEAPFLEET_DISK_RESERVE: '1GB',
      HEAPFLEET_MEMORY_RESERVE: '32MB',
      HEAPFLEET_MEMORY_FACTOR: '4.5',
      HEAPFLEET_FORMAT: 'raw',
      HEAPFLEET_ECS_TIMEOUT: '500ms',
      HEAPFLEET_STALL_TIMEOUT: 'PT2M',
      HEAPFLEET_HOURLY_TOKEN: 'refuse',
    },
    { taskId: 'override-1' }
  );
  assert.equal(s.port, 0);
  assert.equal(s.bind, '127.0.0.1');
  assert.equal(s.scope, 'ops');
  assert.equal(s.taskId, 'override-1');
  assert.equal(s.minIntervalMs, 300_000);
  assert.equal(s.tempDir, '/data/tmp');
  assert.equal(s.inMemory, true);
  assert.equal(s.diskReserve, 2 ** 30);
  assert.equal(s.memoryReserve, 32 * 2 ** 20);
  assert.equal(s.memoryFactor, 4.5);
  assert.equal(s.format, 'raw');
  assert.equal(s.ecsTimeoutMs, 500);
  assert.equal(s.stallTimeoutMs, 120_000);
  assert.equal(s.hourlyToken, 'refuse');
});

test('durations and sizes', () => {
  assert.equal(parseDuration('X', '30'), 30_000);
  assert.equal(parseDuration('X', '1h'), 3_600_000);
  assert.equal(parseDuration('X', 'PT1M30S'), 90_000);
  assert.equal(parseDuration('X', '0'), 0);
  assert.equal(parseSize('X', '1048576'), 1048576);
  assert.equal(parseSize('X', '2kb'), 2048);
  assert.equal(parseSize('X', '64MiB'), 64 * 2 ** 20);
  assert.equal(parseSize('X', '2gib'), 2 * 2 ** 30);
  assert.equal(parseSize('X', '5B'), 5);
  assert.throws(() => parseDuration('HEAPFLEET_MIN_INTERVAL', '-5s'), /HEAPFLEET_MIN_INTERVAL: '-5s' is not a duration/);
  assert.throws(() => parseSize('HEAPFLEET_DISK_RESERVE', 'lots'), /HEAPFLEET_DISK_RESERVE: 'lots' is not a size/);
});

test('bad values are refused naming the setting and the value', () => {
  const bad = {
    HEAPFLEET_PORT: ['70000', /HEAPFLEET_PORT: '70000' is not a port/],
    HEAPFLEET_FORMAT: ['brotli', /HEAPFLEET_FORMAT: 'brotli' is not gzip, zstd or raw/],
    HEAPFLEET_MEMORY_FACTOR: ['lots', /HEAPFLEET_MEMORY_FACTOR: 'lots' is not a factor/],
    HEAPFLEET_HOURLY_TOKEN: ['maybe', /HEAPFLEET_HOURLY_TOKEN: 'maybe' is not accept or refuse/],
    HEAPFLEET_TASK_ID: ['bad id', /HEAPFLEET_TASK_ID: 'bad id' may only contain/],
    HEAPFLEET_ALLOW_WEAK_SECRET: ['perhaps', /HEAPFLEET_ALLOW_WEAK_SECRET: 'perhaps' is not true or false/],
  };
  for (const [name, [value, message]] of Object.entries(bad)) {
    assert.throws(() => fromEnvironment({ HEAPFLEET_SECRET: SECRET, [name]: value }), (e) => e instanceof SettingsError && message.test(e.message), name);
  }
});

test('the secret: env, else file (one trailing newline ignored); weak ones refused unless allowed; never in a message', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapfleet-secret-'));
  try {
    const file = path.join(dir, 'secret');
    fs.writeFileSync(file, `${SECRET}\n`);
    assert.deepEqual(fromEnvironment({ HEAPFLEET_SECRET_FILE: file }).secret, Buffer.from(SECRET));
    assert.deepEqual(fromEnvironment({ HEAPFLEET_SECRET: 'env-wins-'.repeat(4), HEAPFLEET_SECRET_FILE: file }).secret, Buffer.from('env-wins-'.repeat(4)));
    assert.throws(() => fromEnvironment({}), /no secret configured: set HEAPFLEET_SECRET or HEAPFLEET_SECRET_FILE/);
    assert.throws(() => fromEnvironment({ HEAPFLEET_SECRET_FILE: path.join(dir, 'missing') }), /does not exist/);
    fs.writeFileSync(file, '\n');
    assert.throws(() => fromEnvironment({ HEAPFLEET_SECRET_FILE: file }), /is empty/);
    const weak = 'hunter2-short';
    assert.throws(
      () => fromEnvironment({ HEAPFLEET_SECRET: weak }),
      (e) => /too weak: 13 bytes, at least 32/.test(e.message) && !e.message.includes(weak)
    );
    assert.deepEqual(fromEnvironment({ HEAPFLEET_SECRET: weak, HEAPFLEET_ALLOW_WEAK_SECRET: 'true' }).secret, Buffer.from(weak));
    const s = fromEnvironment({ HEAPFLEET_SECRET: SECRET });
    assert.ok(!describe(s).includes(SECRET));
    assert.match(describe(s), /secret=\(39 bytes\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
