'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const http = require('http');
const { resolve, fromEcsTaskMetadata } = require('../lib/identity');
const settings = require('../lib/settings');

const SECRET = 'correct-horse-battery-staple-0123456789';
const ARN = 'arn:aws:ecs:eu-west-1:111122223333:task/prod-cluster/158d1c8083dd49d6b527399fd6414f5c';

/** A local stand-in for the ECS task metadata endpoint v4, on 127.0.0.1. */
async function metadataServer(handler) {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url);
    handler(req, res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    uri: `http://127.0.0.1:${server.address().port}/v4/abc-123`,
    requests,
    close: () => new Promise((r) => server.close(r)),
  };
}

function sendJson(body) {
  return (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
}

const TASK_JSON = {
  Cluster: 'arn:aws:ecs:eu-west-1:111122223333:cluster/prod-cluster',
  TaskARN: ARN,
  Family: 'web',
  Revision: '17',
  ServiceName: 'web-svc',
  DesiredStatus: 'RUNNING',
  Containers: [{ Name: 'web' }],
};

test('ECS metadata v4 /task: task id from TaskARN, cluster name from its ARN, family, revision, service', async () => {
  const ecs = await metadataServer(sendJson(TASK_JSON));
  try {
    const s = settings.fromEnvironment({ HEAPFLEET_SECRET: SECRET });
    const id = await resolve(s, { ECS_CONTAINER_METADATA_URI_V4: ecs.uri + '/' });
    assert.deepEqual(ecs.requests, ['/v4/abc-123/task']);
    assert.deepEqual(id, {
      taskId: '158d1c8083dd49d6b527399fd6414f5c',
      cluster: 'prod-cluster',
      service: 'web-svc',
      family: 'web',
      revision: '17',
      taskArn: ARN,
      source: 'ecs',
      runtime: 'node',
      node: process.version,
    });
  } finally {
    await ecs.close();
  }
});

test('HEAPFLEET_TASK_ID overrides the id and keeps the ECS parts; Fargate has no ServiceName', async () => {
  const { ServiceName, ...fargate } = TASK_JSON;
  assert.ok(ServiceName);
  const ecs = await metadataServer(sendJson({ ...fargate, Cluster: 'plain-name' }));
  try {
    const s = settings.fromEnvironment({ HEAPFLEET_SECRET: SECRET, HEAPFLEET_TASK_ID: 'web-1' });
    const id = await resolve(s, { ECS_CONTAINER_METADATA_URI_V4: ecs.uri });
    assert.equal(id.taskId, 'web-1');
    assert.equal(id.source, 'config');
    assert.equal(id.cluster, 'plain-name');
    assert.equal(id.service, null);
    assert.equal(id.family, 'web');
  } finally {
    await ecs.close();
  }
});

test('old-format ARN (no cluster segment)', () => {
  const id = fromEcsTaskMetadata(JSON.stringify({ TaskARN: 'arn:aws:ecs:us-east-1:012345678910:task/9781c248-0edd-4cdb-9a93-f63cb662a5d3' }));
  assert.equal(id.taskId, '9781c248-0edd-4cdb-9a93-f63cb662a5d3');
  assert.equal(id.cluster, null);
});

test('unusable metadata falls back to HEAPFLEET_TASK_ID, else the hostname, and says why once', async () => {
  const cases = [
    sendJson({ Cluster: 'x' }), // no TaskARN
    sendJson({ TaskARN: 'arn:aws:ecs:eu-west-1:1:task/c/bad id\r\n' }),
    sendJson('not json'),
    (req, res) => {
      res.writeHead(500);
      res.end();
    },
    (req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(2 * 1024 * 1024));
    },
    () => {}, // never answers: the timeout
  ];
  for (const handler of cases) {
    const ecs = await metadataServer(handler);
    try {
      const warnings = [];
      const explicit = settings.fromEnvironment({ HEAPFLEET_SECRET: SECRET, HEAPFLEET_TASK_ID: 'web-1', HEAPFLEET_ECS_TIMEOUT: '300ms' });
      const id = await resolve(explicit, { ECS_CONTAINER_METADATA_URI_V4: ecs.uri }, (w) => warnings.push(w));
      assert.equal(id.taskId, 'web-1');
      assert.equal(id.source, 'config');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0], /cannot read ECS task metadata .* using HEAPFLEET_TASK_ID/);
      const none = settings.fromEnvironment({ HEAPFLEET_SECRET: SECRET, HEAPFLEET_ECS_TIMEOUT: '300ms' });
      const host = await resolve(none, { ECS_CONTAINER_METADATA_URI_V4: ecs.uri, HOSTNAME: 'ip-10-0-1-23.ec2 internal' }, () => {});
      assert.equal(host.taskId, 'ip-10-0-1-23.ec2-internal');
      assert.equal(host.source, 'hostname');
    } finally {
      await ecs.close();
    }
  }
});

test('without ECS: the explicit id, else the hostname', async () => {
  const s = settings.fromEnvironment({ HEAPFLEET_SECRET: SECRET });
  const id = await resolve(s, { HOSTNAME: 'web-7f9c' });
  assert.equal(id.taskId, 'web-7f9c');
  assert.equal(id.source, 'hostname');
  const e = await resolve(settings.fromEnvironment({ HEAPFLEET_SECRET: SECRET, HEAPFLEET_TASK_ID: 'a.b_c-1' }), {});
  assert.equal(e.taskId, 'a.b_c-1');
});
