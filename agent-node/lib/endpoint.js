'use strict';

/**
 * The `/heapdump` protocol for Node.js, byte for byte the JVM endpoint's (docs/endpoint.md) and
 * docs/proof.md's: exact paths and method (404, 405), pinning before any credential (421), the
 * proof, the credential (401), then the work: identity, stats, or a V8 heap snapshot streamed
 * through gzip (429 busy / too soon, 507 no headroom, 503 cannot, 500 failed).
 *
 * One endpoint serves one front door (the preload's own server, or a middleware on the app's
 * port); the one-snapshot-at-a-time lock is the process's, shared by all of them, because a
 * snapshot pauses the whole process. Node runs all of this on one thread.
 */

const zlib = require('zlib');
const { pipeline } = require('stream');
const v8 = require('v8');
const creds = require('./credentials');
const { NonceStore } = require('./nonces');
const { GcWatch, stats, forceGc } = require('./stats');
const headroom = require('./headroom');
const snapshot = require('./snapshot');
const { Audit, printable } = require('./audit');
const { authenticate } = require('./authenticate');

const PATHS = new Set(['/heapdump', '/heapdump/identity', '/heapdump/proof', '/heapdump/stats']);
const TARGET_TASK = 'x-heapdump-target-task';
const CHALLENGE = 'x-heapdump-challenge';

const FORMATS = {
  gzip: { contentType: 'application/gzip', extension: '.heapsnapshot.gz' },
  zstd: { contentType: 'application/zstd', extension: '.heapsnapshot.zst' },
  raw: { contentType: 'application/octet-stream', extension: '.heapsnapshot' },
};

/** The process-wide lock: at most one snapshot taken or streaming at a time. */
const processLock = { held: false, lastRequestMs: 10_000 };

/** Whether this runtime's zlib has zstd (Node 22.15+); elsewhere `zstd` is answered with gzip. */
const hasZstd = typeof zlib.createZstdCompress === 'function';

