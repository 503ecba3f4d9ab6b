'use strict';

/**
 * Who this process is: the task id that names its snapshots and, where known, its ECS cluster,
 * service, task-definition family and revision. Read once at start, exactly as the JVM agent
 * does: the ECS task metadata endpoint v4 (`$ECS_CONTAINER_METADATA_URI_V4/task`: TaskARN's last
 * segment is the task id), an explicit HEAPFLEET_TASK_ID overriding the id, else the hostname.
 */

const http = require('http');
const os = require('os');
const { isValidTaskId } = require('./credentials');

const MAX_METADATA_BYTES = 1 << 20;

function runtimeVersion() {
  return process.version;
}

/** An identity object; unknown parts are null. */
function identity(taskId, source, parts = {}) {
  return {
    taskId,
    cluster: parts.cluster ?? null,
    service: parts.service ?? null,
    family: parts.family ?? null,
    revision: parts.revision ?? null,
    taskArn: parts.taskArn ?? null,
    source,
    runtime: 'node',
    node: runtimeVersion(),
  };
}

/** Parses the JSON of the ECS task metadata endpoint v4 `/task`. Throws when it is unusable. */
function fromEcsTaskMetadata(json) {
  const task = JSON.parse(json);
  if (task === null || typeof task !== 'object' || Array.isArray(task)) {
    throw new Error('ECS task metadata is not a JSON object');
  }
  const arn = typeof task.TaskARN === 'string' ? task.TaskARN : '';
  if (arn === '') {
    throw new Error('ECS task metadata has no TaskARN');
  }
  const taskId = arn.slice(arn.lastIndexOf('/') + 1);
  if (!isValidTaskId(taskId)) {
    throw new Error('ECS TaskARN ends in an unusable task id');
  }
  const str = (v) => (v === undefined || v === null ? null : String(v));
  let cluster = str(task.Cluster);
  if (cluster !== null && cluster.startsWith('arn:')) {
    cluster = cluster.slice(cluster.lastIndexOf('/') + 1);
  }
  return identity(taskId, 'ecs', {
    taskArn: arn,
    cluster,
    service: str(task.ServiceName),
    family: str(task.Family),
    revision: str(task.Revision),
  });
}

function httpGet(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (fn, v) => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        fn(v);
      }
    };
    const req = http.get(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        done(reject, new Error(`HTTP ${res.statusCode}`));
        return;
      }
      const chunks = [];
      let size = 0;
      res.on('data', (c) => {
        size += c.length;
        if (size > MAX_METADATA_BYTES) {
          req.destroy();
          done(reject, new Error(`metadata response larger than ${MAX_METADATA_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => done(resolve, Buffer.concat(chunks).toString('utf8')));
      res.on('error', (e) => done(reject, e));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done(reject, new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    req.on('error', (e) => done(reject, e));
  });
}

function sanitize(id) {
  const s = String(id).replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 128);
  return s === '' ? 'unknown-host' : s;
}

function hostname(env) {
  const h = env.HOSTNAME && env.HOSTNAME.trim();
  if (h) return h;
  try {
    return os.hostname();
  } catch {
    return 'unknown-host';
  }
}

/**
 * Resolves this process's identity. Never rejects: an unreachable or odd metadata endpoint is
 * reported through `warn` (once) and the fallbacks are used.
 */
async function resolve(settings, env = process.env, warn = () => {}) {
  const explicit = settings.taskId;
  const uri = env.ECS_CONTAINER_METADATA_URI_V4 && env.ECS_CONTAINER_METADATA_URI_V4.trim();
  if (uri) {
    const url = uri.replace(/\/+$/, '') + '/task';
    try {
      const ecs = fromEcsTaskMetadata(await httpGet(url, settings.ecsTimeoutMs));
      return explicit ? { ...ecs, taskId: explicit, source: 'config' } : ecs;
    } catch (e) {
      warn(
        `cannot read ECS task metadata from ${url} (${e.message}); using ` +
          (explicit ? 'HEAPFLEET_TASK_ID' : 'the hostname')
      );
    }
  }
  if (explicit) {
    return identity(explicit, 'config');
  }
  return identity(sanitize(hostname(env)), 'hostname');
}

module.exports = { resolve, fromEcsTaskMetadata, identity };
