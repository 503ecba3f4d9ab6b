// N simulated tasks in one Node.js process: each its own Node agent endpoint (proof, task
// token, /heapdump/stats) on its own port of 127.0.0.1, task ids sim-0 .. sim-(N-1). Prints one
// base URL per line on stdout, then "ready". Used by stats-1000.sh; not part of the build.
//   node collector/bench/stats-fleet.js N SECRET
'use strict';
const http = require('http');
const path = require('path');
const { createEndpoint } = require(path.join(__dirname, '..', '..', 'agent-node', 'index.js'));

const n = Number(process.argv[2] || 1000);
const secret = process.argv[3];
const quiet = () => {};

(async () => {
  for (let i = 0; i < n; i++) {
    const endpoint = createEndpoint({ taskId: `sim-${i}`, secret, env: {}, log: quiet });
    const server = http.createServer((req, res) => endpoint.handle(req, res));
    server.keepAliveTimeout = 120_000; // the collector keeps one connection per task between polls
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
  }
  process.stdout.write('ready\n');
})();
