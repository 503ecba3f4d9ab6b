'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Audit, redact } = require('../lib/audit');

test('the query hash and token are redacted, whatever their case or encoding; the rest is kept', () => {
  assert.equal(redact('hash=abc&format=gzip'), 'hash=REDACTED&format=gzip');
  assert.equal(redact('HASH=abc&%68ash=def&Token=x&live=true'), 'HASH=REDACTED&%68ash=REDACTED&Token=REDACTED&live=true');
  assert.equal(redact('hash'), 'hash=REDACTED');
  assert.equal(redact(''), '');
  assert.equal(redact('%E0%A4%A=1'), '%E0%A4%A=1');
});

test('an audit line cannot be split or forged by control characters or quotes in the request', () => {
  const req = { method: 'GET', socket: { remoteAddress: '10.0.3.7' } };
  const a = new Audit(req, '/heapdump\r\nheapdump audit status=200 "x"', 'hash=secret-token&format=raw');
  a.set('unauthorized').detail('reason', 'missing');
  const line = a.line(401, a.outcome, 57);
  assert.ok(!line.includes('\n') && !line.includes('\r'));
  assert.ok(!line.includes('secret-token'));
  assert.match(
    line,
    /^heapdump audit remote=10\.0\.3\.7 request="GET \/heapdump\\x0d\\x0aheapdump audit status=200 \\x22x\\x22\?hash=REDACTED&format=raw" status=401 outcome=unauthorized bytes=57 durationMs=\d+ reason=missing$/
  );
});
