'use strict';
// A small Node.js service for the heapfleet demo and end-to-end tests: run it with the agent's
// preload (NODE_OPTIONS="--require @heapfleet/agent/register", or --require agent-node/register.js)
// and the collector finds what it does to its heap.
//
//   LEAK_MODE=memoize  prices quotes through a memoize whose keys are unique per request
//                      (a cart id and a time stamp): its Map grows for ever, the leak of the
//                      story heapfleet was built on
//   LEAK_MODE=quiet    prices the same quotes without keeping them: garbage only
//   LEAK_RATE          quotes per tick (default 200)
//   LEAK_INTERVAL_MS   milliseconds between ticks (default 100)
//   LEAK_MAX_MB        stop growing once the heap uses this much (default 256), so a forgotten
//                      demo never runs its machine out of memory
const v8 = require('v8');

const mode = process.env.LEAK_MODE || 'memoize';
const rate = positive('LEAK_RATE', 200);
const intervalMs = positive('LEAK_INTERVAL_MS', 100);
const maxBytes = positive('LEAK_MAX_MB', 256) * 1024 * 1024;

function positive(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`leaky-node: ${name}=${raw} is not a positive number`);
    process.exit(2);
  }
  return value;
}

class Quote {
  constructor(key) {
    this.key = key;
    this.total = key.length * 3;
    this.currency = 'EUR';
  }
}

function memoize(fn) {
  const cache = new Map();
  return function memoized(key) {
    if (!cache.has(key)) {
      cache.set(key, fn(key));
    }
    return cache.get(key);
  };
}

const priceQuote = memoize((key) => new Quote(key));
let request = 0;

function tick() {
  if (mode === 'memoize' && v8.getHeapStatistics().used_heap_size > maxBytes) {
    return;
  }
  for (let i = 0; i < rate; i++) {
    request++;
    const key = `cart-${request % 997}-${Date.now()}-${request}`;
    const quote = mode === 'memoize' ? priceQuote(key) : new Quote(key);
    if (quote.total < 0) {
      console.log('impossible');
    }
  }
}

if (mode !== 'memoize' && mode !== 'quiet') {
  console.error(`leaky-node: LEAK_MODE=${mode} is not memoize or quiet`);
  process.exit(2);
}
setInterval(tick, intervalMs);
console.error(`leaky-node: mode=${mode} rate=${rate} every ${intervalMs} ms`);
