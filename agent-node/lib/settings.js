'use strict';

/**
 * The endpoint's settings, from the same environment variables as the JVM agent (docs/node.md,
 * "Settings"). A bad value throws a SettingsError naming the setting and the value; the secret
 * itself never appears in a message, only its length.
 */

const fs = require('fs');
const os = require('os');
const { MIN_SECRET_BYTES, isValidTaskId } = require('./credentials');

const DEFAULT_PORT = 9091;

class SettingsError extends Error {
  constructor(message) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** `500ms`, `30s`, `5m`, `1h`, `PT30S`, or a number of seconds → milliseconds. */
function parseDuration(name, v) {
  const t = String(v).trim().toLowerCase();
  const iso = /^pt(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(t);
  let ms;
  if (iso && t !== 'pt') {
    ms = (Number(iso[1] || 0) * 3600 + Number(iso[2] || 0) * 60 + Number(iso[3] || 0)) * 1000;
  } else {
    const m = /^(\d+)\s*(ms|s|m|h)?$/.exec(t);
    if (m) {
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] || 's'];
      ms = Number(m[1]) * unit;
    }
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new SettingsError(`${name}: '${v}' is not a duration (e.g. 30s, 500ms, 5m, PT1M)`);
  }
  return Math.round(ms);
}

/** `1048576`, `64MiB`, `2GiB` → bytes; `64MB`, `2GB` mean the same binary multiples. */
function parseSize(name, v) {
  const m = /^(\d+)\s*(?:([TGMK])I?B|(B))?$/.exec(String(v).trim().toUpperCase());
  if (!m) {
    throw new SettingsError(`${name}: '${v}' is not a size (e.g. 64MiB, 2GiB)`);
  }
  const unit = { T: 2 ** 40, G: 2 ** 30, M: 2 ** 20, K: 2 ** 10 }[m[2]] || 1;
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n)) {
    throw new SettingsError(`${name}: '${v}' is too large`);
  }
  return n;
}

function parseBoolean(name, v) {
  const t = String(v).trim().toLowerCase();
  if (['true', 'yes', '1'].includes(t)) return true;
  if (['false', 'no', '0'].includes(t)) return false;
  throw new SettingsError(`${name}: '${v}' is not true or false`);
}

function parsePort(name, v) {
  const t = String(v).trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n > 65535) {
    throw new SettingsError(`${name}: '${v}' is not a port number (0-65535)`);
  }
  return n;
}

function parseFormat(name, v) {
  const t = String(v).trim().toLowerCase();
  if (!['gzip', 'zstd', 'raw'].includes(t)) {
    throw new SettingsError(`${name}: '${v}' is not gzip, zstd or raw`);
  }
  return t;
}

function stripTrailingNewline(s) {
  if (s.endsWith('\r\n')) return s.slice(0, -2);
  if (s.endsWith('\n')) return s.slice(0, -1);
  return s;
}