function fileTime(ms) {
  // yyyyMMdd'T'HHmmss'Z'
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** `<taskId>-<yyyyMMdd'T'HHmmss'Z'>.heapsnapshot.gz` (per format). */
function fileName(taskId, ms, format) {
  return `${taskId}-${fileTime(ms)}${FORMATS[format].extension}`;
}

function errorJson(error, message) {
  return JSON.stringify({ error, message });
}

/** Header values must be printable ASCII; anything else becomes '?'. */
function headerSafe(v) {
  return String(v).replace(/[^\x20-\x7e]/g, '?');
}

/** Whole MiB (2^20 bytes) for error messages. */
function mb(bytes) {
  return `${Math.floor(bytes / 2 ** 20)} MiB`;
}

class HeapdumpEndpoint {
  /**
   * @param settings from settings.fromEnvironment
   * @param options.identity the identity object, or a promise of it (requests wait for it)
   * @param options.now clock in ms (tests inject one)
   * @param options.log receives audit and warning lines (never a credential)
   * @param options.takeSnapshot () => {stream, bytes, pauseMs, cleanup} (tests inject failures)
   * @param options.availableMemory () => bytes; options.availableDisk (dir) => bytes
   * @param options.lock the one-snapshot lock (default: the process's)
   */
  constructor(settings, options = {}) {
    this.settings = settings;
    this.now = options.now || Date.now;
    this.log = options.log || ((line) => process.stderr.write(`heapfleet: ${line}\n`));
    this.identityReady = Promise.resolve(options.identity);
    this.identity = null;
    this.identityReady.then((id) => (this.identity = id));
    this.nonces = new NonceStore({ now: this.now });
    this.gc = options.gc === undefined ? new GcWatch() : options.gc;
    this.takeSnapshot = options.takeSnapshot;
    this.availableMemory = options.availableMemory || headroom.availableMemory;
    this.availableDisk = options.availableDisk || headroom.availableDisk;
    this.heapUsed = options.heapUsed || (() => v8.getHeapStatistics().used_heap_size);
    this.lock = options.lock || processLock;
    this.lastSnapshotMs = null;
  }

  /** Whether `url`'s path is one this endpoint answers (middleware passes the rest on). */
  static matches(url) {
    const q = (url || '').indexOf('?');
    return PATHS.has(q < 0 ? url : url.slice(0, q));
  }

  /** Stops the GC observer. */
  close() {
    if (this.gc) this.gc.stop();
  }

  /**
   * Answers one request on node's `http` req/res (Express and Koa hand over the same objects).
   * Resolves when the answer is complete (a snapshot: streamed or aborted); never rejects.
   */
  async handle(req, res) {
    const url = req.url || '';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const audit = new Audit(req, pathname, rawQuery);
    try {
      await this.route(req, res, pathname, rawQuery, audit);
    } catch (e) {
      this.warn(`request failed: ${e && e.message}`);
      if (!res.headersSent) {
        this.json(res, 500, {}, errorJson('dump_failed', 'the request failed'), audit.set('failed'));
      } else {
        res.destroy();
      }
    }
  }

  warn(message) {
    try {
      this.log(message);
    } catch {
      // A broken logger must not break the endpoint.
    }
  }

  json(res, status, headers, body, audit) {
    const buf = Buffer.from(body, 'utf8');
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'Content-Length': buf.length,
    });
    res.end(buf);
    this.warn(audit.line(status, audit.outcome, buf.length));
  }

  taskHeaders() {
    const id = this.identity;
    const h = { 'X-Heapdump-Task': id.taskId };
    if (id.cluster) h['X-Heapdump-Cluster'] = headerSafe(id.cluster);
    if (id.service) h['X-Heapdump-Service'] = headerSafe(id.service);
    if (id.family) h['X-Heapdump-Family'] = headerSafe(id.family);
    if (id.revision) h['X-Heapdump-Revision'] = headerSafe(id.revision);
    h['X-Heapdump-Runtime'] = 'node';
    h['X-Heapdump-Node'] = process.version;
    return h;
  }

  async route(req, res, pathname, rawQuery, audit) {
    if (!PATHS.has(pathname)) {
      this.json(
        res,
        404,
        {},
        errorJson('not_found', 'no such resource; use /heapdump, /heapdump/identity, /heapdump/proof or /heapdump/stats'),
        audit.set('not-found')
      );
      return;
    }
    if (req.method !== 'GET') {
      this.json(res, 405, { Allow: 'GET' }, errorJson('method_not_allowed', 'use GET'), audit.set('method-not-allowed'));
      return;
    }
    const id = await this.identityReady;
    this.identity = id;
    // Pinning before any credential: a credential a balancer delivered to the wrong task is
    // neither checked nor consumed here.
    const target = req.headers[TARGET_TASK];
    if (target !== undefined && String(target).trim() !== id.taskId) {
      this.json(
        res,
        421,
        { 'X-Heapdump-Task': id.taskId },
        JSON.stringify({
          error: 'misdirected',
          message: `this is task ${id.taskId}, not ${headerSafe(String(target).trim()).slice(0, 128)}`,
          taskId: id.taskId,
        }),
        audit.set('misdirected')
      );
      return;
    }
    if (pathname === '/heapdump/proof') {
      this.proof(req, res, audit);
      return;
    }
    const auth = authenticate(
      { settings: this.settings, taskId: id.taskId, nonces: this.nonces, now: this.now() },
      req,
      pathname,
      rawQuery
    );
    if (!auth.ok) {
      // Nothing else is said: not which part was wrong, not which task this is.
      audit.set('unauthorized').detail('reason', auth.reason);
      this.json(
        res,
        401,
        { 'WWW-Authenticate': 'HeapDump' },
        errorJson('unauthorized', 'a valid token is required'),
        audit
      );
      return;
    }
    audit.detail('auth', auth.kind).detail('task', id.taskId);
    if (pathname === '/heapdump/identity') {
      this.json(res, 200, this.taskHeaders(), JSON.stringify(id), audit.set('identity'));
      return;
    }
    if (pathname === '/heapdump/stats') {
      this.statsAnswer(res, new URLSearchParams(rawQuery).get('gc'), id, audit);
      return;
    }
    const params = new URLSearchParams(rawQuery);
    let format = params.get('format');
    if (format === null || format === '') {
      format = this.settings.format;
    } else if (!Object.prototype.hasOwnProperty.call(FORMATS, format)) {
      this.badRequest(res, `format must be gzip, zstd or raw, was '${format}'`, audit);
      return;
    }
    const live = params.get('live');
    if (live !== null && live !== '' && !/^(true|false)$/i.test(live)) {
      this.badRequest(res, `live must be true or false, was '${live}'`, audit);
      return;
    }
    if (format === 'zstd' && !hasZstd) {
      // Node before 22.15 has no zstd: answer gzip and say so (X-Heapdump-Format, file name).
      format = 'gzip';
    }
    audit.detail('format', format).detail('live', true);
    await this.dump(res, format, audit);
  }

  /** `/heapdump/stats`, and with `?gc=full` after a full collection (docs/adaptive.md, probes). */
  statsAnswer(res, gc, id, audit) {
    if (gc === null) {
      this.json(res, 200, this.taskHeaders(), JSON.stringify(stats(id.taskId, this.gc, this.now())), audit.set('stats'));
      return;
    }
    if (gc !== 'full') {
      this.badRequest(res, "gc must be 'full' (or absent)", audit);
      return;
    }
    const r = forceGc(this.gc, this.now());
    if (r.tooSoonSeconds) {
      this.tooMany(res, 'gc_too_soon', 'a full collection ran less than 10 s ago', r.tooSoonSeconds, audit);
      return;
    }
    const doc = stats(id.taskId, this.gc, this.now());
    if (r.ran) {
      doc.gc = { forced: true, pauseMs: r.pauseMs };
      audit.set('stats-gc').detail('gcMs', r.pauseMs);
    } else {
      doc.gc = { forced: false, reason: r.unavailable };
      audit.set('stats-gc-unavailable');
    }
    this.json(res, 200, this.taskHeaders(), JSON.stringify(doc), audit);
  }

  badRequest(res, message, audit) {
    this.json(res, 400, this.taskHeaders(), errorJson('bad_request', printable(message)), audit.set('bad-request'));
  }

  proof(req, res, audit) {
    const challenge = req.headers[CHALLENGE];
    if (!creds.isValidChallenge(challenge)) {
      this.json(
        res,
        400,
        {},
        errorJson('bad_request', 'X-Heapdump-Challenge must be 32 to 64 lowercase hex characters'),
        audit.set('bad-request')
      );
      return;
    }
    const nonce = creds.newNonce();
    this.nonces.add(nonce);
    const taskId = this.identity.taskId;
    const body = JSON.stringify({
      taskId,
      challenge,
      nonce,
      proof: creds.proof(this.settings.secret, challenge, nonce, taskId),
    });
    this.json(res, 200, {}, body, audit.set('proof'));
  }

  tooMany(res, code, message, seconds, audit) {
    this.json(
      res,
      429,
      { ...this.taskHeaders(), 'Retry-After': String(seconds) },
      errorJson(code, message),
      audit.set(code.replace('_', '-'))
    );
  }

  async dump(res, format, audit) {
    const lock = this.lock;
    if (lock.held) {
      this.tooMany(res, 'busy', 'a heap snapshot is already running on this task', Math.max(1, Math.ceil(lock.lastRequestMs / 1000)), audit);
      return;
    }
    const now = this.now();
    const minInterval = this.settings.minIntervalMs;
    if (this.lastSnapshotMs !== null && minInterval > 0 && now < this.lastSnapshotMs + minInterval) {
      const seconds = Math.max(1, Math.ceil((this.lastSnapshotMs + minInterval - now) / 1000));
      this.tooMany(
        res,
        'too_soon',
        `the last snapshot of this task was at ${new Date(this.lastSnapshotMs).toISOString()}; ` +
          `the minimum interval is ${Math.round(minInterval / 1000)}s`,
        seconds,
        audit
      );
      return;
    }
    if (!this.takeSnapshot && !snapshot.available()) {
      this.json(res, 503, this.taskHeaders(), errorJson('unavailable', 'this runtime cannot take a heap snapshot (no v8.getHeapSnapshot)'), audit.set('unavailable'));
      return;
    }
    const heapUsed = this.heapUsed();
    const refusal = this.headroomRefusal(heapUsed);
    if (refusal) {
      this.json(res, 507, this.taskHeaders(), errorJson('insufficient_storage', refusal), audit.set('insufficient-storage'));
      return;
    }
    lock.held = true;
    const requestStart = process.hrtime.bigint();
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        lock.held = false;
        lock.lastRequestMs = Math.max(1000, Number(process.hrtime.bigint() - requestStart) / 1e6);
      }
    };
    let snap;
    try {
      const take =
        this.takeSnapshot ||
        (this.settings.inMemory
          ? () => snapshot.inMemory()
          : () => snapshot.inFile(this.settings.tempDir, this.identity.taskId));
      snap = take();
    } catch (e) {
      release();
      if (e instanceof snapshot.SnapshotUnavailableError) {
        this.json(res, 503, this.taskHeaders(), errorJson('unavailable', e.message), audit.set('unavailable'));
        return;
      }
      this.warn(`heap snapshot failed: ${e && e.message}`);
      this.json(res, 500, this.taskHeaders(), errorJson('dump_failed', `the heap snapshot failed: ${e && e.message}`), audit.set('failed'));
      return;
    }
    const at = this.now();
    this.lastSnapshotMs = at;
    const pauseMs = Math.round(snap.pauseMs);
    const headers = {
      ...this.taskHeaders(),
      'Content-Type': FORMATS[format].contentType,
      'Content-Disposition': `attachment; filename="${fileName(this.identity.taskId, at, format)}"`,
      'Cache-Control': 'no-store',
      'X-Heapdump-Format': format,
      // V8 snapshots hold only reachable objects: every snapshot is a live one.
      'X-Heapdump-Live': 'true',
      'X-Heapdump-Time': new Date(at).toISOString(),
      'X-Heapdump-Heap-Used': String(heapUsed),
      'X-Heapdump-Duration-Ms': String(pauseMs),
      'X-Heapdump-Pause-Ms': String(pauseMs),
    };
    if (snap.bytes !== null && snap.bytes !== undefined) {
      headers['X-Heapdump-Snapshot-Bytes'] = String(snap.bytes);
      if (format === 'raw') headers['Content-Length'] = String(snap.bytes);
    }
    audit.detail('heapUsed', heapUsed).detail('snapshotBytes', snap.bytes).detail('pauseMs', pauseMs);
    await this.stream(res, snap, format, headers, audit, release);
  }

  /** Memory (and, with a temp dir, disk) the snapshot needs, or null when there is enough. */
  headroomRefusal(heapUsed) {
    // Measured (docs/node.md, bench/pause.js): at its peak a snapshot costs 7.7x (a heap of
    // small objects) to 10.0x (a heap of 4 KB strings) the heap in use in memory when the JSON
    // goes to a temp file, 8.5x to 10.6x when it is held in memory; the JSON is ~2x the heap.
    const factor = this.settings.memoryFactor ?? (this.settings.inMemory ? 11 : 10);
    const jsonBytes = Math.ceil(heapUsed * 2);
    const snapshotMemory = Math.ceil(heapUsed * factor);
    const memoryNeeded = snapshotMemory + this.settings.memoryReserve;
    const memory = this.availableMemory();
    if (memory !== null && memory < memoryNeeded) {
      return (
        `not enough free memory for a heap snapshot: heap in use ${mb(heapUsed)} x ${factor} = ` +
        `${mb(snapshotMemory)} + reserve ${mb(this.settings.memoryReserve)} > free ${mb(memory)}`
      );
    }
    if (!this.settings.inMemory) {
      let disk;
      try {
        require('fs').mkdirSync(this.settings.tempDir, { recursive: true });
        disk = this.availableDisk(this.settings.tempDir);
      } catch (e) {
        return `cannot use HEAPFLEET_TEMP_DIR ${this.settings.tempDir}: ${e.code || e.message}`;
      }
      const diskNeeded = jsonBytes + this.settings.diskReserve;
      if (disk !== null && disk < diskNeeded) {
        return (
          `not enough free disk in ${this.settings.tempDir} for a heap snapshot: about ${mb(jsonBytes)} ` +
          `+ reserve ${mb(this.settings.diskReserve)} > free ${mb(disk)}`
        );
      }
    }
    return null;
  }

  stream(res, snap, format, headers, audit, release) {
    return new Promise((resolve) => {
      let bytes = 0;
      let finished = false;
      let removed = false;
      const guarded = (what) => {
        try {
          what();
        } catch (e) {
          // A failed delete must never fail the request; say so instead.
          this.warn(`could not release the snapshot (${snap.file || 'memory'}): ${e.code || e.message}`);
        }
      };
      // Once V8's JSON is all read, before the last bytes go out: the temp file goes and the lock
      // is released, so a client that has seen the whole body may ask again at once without
      // meeting "busy" (with a Content-Length it may see it before the stream's 'end').
      const allRead = () => {
        if (removed) return;
        removed = true;
        if (snap.remove) guarded(() => snap.remove());
        release();
      };
      const cleanup = () => {
        guarded(() => snap.cleanup());
        allRead();
      };
      let read = 0;
      snap.stream.on('data', (c) => {
        read += c.length;
        if (snap.bytes !== null && snap.bytes !== undefined && read >= snap.bytes) allRead();
      });
      snap.stream.once('end', allRead);
      const encoder =
        format === 'gzip'
          ? zlib.createGzip({ level: 1 })
          : format === 'zstd'
            ? zlib.createZstdCompress()
            : null;
      const out = encoder || snap.stream;
      out.on('data', (c) => (bytes += c.length));
      // A client that stops reading must not hold the lock forever: cut a stalled response.
      const socket = res.socket;
      if (socket && this.settings.stallTimeoutMs > 0) {
        socket.setTimeout(this.settings.stallTimeoutMs, () => res.destroy(new Error('stalled')));
      }
      res.writeHead(200, headers);
      const stages = encoder ? [snap.stream, encoder, res] : [snap.stream, res];
      pipeline(...stages, (err) => {
        if (finished) return;
        finished = true;
        cleanup();
        if (socket && !socket.destroyed) {
          // Back to the server's own idle timeout for the rest of the connection.
          socket.setTimeout((socket.server && socket.server.timeout) || 0);
        }
        const outcome = err ? `aborted(${err.code || err.name})` : audit.outcome;
        this.warn(audit.line(200, outcome, bytes));
        resolve();
      });
    });
  }
}

module.exports = { HeapdumpEndpoint, fileName, processLock, PATHS };
