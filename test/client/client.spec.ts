// The client's own wire behaviour that no node adds to: how it authenticates, that it honours
// the proxy variables axios reads although it decides about them once per space, and that a
// request ends by its deadline however late it got its slot.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sinon from 'sinon';
import { SignalWireClient } from '../../nodes/lib/client/client';
import { resolveSpaceSettings, type SpaceConfig } from '../../nodes/lib/client/space';

interface Seen {
  url: string;
  authorization?: string;
  userAgent?: string;
  accept?: string;
}

/** A server on loopback with `handle` as its request handler. */
async function localServer(handle: http.RequestListener): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A server that answers every request with a participant-shaped object and records it. */
async function recordingServer(): Promise<{ origin: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = await localServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization, userAgent: req.headers['user-agent'], accept: req.headers.accept });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ call_sid: 'CA1' }));
  });
  return { ...server, seen };
}

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];

describe('the client on the wire (nodes/lib/client/client.ts)', () => {
  let saved: Record<string, string | undefined>;
  let clients: SignalWireClient[];
  beforeEach(() => {
    saved = Object.fromEntries(PROXY_VARIABLES.map((k) => [k, process.env[k]]));
    for (const k of PROXY_VARIABLES) delete process.env[k];
    clients = [];
  });
  afterEach(() => {
    for (const c of clients) c.close();
    for (const k of PROXY_VARIABLES) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });
  const clientFor = (origin: string): SignalWireClient => {
    const client = new SignalWireClient(resolveSpaceSettings({ space: origin, retries: 0 }, { projectId: 'P1', apiToken: 'secret-token-1' }, {}));
    clients.push(client);
    return client;
  };

  it('sends Basic auth of the Project ID and the API token, the package as its User-Agent and Accept JSON on every request', async () => {
    const space = await recordingServer();
    try {
      const client = clientFor(space.origin);
      await client.getParticipant('CF1', 'CA1');
      await client.getParticipant('CF1', 'CA2');
      const auth = `Basic ${Buffer.from('P1:secret-token-1').toString('base64')}`;
      const { name, version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { name: string; version: string };
      const expected = { authorization: auth, userAgent: `${name}/${version}`, accept: 'application/json' };
      assert.deepEqual(
        space.seen.map(({ authorization, userAgent, accept }) => ({ authorization, userAgent, accept })),
        [expected, expected],
      );
    } finally {
      await space.close();
    }
  });

  it('sends these headers and no others: a read, a form write and a delete, each with its body', async () => {
    const requests: { method?: string; names: string[]; contentType?: string; body: string }[] = [];
    const space = await localServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        requests.push({ method: req.method, names: Object.keys(req.headers).sort(), contentType: req.headers['content-type'], body });
        if (req.method === 'DELETE') {
          res.writeHead(204).end();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ call_sid: 'CA1' }));
      });
    });
    try {
      const client = clientFor(space.origin);
      await client.getParticipant('CF1', 'CA1');
      await client.postForm(client.participantPath('CF1', 'CA1'), { Muted: 'true' }, () => false);
      await client.delete(client.recordingPath('CF1', 'RE1'), () => false);
      const common = ['accept', 'accept-encoding', 'authorization', 'connection', 'host', 'user-agent'];
      assert.deepEqual(requests, [
        { method: 'GET', names: common, contentType: undefined, body: '' },
        { method: 'POST', names: [...common, 'content-length', 'content-type'].sort(), contentType: 'application/x-www-form-urlencoded', body: 'Muted=true' },
        { method: 'DELETE', names: common, contentType: undefined, body: '' },
      ]);
    } finally {
      await space.close();
    }
  });

  it('goes straight to the space when no proxy variable is set', async () => {
    const space = await recordingServer();
    try {
      await clientFor(space.origin).getParticipant('CF1', 'CA1');
      assert.equal(space.seen.length, 1);
      assert.match(space.seen[0].url, /^\/api\/laml\/2010-04-01\/Accounts\/P1\/Conferences\/CF1\/Participants\/CA1$/);
    } finally {
      await space.close();
    }
  });

  it('goes through the proxy that HTTP_PROXY names, as axios does', async () => {
    const proxy = await recordingServer();
    try {
      process.env.HTTP_PROXY = proxy.origin;
      // The space itself is never reached: the proxy answers in its place.
      const participant = await clientFor('http://127.0.0.1:9').getParticipant('CF1', 'CA1');
      assert.equal(participant.call_sid, 'CA1');
      assert.equal(proxy.seen.length, 1);
      // A proxy is asked for the absolute URL.
      assert.equal(proxy.seen[0].url, 'http://127.0.0.1:9/api/laml/2010-04-01/Accounts/P1/Conferences/CF1/Participants/CA1');
    } finally {
      await proxy.close();
    }
  });

  it('goes straight to a space that NO_PROXY names, although HTTP_PROXY is set', async () => {
    const proxy = await recordingServer();
    const space = await recordingServer();
    try {
      process.env.HTTP_PROXY = proxy.origin;
      process.env.NO_PROXY = '127.0.0.1';
      await clientFor(space.origin).getParticipant('CF1', 'CA1');
      assert.equal(space.seen.length, 1);
      assert.equal(proxy.seen.length, 0);
    } finally {
      await proxy.close();
      await space.close();
    }
  });
});

