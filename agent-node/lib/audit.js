'use strict';

/**
 * The audit line of one request, as the JVM endpoint writes it: who asked (remote address),
 * what (path and query, the query's `hash` and `token` redacted, control characters written
 * `\xNN`), the outcome, bytes sent, how long it took, and details the endpoint adds (never a
 * credential: headers are not logged). One request's code owns one Audit.
 */

/** The raw query with `hash` and `token` values replaced by REDACTED. */
function redact(rawQuery) {
  if (!rawQuery) return '';
  return rawQuery
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // keep the raw name
      }
      const lower = decoded.toLowerCase();
      return lower === 'hash' || lower === 'token' ? `${name}=REDACTED` : pair;
    })
    .join('&');
}

/** Control characters written as \xNN, so a request cannot forge or split an audit line. */
function printable(s) {
  return String(s).replace(
    /[\x00-\x1f\x7f"\\]/g,
    (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0')
  );
}

/** One request's audit line; never a credential (headers are not logged, `hash` is redacted). */
class Audit {
  constructor(req, pathname, rawQuery) {
    this.start = process.hrtime.bigint();
    this.remote = (req.socket && req.socket.remoteAddress) || '-';
    this.request = `${req.method} ${pathname}${rawQuery ? '?' + redact(rawQuery) : ''}`;
    this.outcome = 'ok';
    this.details = [];
  }

  set(outcome) {
    this.outcome = outcome;
    return this;
  }

  detail(key, value) {
    this.details.push(`${key}=${value}`);
    return this;
  }

  line(status, outcome, bytes) {
    const ms = Math.round(Number(process.hrtime.bigint() - this.start) / 1e6);
    return (
      `heapdump audit remote=${this.remote} request="${printable(this.request)}" status=${status} ` +
      `outcome=${outcome} bytes=${bytes} durationMs=${ms}` +
      (this.details.length ? ' ' + this.details.join(' ') : '')
    );
  }
}

module.exports = { Audit, redact, printable };
