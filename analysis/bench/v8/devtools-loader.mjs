// Loads a V8 heap snapshot with Chrome DevTools' own loader (HeapSnapshotLoader and JSHeapSnapshot
// from the chrome-devtools-frontend npm package, bundled by devtools-setup.sh) in plain Node, the
// code the Memory panel's worker runs: the streamed JSON parse, then the whole graph (retainers,
// dominators, retained sizes, distances), then the Summary's aggregates. Prints one JSON line.
//
//   node devtools-loader.mjs BUNDLE SNAPSHOT
//
// DevTools' second worker (retainers and dominators) is a MessagePort pair in the same thread here;
// its work is the same.
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {MessageChannel} from 'node:worker_threads';

// Node 20 has no Promise.withResolvers (Node 22 has); DevTools' code uses it.
Promise.withResolvers ??= () => {
  let resolve;
  let reject;
  const promise = new Promise((a, b) => {
    resolve = a;
    reject = b;
  });
  return {promise, resolve, reject};
};

const [bundle, file] = process.argv.slice(2);
const {HeapSnapshotLoader, SecondaryInitManager} = await import(pathToFileURL(path.resolve(bundle)));
const started = process.hrtime.bigint();
const loader = new HeapSnapshotLoader({sendEvent() {}});
for await (const chunk of fs.createReadStream(file, {encoding: 'utf8', highWaterMark: 1 << 20})) {
  loader.write(chunk);
}
loader.close();
const {port1, port2} = new MessageChannel();
new SecondaryInitManager(port2);
const snapshot = await loader.buildSnapshot(port1);
const loaded = process.hrtime.bigint();
const aggregates = snapshot.aggregatesWithFilter({});
const top = Object.values(aggregates)
    .sort((a, b) => b.self - a.self)
    .slice(0, 3)
    .map((a) => `${a.name}: ${a.count}`);
console.log(JSON.stringify({
  nodes: snapshot.nodeCount,
  loadMs: Number(loaded - started) / 1e6,
  summaryMs: Number(process.hrtime.bigint() - loaded) / 1e6,
  top,
}));
port1.close();
process.exit(0);
