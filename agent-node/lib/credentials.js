'use strict';

/**
 * The credentials of the heapfleet protocol: the hourly token of the original Node one-liner
 * (README, "The hourly token") and the proof-based ones of docs/proof.md (proof, single-use
 * capture credential, read-only task token). Pure functions over an injected clock value; nothing
 * here logs.
 */

const crypto = require('crypto');

const HOUR_MS = 60 * 60 * 1000;
/** How long after the hour turns the previous hour's token is still accepted. */
const GRACE_MS = 5 * 60 * 1000;
/** How long before the next hour starts its token is already accepted (clock skew). */
const SKEW_MS = 2 * 60 * 1000;
/** Secrets shorter than this many UTF-8 bytes are refused unless weak secrets are allowed. */
const MIN_SECRET_BYTES = 32;

const HEX64 = /^[0-9a-fA-F]{64}$/;
const CHALLENGE = /^[0-9a-f]{32,64}$/;
const NONCE = /^[0-9a-f]{32}$/;
const TASK_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** Lowercase hex of HMAC-SHA256(key, UTF-8 bytes of message). */
function hmacHex(key, message) {
  return crypto.createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

/** The start of the UTC hour containing `ms`, in the token's form: 2026-11-22T01:00:00.000Z. */
function hourOf(ms) {
  return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();
}

/** The hourly token for the hour containing `ms`: the original JSON.stringify message, HMAC'd. */
function hourlyToken(key, scope, ms) {
  return hmacHex(key, JSON.stringify({ date: hourOf(ms), value: scope }));
}

/** proof = H("heapfleet-proof-v1" \n challenge \n nonce \n taskId). */
function proof(key, challenge, nonce, taskId) {
  return hmacHex(key, ['heapfleet-proof-v1', challenge, nonce, taskId].join('\n'));
}

/** capture = H("heapfleet-capture-v1" \n scope \n taskId \n nonce). */
function capture(key, scope, taskId, nonce) {
  return hmacHex(key, ['heapfleet-capture-v1', scope, taskId, nonce].join('\n'));
}

/** task = H("heapfleet-task-v1" \n scope \n taskId \n hour), `hour` as hourOf(ms). */
function taskToken(key, scope, taskId, ms) {
  return hmacHex(key, ['heapfleet-task-v1', scope, taskId, hourOf(ms)].join('\n'));
}

/** Constant-time comparison of two hex strings (case-insensitive; lengths may differ). */
function hexEquals(expected, given) {
  const a = Buffer.from(String(expected).toLowerCase(), 'latin1');
  const b = Buffer.from(String(given).toLowerCase(), 'latin1');
  if (a.length !== b.length) {
    // Still spend the comparison, so the length says nothing through timing.
    crypto.timingSafeEqual(a, a);
    return false;
  }
  return crypto.timingSafeEqual(a, b);
}

/**
 * Checks a token made per hour (`make(ms)`) against the accepted hours at `nowMs`: the current
 * hour; the previous hour for 5 minutes after the hour turns; the next hour 2 minutes before it
 * starts. Every candidate is computed and compared, so timing does not say which one matched.
 *
 * @returns {'missing'|'malformed'|'mismatch'|'current'|'previous'|'next'}
 */
function checkHourly(presented, nowMs, make) {
  if (presented == null || String(presented).trim() === '') {
    return 'missing';
  }
  const token = String(presented).trim();
  if (!HEX64.test(token)) {
    return 'malformed';
  }
  const hour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  const current = hexEquals(make(hour), token);
  const previous = nowMs < hour + GRACE_MS && hexEquals(make(hour - HOUR_MS), token);
  const next = nowMs >= hour + HOUR_MS - SKEW_MS && hexEquals(make(hour + HOUR_MS), token);
  if (current) return 'current';
  if (previous) return 'previous';
  if (next) return 'next';
  return 'mismatch';
}

/** Checks an hourly token; see checkHourly for the windows and results. */
function verifyHourlyToken(key, scope, presented, nowMs) {
  return checkHourly(presented, nowMs, (ms) => hourlyToken(key, scope, ms));
}

/** Checks a read-only task token for this endpoint's own task id, with the hourly windows. */
function verifyTaskToken(key, scope, taskId, presented, nowMs) {
  return checkHourly(presented, nowMs, (ms) => taskToken(key, scope, taskId, ms));
}

function isValidTaskId(id) {
  return typeof id === 'string' && TASK_ID.test(id);
}

function isValidChallenge(c) {
  return typeof c === 'string' && CHALLENGE.test(c);
}

function isValidNonce(n) {
  return typeof n === 'string' && NONCE.test(n);
}

/** 16 random bytes as 32 lowercase hex characters. */
function newNonce() {
  return crypto.randomBytes(16).toString('hex');
}

module.exports = {
  HOUR_MS,
  GRACE_MS,
  SKEW_MS,
  MIN_SECRET_BYTES,
  hmacHex,
  hourOf,
  hourlyToken,
  proof,
  capture,
  taskToken,
  hexEquals,
  verifyHourlyToken,
  verifyTaskToken,
  isValidTaskId,
  isValidChallenge,
  isValidNonce,
  newNonce,
};
