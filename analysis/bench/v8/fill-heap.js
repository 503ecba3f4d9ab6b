'use strict';
// Fills a Node.js heap with a known object mix and writes one V8 heap snapshot of it, for the
// V8 snapshot benchmark (analysis/bench/v8.sh). Usage: node fill-heap.js OUT OBJECTS
// About 230 bytes of snapshot per object of the mix (nodes, edges and names), so OBJECTS =
// 2,300,000 gives a snapshot of about 525 MB.
const v8 = require('v8');
const [out, countArg] = process.argv.slice(2);
const count = Number(countArg);

class Order {
  constructor(id) {
    this.id = id;
    this.customer = 'customer-' + (id % 5000);
    this.lines = [];
  }
}
class Line {
  constructor(sku, qty) {
    this.sku = sku;
    this.qty = qty;
  }
}

const orders = new Map();
const handlers = [];
for (let i = 0; i < count; ) {
  const o = new Order(i++);
  for (let k = 0; k < 3 && i < count; k++, i++) {
    o.lines.push(new Line('sku-' + (i % 10000), k));
  }
  orders.set('order-' + o.id, o);
  if (i % 10 === 0) {
    handlers.push(() => o.id); // closures over orders
    i++;
  }
}
globalThis.orders = orders;
globalThis.handlers = handlers;
v8.writeHeapSnapshot(out);
console.log(out);
