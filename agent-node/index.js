'use strict';

/**
 * @heapfleet/agent: the heapfleet `/heapdump` endpoint for Node.js (docs/node.md).
 *
 * Front doors:
 * - `start()`: its own HTTP server on HEAPFLEET_PORT (what `--require @heapfleet/agent/register`
 *   runs);
 * - `middleware()` for Express (and Connect), `koa()` for Koa, `wrap(listener)` for a plain
 *   `http.createServer` listener: `/heapdump` on the application's own port; every other request
 *   goes on to the application untouched.
 *
 * None of them ever takes the application down or keeps it alive: a bad configuration is logged
 * once and the endpoint answers 503; the server is `unref()`ed.
 */

const http = require('http');
const { HeapdumpEndpoint } = require('./lib/endpoint');
const settingsLib = require('./lib/settings');
const identityLib = require('./lib/identity');
const credentials = require('./lib/credentials');

function defaultLog(line) {
  process.stderr.write(`heapfleet: ${line}\n`);
}

/**
 * Creates the endpoint from the environment (`options.env`, default process.env) and
 * `options` overrides (`port`, `taskId`, `secret`, `minIntervalMs`, ... as in docs/node.md).
 * Throws a SettingsError naming the setting when the configuration is unusable.
 */
function createEndpoint(options = {}) {
  const env = options.env || process.env;
  const log = options.log || defaultLog;
  const settings = settingsLib.fromEnvironment(env, options);
  const identity = options.identity || identityLib.resolve(settings, env, log);
  return new HeapdumpEndpoint(settings, { ...options, identity, log });
}

/**
 * An endpoint that is never null: when the configuration is unusable, every `/heapdump` request
 * answers 503 with the reason (it names the setting, never a secret), logged once.
 */
function safeEndpoint(options) {
  try {
    return createEndpoint(options);
  } catch (e) {
    const log = options.log || defaultLog;
    const message = `the /heapdump endpoint is NOT running: ${e.message}`;
    log(message);
    const body = JSON.stringify({ error: 'unavailable', message: `the endpoint is not configured: ${e.message}` });
    return {
      handle(req, res) {
        res.writeHead(503, {
          'Content-Type': 'application/json',
          'Cache-Control': 'no-store',
          'Content-Length': Buffer.byteLength(body),
        });
        res.end(body);
        return Promise.resolve();
      },
      close() {},
    };
  }
}

/** Express / Connect middleware: `app.use(require('@heapfleet/agent').middleware())`. */
function middleware(options = {}) {
  const endpoint = safeEndpoint(options);
  const mw = (req, res, next) => {
    if (!HeapdumpEndpoint.matches(req.url)) {
      next();
      return;
    }
    endpoint.handle(req, res);
  };
  mw.endpoint = endpoint;
  return mw;
}

/** Koa middleware: `app.use(require('@heapfleet/agent').koa())`. */
function koa(options = {}) {
  const endpoint = safeEndpoint(options);
  const mw = async (ctx, next) => {
    if (!HeapdumpEndpoint.matches(ctx.req.url)) {
      await next();
      return;
    }
    // The endpoint writes the response itself (a snapshot streams): Koa must not touch it.
    ctx.respond = false;
    await endpoint.handle(ctx.req, ctx.res);
  };
  mw.endpoint = endpoint;
  return mw;
}

/** Plain `http`: `http.createServer(wrap((req, res) => { ...the app... }))`. */
function wrap(listener, options = {}) {
  const endpoint = safeEndpoint(options);
  const wrapped = (req, res) => {
    if (HeapdumpEndpoint.matches(req.url)) {
      endpoint.handle(req, res);
      return;
    }
    listener(req, res);
  };
  wrapped.endpoint = endpoint;
  return wrapped;
}

/**
 * Starts the endpoint on its own port (HEAPFLEET_PORT, default 9091; 0 = any free port) and
 * HEAPFLEET_BIND. Resolves to `{server, endpoint, port, close()}` once listening; the server is
 * unref()ed, so it never keeps the process alive. Rejects on a bad setting or a taken port.
 */
async function start(options = {}) {
  const env = options.env || process.env;
  const log = options.log || defaultLog;
  const settings = settingsLib.fromEnvironment(env, options);
  const identity = options.identity || (await identityLib.resolve(settings, env, log));
  const endpoint = new HeapdumpEndpoint(settings, { ...options, identity, log });
  const server = http.createServer((req, res) => endpoint.handle(req, res));
  // Slow senders must not hold a connection for long (the protocol's requests are tiny).
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.bind, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    endpoint.close();
    throw e;
  }
  server.on('error', (e) => log(`server error: ${e.message}`));
  server.unref();
  const port = server.address().port;
  log(`/heapdump listening on ${settings.bind}:${port} as task ${identity.taskId}`);
  return {
    server,
    endpoint,
    port,
    close() {
      endpoint.close();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = {
  start,
  middleware,
  express: middleware,
  koa,
  wrap,
  createEndpoint,
  HeapdumpEndpoint,
  SettingsError: settingsLib.SettingsError,
  credentials: {
    hourlyToken: credentials.hourlyToken,
    proof: credentials.proof,
    capture: credentials.capture,
    taskToken: credentials.taskToken,
  },
};
