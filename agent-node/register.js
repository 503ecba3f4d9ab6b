'use strict';

/**
 * Zero-code install: `NODE_OPTIONS="--require @heapfleet/agent/register"` serves `/heapdump` on
 * its own port (HEAPFLEET_PORT, default 9091) with the settings of docs/node.md. It never takes
 * the application down and never keeps it alive: a bad setting or a taken port is logged once
 * and the application runs on without the endpoint.
 *
 * NODE_OPTIONS reaches child processes too (npm, workers spawned with `node`): only the first
 * process that gets the port serves; the others log that the port is taken and run on.
 */

const { start } = require('./index');

function log(line) {
  process.stderr.write(`heapfleet: ${line}\n`);
}

if (!global.__heapfleetAgentStarted) {
  global.__heapfleetAgentStarted = true;
  start({ log }).catch((e) => {
    log(`the /heapdump endpoint is NOT running: ${e.message}`);
  });
}
