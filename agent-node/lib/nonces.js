'use strict';

/**
 * The nonces this endpoint issued with its proofs (docs/proof.md): each is remembered for 120 s,
 * at most 256 at a time (issuing one more forgets the oldest), and is consumed by the first
 * request that presents it with a matching capture credential. Time comes from an injected
 * clock (`now()` in milliseconds), so tests move time instead of sleeping. Node runs this on one
 * thread: no locking needed.
 */
class NonceStore {
  constructor({ now = Date.now, ttlMs = 120_000, capacity = 256 } = {}) {
    this.now = now;
    this.ttlMs = ttlMs;
    this.capacity = capacity;
    // Insertion-ordered: the first key is the oldest.
    this.issued = new Map();
  }

  /** Remembers a freshly issued nonce. */
  add(nonce) {
    this.expire();
    this.issued.delete(nonce);
    while (this.issued.size >= this.capacity) {
      this.issued.delete(this.issued.keys().next().value);
    }
    this.issued.set(nonce, this.now());
  }

  /** Whether `nonce` was issued less than ttl ago and is not used yet. */
  isLive(nonce) {
    const at = this.issued.get(nonce);
    return at !== undefined && this.now() - at < this.ttlMs;
  }

  /** Consumes `nonce` if it is live; returns whether it was. */
  consume(nonce) {
    const live = this.isLive(nonce);
    this.issued.delete(nonce);
    return live;
  }

  get size() {
    this.expire();
    return this.issued.size;
  }

  expire() {
    const now = this.now();
    for (const [nonce, at] of this.issued) {
      if (now - at < this.ttlMs) break;
      this.issued.delete(nonce);
    }
  }
}

module.exports = { NonceStore };
