'use strict';

const creds = require('./credentials');

/**
 * Which credential opens a request (docs/proof.md): `{ok: true, kind}` with kind `hourly`,
 * `capture` or `task`, or `{ok: false, reason}`; the reason goes to the audit line only.
 *
 * - `Authorization: HeapDump <token>`, or `?hash=<token>` without an Authorization header: the
 *   hourly token, unless the endpoint refuses it;
 * - `Authorization: HeapFleet-Capture <nonce>.<capture>`: single use, consumed by the first
 *   request that presents it with a matching capture for this task;
 * - `Authorization: HeapFleet-Task <task>`: this task's read-only token, never for /heapdump.
 */
function authenticate({ settings, taskId, nonces, now }, req, pathname, rawQuery) {
  const { secret, scope } = settings;
  const header = req.headers.authorization;
  let hourly;
  if (header !== undefined) {
    const h = String(header).trim();
    const sp = h.indexOf(' ');
    const scheme = (sp < 0 ? h : h.slice(0, sp)).toLowerCase();
    const value = sp < 0 ? '' : h.slice(sp + 1).trim();
    if (scheme === 'heapfleet-capture') {
      const dot = value.indexOf('.');
      const nonce = dot < 0 ? '' : value.slice(0, dot);
      const mac = dot < 0 ? '' : value.slice(dot + 1);
      if (!creds.isValidNonce(nonce) || !/^[0-9a-f]{64}$/.test(mac)) {
        return { ok: false, reason: 'capture-malformed' };
      }
      const matches = creds.hexEquals(creds.capture(secret, scope, taskId, nonce), mac);
      // Consumed by the first matching request, whatever its outcome.
      if (matches && nonces.consume(nonce)) {
        return { ok: true, kind: 'capture' };
      }
      return { ok: false, reason: 'capture-mismatch-or-used' };
    }
    if (scheme === 'heapfleet-task') {
      const check = creds.verifyTaskToken(secret, scope, taskId, value, now);
      if (pathname === '/heapdump') {
        return { ok: false, reason: 'task-token-is-read-only' };
      }
      if (check === 'current' || check === 'previous' || check === 'next') {
        return { ok: true, kind: 'task' };
      }
      return { ok: false, reason: 'task-mismatch' };
    }
    if (scheme !== 'heapdump') {
      return { ok: false, reason: 'unknown-scheme' };
    }
    hourly = value;
  } else {
    hourly = new URLSearchParams(rawQuery).get('hash');
  }
  if (hourly !== null && hourly !== undefined && settings.hourlyToken === 'refuse') {
    return { ok: false, reason: 'hourly-token-refused' };
  }
  const check = creds.verifyHourlyToken(secret, scope, hourly, now);
  if (check === 'current' || check === 'previous' || check === 'next') {
    return { ok: true, kind: 'hourly' };
  }
  return { ok: false, reason: check };
}

module.exports = { authenticate };
