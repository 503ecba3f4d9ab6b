'use strict';

const http = require('http');
const { start } = require('..');

const SECRET = 'correct-horse-battery-staple-0123456789';
const TASK = '158d1c8083dd49d6b527399fd6414f5c';

/** A clock the test moves by hand. */
function clock(iso) {
  let t = Date.parse(iso);
  const now = () => t;
  now.set = (s) => (t = Date.parse(s));
  now.advance = (ms) => (t += ms);
  return now;
}

/** Starts the agent's own server on 127.0.0.1:0 with a known identity; collects its log lines. */
async function agent(options = {}) {
  const lines = [];
  const env = { HEAPFLEET_SECRET: SECRET, HEAPFLEET_MIN_INTERVAL: '0', ...(options.env || {}) };
  const a = await start({
    port: 0,
    bind: '127.0.0.1',
    identity: {
      taskId: TASK,
      cluster: 'prod',
      service: 'web',
      family: 'web-task',
      revision: '42',
      taskArn: `arn:aws:ecs:eu-west-1:111122223333:task/prod/${TASK}`,
      source: 'ecs',
      runtime: 'node',
      node: process.version,
    },
    log: (l) => lines.push(l),
    ...options,
    env,
  });
  a.lines = lines;
  a.url = `http://127.0.0.1:${a.port}`;
  return a;
}

/** One request on a new connection; resolves to {status, headers, body (Buffer)}. */
function get(url, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function json(r) {
  return JSON.parse(r.body.toString('utf8'));
}

module.exports = { SECRET, TASK, clock, agent, get, json };
