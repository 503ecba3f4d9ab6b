'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { NonceStore } = require('../lib/nonces');

function store() {
  let t = 1_000_000;
  const now = () => t;
  return { s: new NonceStore({ now }), advance: (ms) => (t += ms) };
}

test('a nonce is consumed once', () => {
  const { s } = store();
  s.add('n1');
  assert.equal(s.consume('n1'), true);
  assert.equal(s.consume('n1'), false);
  assert.equal(s.consume('never-issued'), false);
});

test('a nonce lives 120 seconds', () => {
  const { s, advance } = store();
  s.add('n1');
  s.add('n2');
  advance(119_999);
  assert.equal(s.consume('n1'), true);
  advance(1);
  assert.equal(s.consume('n2'), false);
  assert.equal(s.size, 0);
});

test('at most 256 nonces: issuing a 257th forgets the oldest', () => {
  const { s, advance } = store();
  for (let i = 0; i < 257; i++) {
    s.add(`n${i}`);
    advance(1);
  }
  assert.equal(s.size, 256);
  assert.equal(s.consume('n0'), false);
  assert.equal(s.consume('n1'), true);
  assert.equal(s.consume('n256'), true);
});
