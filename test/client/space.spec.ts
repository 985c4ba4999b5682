import assert from 'node:assert/strict';
import { requestDeadline } from '../../nodes/lib/client/client';
import { listSettings } from '../../nodes/lib/requests/listing';
import { backoffCap, MAX_BACKOFF_MS } from '../../nodes/lib/client/retry';
import { checkNumber } from '../../nodes/lib/shared/rules';
import { DEFAULT_API_ROOT, isLoopbackHost, parseSpace, resolveSpaceSettings } from '../../nodes/lib/client/space';

const SW = { origin: 'https://example.signalwire.com', apiRoot: DEFAULT_API_ROOT };

describe('space setting', () => {
  it('reads a name, a host, and an https URL with or without a slash as the same space', () => {
    for (const input of ['example', 'example.signalwire.com', 'https://example.signalwire.com', 'https://example.signalwire.com/', '  Example  ']) {
      assert.deepEqual(parseSpace(input), SW, input);
    }
  });

  it('takes the path of a full URL as the API root of a Twilio-compatible service', () => {
    assert.deepEqual(parseSpace('https://api.twilio.com/2010-04-01'), { origin: 'https://api.twilio.com', apiRoot: '/2010-04-01' });
    assert.deepEqual(parseSpace('https://api.twilio.com/2010-04-01/'), { origin: 'https://api.twilio.com', apiRoot: '/2010-04-01' });
    assert.deepEqual(parseSpace('https://laml.example.org'), { origin: 'https://laml.example.org', apiRoot: DEFAULT_API_ROOT });
  });

  it('on a SignalWire host takes only the API roots as a path: /api/laml/2010-04-01, and /2010-04-01 (its SDK\'s form, .json paths)', () => {
    assert.deepEqual(parseSpace('https://example.signalwire.com/api/laml/2010-04-01'), SW);
    assert.deepEqual(parseSpace('example.signalwire.com/api/laml/2010-04-01/'), SW);
    assert.deepEqual(parseSpace('https://example.signalwire.com/2010-04-01/'), { origin: 'https://example.signalwire.com', apiRoot: '/2010-04-01' });
  });

  it('refuses a page of the SignalWire website pasted as the space (every request would answer 404), saying what to type', () => {
    for (const [input, path] of [
      ['example.signalwire.com/dashboard', '/dashboard'],
      ['https://Example.SignalWire.com/dashboard/calls', '/dashboard/calls'],
      ['https://example.signalwire.com/x/y', '/x/y'],
      ['https://example.signalwire.com/api/laml', '/api/laml'],
      ['https://example.signalwire.com/api/laml/2010-04-01/Accounts/p-1/Conferences', '/api/laml/2010-04-01/Accounts/p-1/Conferences'],
    ]) {
      assert.throws(() => parseSpace(input), (err: Error) => err.message === `SignalWire space "${input}": ${path} is not an address of SignalWire's API; type just example.signalwire.com`, input);
    }
  });

  it('accepts plain http only on loopback hosts', () => {
    assert.deepEqual(parseSpace('http://127.0.0.1:8080'), { origin: 'http://127.0.0.1:8080', apiRoot: DEFAULT_API_ROOT });
    assert.deepEqual(parseSpace('http://127.9.8.7:1'), { origin: 'http://127.9.8.7:1', apiRoot: DEFAULT_API_ROOT });
    assert.deepEqual(parseSpace('http://localhost:1880/'), { origin: 'http://localhost:1880', apiRoot: DEFAULT_API_ROOT });
    assert.deepEqual(parseSpace('http://[::1]:9000'), { origin: 'http://[::1]:9000', apiRoot: DEFAULT_API_ROOT });
    for (const input of ['http://example.signalwire.com', 'http://10.0.0.1', 'http://128.0.0.1', 'http://localhost.evil.com']) {
      assert.throws(() => parseSpace(input), /plain http:\/\/ is allowed only for loopback/, input);
    }
  });

  it('refuses anything that could change where requests go', () => {
    const bad = [
      '',
      '   ',
      'ftp://example.com',
      'https://user:pass@example.signalwire.com',
      'example.signalwire.com@evil.com',
      'https://example.signalwire.com/?x=1',
      'https://example.signalwire.com/#x',
      'https://example.signalwire.com/a/../b',
      'https://example.signalwire.com/a%2Fb',
      'exa mple',
      'https://example.signalwire.com\\evil.com',
      'javascript:alert(1)',
    ];
    for (const input of bad) assert.throws(() => parseSpace(input), /SignalWire space/, JSON.stringify(input));
  });

  it('knows loopback hosts', () => {
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('LOCALHOST'), true);
    assert.equal(isLoopbackHost('127.example.com'), false);
    assert.equal(isLoopbackHost('0.0.0.0'), false);
  });
});