/** A server that holds every request until the test answers it. */
async function holdingServer(): Promise<{ origin: string; held: Array<{ url: string; res: http.ServerResponse }>; close: () => Promise<void> }> {
  const held: Array<{ url: string; res: http.ServerResponse }> = [];
  const server = await localServer((req, res) => held.push({ url: req.url ?? '', res }));
  return { ...server, held };
}

function answer(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** A promise's outcome, readable while it is pending. */
function track(p: Promise<unknown>): { done: boolean; error?: Error & { statusCode?: number } } {
  const t: { done: boolean; error?: Error } = { done: false };
  p.then(
    () => (t.done = true),
    (err: Error) => Object.assign(t, { done: true, error: err }),
  );
  return t;
}

/** Waits on real I/O (setImmediate is not faked) until `check` holds, at most 5 s of real time. */
async function until(check: () => boolean, what: string): Promise<void> {
  const end = performance.now() + 5000;
  while (!check()) {
    if (performance.now() > end) throw new Error(`not so within 5 s: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('the client against its deadline, on a fake clock (nodes/lib/client/client.ts)', () => {
  // The timers and the clock the client reads are faked; the sockets are real. A request's
  // deadline is (retries + 2) x timeout plus the waits before retries (see requestDeadline).
  let clock: sinon.SinonFakeTimers;
  let space: Awaited<ReturnType<typeof holdingServer>>;
  let client: SignalWireClient;
  beforeEach(async () => {
    space = await holdingServer();
    clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(async () => {
    clock.restore();
    client?.close();
    await space.close();
  });
  /** The client's debug lines: one per retry, with its delay. */
  let retries: string[];
  const connect = (config: SpaceConfig) => {
    retries = [];
    client = new SignalWireClient(resolveSpaceSettings({ space: space.origin, ...config }, { projectId: 'P1', apiToken: 'secret-token-1' }, {}), (line) => retries.push(line));
    return client;
  };
  const get = (callSid: string) => track(client.getParticipant('CF1', callSid));
  /** Keeps the one slot busy for 9 s (under the 10 s timeout): answers the request on the wire then. */
  const holdSlot = async (n: number) => {
    await until(() => space.held.length === n, `request ${n} on the wire`);
    clock.tick(9000);
    answer(space.held[n - 1].res, 200, { call_sid: `CA${n}` });
  };

  it('cuts an attempt to what is left of the deadline: a request that gets its slot late ends at its deadline', async () => {
    connect({ timeout: 10, retries: 0, maxInFlight: 1 });
    assert.equal(client.requestDeadlineMs, 20_000);
    const started = Date.now();
    const before = [get('CA1'), get('CA2')];
    const late = get('CA3');
    await holdSlot(1);
    await holdSlot(2);
    // The late request is on the wire 18 s after it was made, with 2 s left, and the server holds it.
    await until(() => before.every((r) => r.done) && space.held.length === 3, 'the late request on the wire');
    assert.deepEqual(before.map((r) => r.error), [undefined, undefined]);
    clock.tick(20_000 - (Date.now() - started));
    await until(() => late.done, 'the late request ended at its deadline (its attempt kept a full 10 s timeout?)');
    assert.equal(late.error?.message, 'SignalWire request gave up after 20 s (timeout, retries and waits included)');
  });

  it('cuts a backoff to the time left: a long wait in the queue, then a 429 asking for more time than is left, ends at the deadline', async () => {
    // 60 s: 3 x 10 s, and the 30 s Retry-After cap before the one retry.
    connect({ timeout: 10, retries: 1, maxInFlight: 1, retryBaseMs: 100, maxRetryAfterMs: 30_000 });
    assert.equal(client.requestDeadlineMs, 60_000);
    const started = Date.now();
    const before = [get('CA1'), get('CA2'), get('CA3'), get('CA4')];
    const late = get('CA5');
    for (let n = 1; n <= 4; n++) await holdSlot(n);
    await until(() => before.every((r) => r.done) && space.held.length === 5, 'the late request on the wire');
    // 36 s after it was made, 24 s left: the space asks for 30.
    answer(space.held[4].res, 429, { code: 20429, message: 'Too Many Requests', status: 429 }, { 'Retry-After': '30' });
    await until(() => retries.length === 1, 'the 429 read');
    assert.match(retries[0], /\b24000 ms\b/, 'the backoff is what is left of the deadline');
    await new Promise((r) => setImmediate(r)); // the backoff's timer set
    clock.tick(60_000 - (Date.now() - started));
    await until(() => late.done, 'the late request ended at its deadline (its backoff not cut to the time left?)');
    assert.equal(late.error?.message, 'SignalWire rate limited: the space answered 429 Too Many Requests, gave up after 60 s (timeout, retries and waits included)');
    assert.equal(late.error?.statusCode, 429);
    assert.equal(space.held.length, 5, 'no attempt after the deadline');
  });
});
