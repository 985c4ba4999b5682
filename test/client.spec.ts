// The client's own wire behaviour that no node adds to: how it authenticates, and that it
// honours the proxy variables axios reads although it decides about them once per space.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SignalWireClient } from '../nodes/lib/client';
import { resolveSpaceSettings } from '../nodes/lib/space';

interface Seen {
  url: string;
  authorization?: string;
  userAgent?: string;
  accept?: string;
}

/** A server that answers every request with a participant-shaped object and records it. */
async function recordingServer(): Promise<{ origin: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', authorization: req.headers.authorization, userAgent: req.headers['user-agent'], accept: req.headers.accept });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ call_sid: 'CA1' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];

describe('the client on the wire (nodes/lib/client.ts)', () => {
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

  it('sends Basic auth of the Project ID and the API token on every request', async () => {
    const space = await recordingServer();
    try {
      const client = clientFor(space.origin);
      await client.getParticipant('CF1', 'CA1');
      await client.getParticipant('CF1', 'CA2');
      const expected = `Basic ${Buffer.from('P1:secret-token-1').toString('base64')}`;
      assert.deepEqual(
        space.seen.map((s) => s.authorization),
        [expected, expected],
      );
    } finally {
      await space.close();
    }
  });

  it('names the package as its User-Agent and asks for JSON on every request', async () => {
    const space = await recordingServer();
    try {
      const client = clientFor(space.origin);
      await client.getParticipant('CF1', 'CA1');
      await client.getParticipant('CF1', 'CA2');
      const { name, version } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { name: string; version: string };
      assert.deepEqual(
        space.seen.map((s) => [s.userAgent, s.accept]),
        [
          [`${name}/${version}`, 'application/json'],
          [`${name}/${version}`, 'application/json'],
        ],
      );
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
