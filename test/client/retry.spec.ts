import assert from 'node:assert/strict';
import { AxiosError, AxiosHeaders } from 'axios';
import { isRetryable, parseRetryAfter, retryDelay } from '../../nodes/lib/client/retry';

function httpError(status: number, headers: Record<string, string> = {}): AxiosError {
  const config = { headers: new AxiosHeaders() };
  return new AxiosError('x', 'ERR_BAD_RESPONSE', config, {}, { status, statusText: '', headers, config, data: '' });
}

function networkError(code: string): AxiosError {
  return new AxiosError('x', code, { headers: new AxiosHeaders() });
}

const opts = { baseMs: 100, maxBackoffMs: 1000, maxRetryAfterMs: 5000 };

describe('retry policy', () => {
  it('retries 429, 502, 503 and 504, and no other status', () => {
    for (const s of [429, 502, 503, 504]) assert.equal(isRetryable(httpError(s)), true, String(s));
    for (const s of [400, 401, 403, 404, 405, 409, 500, 501, 505]) assert.equal(isRetryable(httpError(s)), false, String(s));
  });

  it('retries timeouts and dropped connections, not cancellations or unknown hosts', () => {
    for (const c of ['ECONNABORTED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ECONNREFUSED']) assert.equal(isRetryable(networkError(c)), true, c);
    for (const c of ['ERR_CANCELED', 'ENOTFOUND']) assert.equal(isRetryable(networkError(c)), false, c);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('Sat, 21 Nov 2026 12:00:00 GMT');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter('Sat, 21 Nov 2026 12:00:07 GMT', now), 7000);
    assert.equal(parseRetryAfter('Sat, 21 Nov 2026 11:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('waits what Retry-After asks, up to the cap', () => {
    assert.equal(retryDelay(1, httpError(429, { 'retry-after': '2' }), opts), 2000);
    assert.equal(retryDelay(1, httpError(429, { 'retry-after': '3600' }), opts), 5000);
  });

  it('otherwise backs off exponentially with jitter between half and all of each step', () => {
    const low = { ...opts, random: () => 0 };
    const high = { ...opts, random: () => 0.999999 };
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => retryDelay(n, httpError(503), low)), [50, 100, 200, 400, 500]);
    assert.deepEqual([1, 2, 3, 4, 5].map((n) => Math.round(retryDelay(n, httpError(503), high))), [100, 200, 400, 800, 1000]);
  });
});
