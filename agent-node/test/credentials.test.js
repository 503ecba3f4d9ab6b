'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const c = require('../lib/credentials');

const KEY = Buffer.from('correct-horse-battery-staple-0123456789', 'utf8');
const TASK = '158d1c8083dd49d6b527399fd6414f5c';
const CHALLENGE = '00112233445566778899aabbccddeeff';
const NONCE = 'ffeeddccbbaa99887766554433221100';
const HOUR = Date.parse('2026-11-22T01:00:00.000Z');

test('the hourly token matches the README test vector at any instant of the hour', () => {
  const expected = 'c2d3b91cf82856379d12de7df09b62721d94d38766b9f09af4da07c16f6e35cf';
  assert.equal(c.hourlyToken(KEY, 'heapdump', HOUR), expected);
  assert.equal(c.hourlyToken(KEY, 'heapdump', HOUR + 59 * 60_000 + 59_999), expected);
  assert.notEqual(c.hourlyToken(KEY, 'heapdump', HOUR + 60 * 60_000), expected);
});

test('the hourly message is the original one-liner: JSON.stringify of date and value', () => {
  const crypto = require('crypto');
  const original = crypto
    .createHmac('sha256', KEY)
    .update(JSON.stringify({ date: '2026-11-22T01:00:00.000Z', value: 'a"\\\n\u0001é' }))
    .digest('hex');
  assert.equal(c.hourlyToken(KEY, 'a"\\\n\u0001é', HOUR + 1234), original);
});

test('proof, capture and task token match the docs/proof.md test vectors', () => {
  assert.equal(
    c.proof(KEY, CHALLENGE, NONCE, TASK),
    '1e86f748c95cb12e94f0e82bf2b8cab174f3734e8d5b7f02c0399490544522a1'
  );
  assert.equal(
    c.capture(KEY, 'heapdump', TASK, NONCE),
    'c386205de42f25e0530aae3e36147415f56ebc3fd5896bb491615609ba957814'
  );
  assert.equal(
    c.taskToken(KEY, 'heapdump', TASK, HOUR + 37 * 60_000),
    'c647fc62a406105f9e85885b0be140f36ad804cb6485a60899d279e0cf52c32d'
  );
});

test('hourly windows: current hour, previous for 5 minutes after the turn, next 2 minutes before', () => {
  const token = c.hourlyToken(KEY, 'heapdump', HOUR);
  const at = (iso) => c.verifyHourlyToken(KEY, 'heapdump', token, Date.parse(iso));
  assert.equal(at('2026-11-22T01:00:00.000Z'), 'current');
  assert.equal(at('2026-11-22T01:59:59.999Z'), 'current');
  assert.equal(at('2026-11-22T02:04:59.999Z'), 'previous');
  assert.equal(at('2026-11-22T02:05:00.000Z'), 'mismatch');
  assert.equal(at('2026-11-22T00:58:00.000Z'), 'next');
  assert.equal(at('2026-11-22T00:57:59.999Z'), 'mismatch');
});

test('task token windows are the hourly ones, and bound to the task id', () => {
  const token = c.taskToken(KEY, 'heapdump', TASK, HOUR);
  assert.equal(c.verifyTaskToken(KEY, 'heapdump', TASK, token, HOUR + 60 * 60_000 + 4 * 60_000), 'previous');
  assert.equal(c.verifyTaskToken(KEY, 'heapdump', TASK, token, HOUR + 60 * 60_000 + 6 * 60_000), 'mismatch');
  assert.equal(c.verifyTaskToken(KEY, 'heapdump', TASK, token, HOUR - 60_000), 'next');
  assert.equal(c.verifyTaskToken(KEY, 'heapdump', 'other-task', token, HOUR), 'mismatch');
  assert.equal(c.verifyTaskToken(KEY, 'other-scope', TASK, token, HOUR), 'mismatch');
});

test('missing, malformed and uppercase tokens', () => {
  assert.equal(c.verifyHourlyToken(KEY, 'heapdump', undefined, HOUR), 'missing');
  assert.equal(c.verifyHourlyToken(KEY, 'heapdump', '  ', HOUR), 'missing');
  assert.equal(c.verifyHourlyToken(KEY, 'heapdump', 'abc', HOUR), 'malformed');
  assert.equal(c.verifyHourlyToken(KEY, 'heapdump', 'z'.repeat(64), HOUR), 'malformed');
  const upper = c.hourlyToken(KEY, 'heapdump', HOUR).toUpperCase();
  assert.equal(c.verifyHourlyToken(KEY, 'heapdump', upper, HOUR), 'current');
});

test('the rules for task ids, challenges and nonces', () => {
  assert.ok(c.isValidTaskId(TASK));
  assert.ok(c.isValidTaskId('a'.repeat(128)));
  assert.ok(!c.isValidTaskId('a'.repeat(129)));
  assert.ok(!c.isValidTaskId('bad id'));
  assert.ok(!c.isValidTaskId('x\r\ny'));
  assert.ok(c.isValidChallenge(CHALLENGE));
  assert.ok(c.isValidChallenge('0'.repeat(64)));
  assert.ok(!c.isValidChallenge('0'.repeat(31)));
  assert.ok(!c.isValidChallenge('0'.repeat(65)));
  assert.ok(!c.isValidChallenge(CHALLENGE.toUpperCase()));
  assert.match(c.newNonce(), /^[0-9a-f]{32}$/);
  assert.notEqual(c.newNonce(), c.newNonce());
});