/** The secret's HMAC key (UTF-8 bytes), from HEAPFLEET_SECRET or HEAPFLEET_SECRET_FILE. */
function readSecret(env, allowWeak) {
  let value;
  let where;
  if (env.HEAPFLEET_SECRET && env.HEAPFLEET_SECRET.trim() !== '') {
    value = stripTrailingNewline(env.HEAPFLEET_SECRET);
    where = 'environment variable HEAPFLEET_SECRET';
  } else if (env.HEAPFLEET_SECRET_FILE && env.HEAPFLEET_SECRET_FILE.trim() !== '') {
    const file = env.HEAPFLEET_SECRET_FILE.trim();
    where = `secret file ${file}`;
    try {
      value = stripTrailingNewline(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new SettingsError(
        e.code === 'ENOENT' ? `${where} does not exist` : `cannot read ${where}: ${e.code || e.name}`
      );
    }
    if (value === '') {
      throw new SettingsError(`${where} is empty`);
    }
  } else {
    throw new SettingsError('no secret configured: set HEAPFLEET_SECRET or HEAPFLEET_SECRET_FILE');
  }
  const key = Buffer.from(value, 'utf8');
  if (key.length < MIN_SECRET_BYTES && !allowWeak) {
    throw new SettingsError(
      `${where}: the secret is too weak: ${key.length} bytes, at least ${MIN_SECRET_BYTES} are ` +
        'required (make one with `heapfleet token --new-secret`, or set HEAPFLEET_ALLOW_WEAK_SECRET=true)'
    );
  }
  return key;
}

function get(env, name) {
  const v = env[name];
  return v === undefined || String(v).trim() === '' ? undefined : String(v).trim();
}

/**
 * Settings from environment variables, with `overrides` (camelCase, e.g. `{ port: 0 }`) winning.
 * A `secret` override is a string or Buffer (for code that reads it from elsewhere).
 */
function fromEnvironment(env = process.env, overrides = {}) {
  const allowWeak =
    overrides.allowWeakSecret !== undefined
      ? Boolean(overrides.allowWeakSecret)
      : get(env, 'HEAPFLEET_ALLOW_WEAK_SECRET') !== undefined &&
        parseBoolean('HEAPFLEET_ALLOW_WEAK_SECRET', env.HEAPFLEET_ALLOW_WEAK_SECRET);
  let secret;
  if (overrides.secret !== undefined) {
    secret = readSecret({ HEAPFLEET_SECRET: String(overrides.secret) }, allowWeak);
  } else {
    secret = readSecret(env, allowWeak);
  }
  const s = {
    secret,
    scope: 'heapdump',
    taskId: undefined,
    port: DEFAULT_PORT,
    bind: '0.0.0.0',
    minIntervalMs: 30_000,
    tempDir: os.tmpdir(),
    inMemory: false,
    diskReserve: 64 * 2 ** 20,
    memoryReserve: 64 * 2 ** 20,
    memoryFactor: undefined,
    format: 'gzip',
    ecsTimeoutMs: 1000,
    stallTimeoutMs: 60_000,
    hourlyToken: 'accept',
  };
  const pick = (key, envName, parse) => {
    if (overrides[key] !== undefined) {
      s[key] = typeof overrides[key] === 'string' && parse ? parse(envName, overrides[key]) : overrides[key];
      return;
    }
    const v = get(env, envName);
    if (v !== undefined) s[key] = parse ? parse(envName, v) : v;
  };
  pick('scope', 'HEAPFLEET_SCOPE');
  pick('taskId', 'HEAPFLEET_TASK_ID');
  pick('port', 'HEAPFLEET_PORT', parsePort);
  pick('bind', 'HEAPFLEET_BIND');
  pick('minIntervalMs', 'HEAPFLEET_MIN_INTERVAL', parseDuration);
  pick('tempDir', 'HEAPFLEET_TEMP_DIR');
  pick('inMemory', 'HEAPFLEET_IN_MEMORY', parseBoolean);
  pick('diskReserve', 'HEAPFLEET_DISK_RESERVE', parseSize);
  pick('memoryReserve', 'HEAPFLEET_MEMORY_RESERVE', parseSize);
  pick('memoryFactor', 'HEAPFLEET_MEMORY_FACTOR', (name, v) => {
    const n = Number(String(v).trim());
    if (!/^\d+(\.\d+)?$/.test(String(v).trim()) || n <= 0 || n > 100) {
      throw new SettingsError(`${name}: '${v}' is not a factor between 0 and 100 (e.g. 9, 2.5)`);
    }
    return n;
  });
  pick('format', 'HEAPFLEET_FORMAT', parseFormat);
  pick('ecsTimeoutMs', 'HEAPFLEET_ECS_TIMEOUT', parseDuration);
  pick('stallTimeoutMs', 'HEAPFLEET_STALL_TIMEOUT', parseDuration);
  pick('hourlyToken', 'HEAPFLEET_HOURLY_TOKEN', (name, v) => {
    const t = String(v).trim().toLowerCase();
    if (t !== 'accept' && t !== 'refuse') {
      throw new SettingsError(`${name}: '${v}' is not accept or refuse`);
    }
    return t;
  });
  if (s.scope === '') {
    throw new SettingsError('HEAPFLEET_SCOPE must not be empty');
  }
  if (s.taskId !== undefined && !isValidTaskId(s.taskId)) {
    throw new SettingsError(
      `HEAPFLEET_TASK_ID: '${s.taskId}' may only contain letters, digits, '.', '_', '-' (1-128)`
    );
  }
  return s;
}

/** What a settings object may show in a log line: everything but the secret (its length only). */
function describe(s) {
  return (
    `scope=${s.scope} taskId=${s.taskId || '-'} port=${s.port} bind=${s.bind} ` +
    `minInterval=${s.minIntervalMs}ms tempDir=${s.inMemory ? '(in memory)' : s.tempDir} format=${s.format} ` +
    `hourlyToken=${s.hourlyToken} secret=(${s.secret.length} bytes)`
  );
}

module.exports = {
  DEFAULT_PORT,
  SettingsError,
  fromEnvironment,
  describe,
  parseDuration,
  parseSize,
};