describe('space settings with environment fallback', () => {
  const env = { SIGNALWIRE_SPACE: 'envspace', SIGNALWIRE_PROJECT_ID: 'env-project', SIGNALWIRE_API_TOKEN: 'env-token' };

  it('uses the node values when set', () => {
    const s = resolveSpaceSettings({ space: 'example' }, { projectId: 'p-1', apiToken: 't' }, env);
    assert.equal(s.endpoint.origin, 'https://example.signalwire.com');
    assert.equal(s.projectId, 'p-1');
    assert.equal(s.apiToken, 't');
  });

  it('fills each empty value from SIGNALWIRE_SPACE, SIGNALWIRE_PROJECT_ID and SIGNALWIRE_API_TOKEN', () => {
    const s = resolveSpaceSettings({ space: '' }, { projectId: '', apiToken: undefined }, env);
    assert.equal(s.endpoint.origin, 'https://envspace.signalwire.com');
    assert.equal(s.projectId, 'env-project');
    assert.equal(s.apiToken, 'env-token');
  });

  it('accepts SIGNALWIRE_SPACE_URL when SIGNALWIRE_SPACE is not set', () => {
    const s = resolveSpaceSettings({}, {}, { ...env, SIGNALWIRE_SPACE: undefined, SIGNALWIRE_SPACE_URL: 'https://urlspace.signalwire.com' });
    assert.equal(s.endpoint.origin, 'https://urlspace.signalwire.com');
  });

  it('applies the defaults a user rarely touches: 10 s timeout, 3 retries, 10 in flight', () => {
    const s = resolveSpaceSettings({ space: 'x' }, { projectId: 'p', apiToken: 't' }, {});
    assert.deepEqual([s.timeoutMs, s.retries, s.maxInFlight], [10_000, 3, 10]);
    const t = resolveSpaceSettings({ space: 'x', timeout: '2.5', retries: 0, maxInFlight: '4' }, { projectId: 'p', apiToken: 't' }, {});
    assert.deepEqual([t.timeoutMs, t.retries, t.maxInFlight], [2500, 0, 4]);
  });

  it("holds the README's bounds with the defaults: 140 s a request, 20 s a backoff step, Retry-After up to 30 s, 1000 queued, 200 pages, 10,000 items (at most 1,000,000)", () => {
    const s = resolveSpaceSettings({ space: 'x' }, { projectId: 'p', apiToken: 't' }, {});
    assert.deepEqual([s.maxQueued, s.retryBaseMs, s.maxRetryAfterMs], [1000, 500, 30_000]);
    assert.equal(requestDeadline(s.timeoutMs, s.retries, s.retryBaseMs!, s.maxRetryAfterMs!), 140_000);
    assert.equal(backoffCap(10, s.retryBaseMs!, MAX_BACKOFF_MS), 20_000);
    const list = listSettings({ mode: 'all' });
    assert.deepEqual([list.maxPages, list.maxItems], [200, 10_000]);
    assert.deepEqual(checkNumber('maxItems', 1_000_000), { value: 1_000_000 });
    assert.ok('problem' in checkNumber('maxItems', 1_000_001));
  });

  it('says which value is missing or wrong, never echoing the token', () => {
    assert.throws(() => resolveSpaceSettings({ space: 'x' }, { apiToken: 'secret-token' }, {}), /Project ID is not set.*SIGNALWIRE_PROJECT_ID/);
    assert.throws(() => resolveSpaceSettings({ space: 'x' }, { projectId: 'p' }, {}), /API token is not set.*SIGNALWIRE_API_TOKEN/);
    assert.throws(() => resolveSpaceSettings({}, { projectId: 'p', apiToken: 't' }, {}), /space is not set.*SIGNALWIRE_SPACE/);
    assert.throws(() => resolveSpaceSettings({ space: 'x' }, { projectId: '../p', apiToken: 'secret-token' }, {}), (err: Error) => {
      assert.match(err.message, /Project ID may contain only/);
      assert.doesNotMatch(err.message, /secret-token/);
      return true;
    });
    assert.throws(() => resolveSpaceSettings({ space: 'x', retries: 'many' }, { projectId: 'p', apiToken: 't' }, {}), /Retries must be a whole number from 0 to 10/);
    assert.throws(() => resolveSpaceSettings({ space: 'x', maxInFlight: 0 }, { projectId: 'p', apiToken: 't' }, {}), /Max. in flight must be a whole number from 1 to 100, got 0/);
  });
});
