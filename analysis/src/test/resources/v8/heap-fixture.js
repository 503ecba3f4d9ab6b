'use strict';
// Builds a known heap in one Node.js process and writes V8 heap snapshots of it, for the analysis
// tests. Usage: node heap-fixture.js DIR MODE SNAPSHOTS [N]
// Writes DIR/MODE-0.heapsnapshot ... DIR/MODE-(SNAPSHOTS-1).heapsnapshot; before each snapshot it
// runs one step of MODE's workload. Everything stays synchronous, so every object a mode keeps is
// still reachable when the snapshots are taken.
const v8 = require('v8');
const path = require('path');
const { EventEmitter } = require('events');

const [dir, mode, snapshotsArg, nArg] = process.argv.slice(2);
const snapshots = Number(snapshotsArg);
const n = Number(nArg || 0);
const PER_STEP = 5000;

class Foo {
  constructor(i) {
    this.i = i;
  }
}

class Session {
  constructor(id) {
    this.id = id;
    this.user = 'user-' + id;
  }
}

class IncomingRequest {
  constructor(id) {
    this.id = id;
    this.url = '/orders/' + id;
    this.headers = { host: 'shop.example', 'x-request-id': 'req-' + id };
  }
}

class AuditEvent {
  constructor(id) {
    this.id = id;
    this.action = 'login:' + id;
  }
}

class Quote {
  constructor(key) {
    this.key = key;
    this.total = key.length * 3;
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

class LruCache {
  constructor(max) {
    this.max = max;
    this.entries = new Map();
  }
  set(key, value) {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.max) {
      this.entries.delete(this.entries.keys().next().value);
    }
  }
}

const modes = {
  // exactly n instances of Foo, the same in every snapshot
  oracle() {
    const foos = [];
    for (let i = 0; i < n; i++) {
      foos.push(new Foo(i));
    }
    globalThis.foos = foos;
    return () => {};
  },
  // a memoized function whose keys never repeat: its Map grows forever
  memoize() {
    const quote = memoize((key) => new Quote(key));
    globalThis.quote = quote;
    return (step) => {
      for (let i = 0; i < PER_STEP; i++) {
        quote('cart-' + step + '-' + i);
      }
    };
  },
  // a listener added per session and never removed
  listeners() {
    const bus = new EventEmitter();
    bus.setMaxListeners(0);
    globalThis.bus = bus;
    return (step) => {
      for (let i = 0; i < PER_STEP; i++) {
        const session = new Session(step * PER_STEP + i);
        bus.on('config-changed', function onConfigChanged() {
          return session.user;
        });
      }
    };
  },
  // completion callbacks that close over each request, kept in a registry nobody clears
  closures() {
    const callbacks = {};
    globalThis.callbacks = callbacks;
    return (step) => {
      for (let i = 0; i < PER_STEP; i++) {
        const req = new IncomingRequest(step * PER_STEP + i);
        callbacks['req-' + req.id] = function onResponse() {
          return req.url;
        };
      }
    };
  },
  // a global array that only grows
  global() {
    globalThis.auditLog = [];
    return (step) => {
      for (let i = 0; i < PER_STEP; i++) {
        globalThis.auditLog.push(new AuditEvent(step * PER_STEP + i));
      }
    };
  },
  // a bounded LRU, full before the first snapshot: new keys evict old ones
  lru() {
    const cache = new LruCache(PER_STEP);
    globalThis.lru = cache;
    let next = 0;
    const fill = () => {
      for (let i = 0; i < PER_STEP; i++, next++) {
        cache.set('k' + next, new Quote('k' + next));
      }
    };
    fill();
    return fill;
  },
  // a cache that fills during the first two steps, then only serves the same keys
  warmup() {
    const cache = new Map();
    globalThis.warm = cache;
    return (step) => {
      const from = Math.min(step, 1) * PER_STEP;
      for (let i = 0; i < PER_STEP; i++) {
        const key = 'sku-' + (from + i);
        if (!cache.has(key)) {
          cache.set(key, new Quote(key));
        }
      }
    };
  },
};

const make = modes[mode];
if (!make) {
  console.error('unknown mode ' + mode + '; one of ' + Object.keys(modes).join(', '));
  process.exit(2);
}
const step = make();
for (let s = 0; s < snapshots; s++) {
  step(s);
  v8.writeHeapSnapshot(path.join(dir, mode + '-' + s + '.heapsnapshot'));
}
