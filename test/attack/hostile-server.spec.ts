// The attack suite, server side: a space (or whatever answers in its place) that misbehaves on
// purpose. Nothing it does may hang a node, fill memory, leave the listing or leak a secret.
import assert from 'node:assert/strict';
import { requestDeadline } from '../../nodes/lib/client/client';
import { caughtError, credentials, delay, flow, helper, lastStatus, load, outcome } from '../support/harness';
import { HostileServer, participantsPage } from '../support/hostile-server';

const LIST = { type: 'signalwire-list-participants' };
const GET = { type: 'signalwire-get-participant' };

describe('a hostile space', function () {
  let s: HostileServer;

  beforeEach(async () => {
    s = await new HostileServer().start();
  });

  afterEach(async () => {
    await helper.unload();
    await s.close();
  });

  const deploy = (node: object, space: object = {}) => load(flow(node, s as never, space), credentials(s as never));

  describe('time: every message ends within a bound derived from timeout, retries and the Retry-After cap', () => {
    it('times out a body dribbled one byte every 250 ms: the timeout bounds the whole attempt, not idle time', async () => {
      s.handle = (_req, res) => s.dribble(res, 250);
      const n1 = await deploy(LIST, { timeout: 0.6, retries: 0 });
      const started = Date.now();
      // Were only idle time bounded, the dribble would keep the request alive for ever: the wait
      // of caughtError() is the guard.
      const err = caughtError(5000);
      n1.receive({ conferenceSid: 'C1' });
      const msg = await err;
      const took = Date.now() - started;
      assert.equal(msg.error.message, 'SignalWire request timed out after 0.6 s');
      assert.ok(took >= 550, `ended after ${took} ms`);
      await delay(50);
      assert.equal(s.openSockets, 0, 'the dribbling connection was closed');
    });

    it('retries a dribbled attempt as a timeout: each attempt is cut at its timeout, the retries fit the deadline', async () => {
      s.handle = (_req, res) => s.dribble(res, 100);
      const n1 = await deploy(LIST, { timeout: 0.3, retries: 2, retryBaseMs: 10, maxRetryAfterMs: 100 });
      const err = caughtError(5000);
      n1.receive({ conferenceSid: 'C1' });
      const msg = await err;
      // Every attempt ran to its timeout and none was cut short by the request's deadline (that
      // would say "gave up"): the deadline leaves room for all of them.
      assert.equal(msg.error.message, 'SignalWire request timed out after 0.3 s (after 3 attempts)');
      assert.equal(s.requests.length, 3);
      const [a, b, c] = s.requests.map((r) => r.at);
      assert.ok(b - a >= 290 && c - b >= 290, `attempts ${b - a} and ${c - b} ms apart`);
    });

    it('does not let dribbling requests stall the space: each frees its slot at its deadline', async () => {
      s.handle = (req, res) => {
        if (req.url?.includes('/Conferences/slow/')) s.dribble(res, 100);
        else HostileServer.json(res, participantsPage(s.participantsPath('good'), [], null));
      };
      // One retry: the deadline then leaves room for a turn in the queue (see requestDeadline).
      const n1 = await deploy(LIST, { timeout: 0.4, retries: 1, maxInFlight: 2 });
      for (let i = 0; i < 4; i++) n1.receive({ conferenceSid: 'slow' });
      n1.receive({ conferenceSid: 'good', marker: 'good' });
      // A slot held for as long as the dribble goes on would keep the good request waiting for
      // ever: the wait of outcome() is the guard.
      const good = await outcome(5000);
      assert.equal(good.marker, 'good');
      const errors: string[] = [];
      for (let i = 0; i < 4; i++) errors.push((await caughtError(5000)).error.message);
      for (const e of errors) assert.match(e, /timed out after 0.4 s/);
    });

    it('gives up on a request that cannot get a slot before its deadline, queue wait included', async () => {
      s.handle = (_req, res) => s.dribble(res, 100);
      const n1 = await deploy(LIST, { timeout: 0.3, retries: 0, maxInFlight: 1 });
      const bound = requestDeadline(300, 0, 500, 30_000);
      for (let i = 0; i < 4; i++) n1.receive({ conferenceSid: 'C1' });
      const messages: string[] = [];
      for (let i = 0; i < 4; i++) messages.push((await caughtError(5000)).error.message);
      // One that waited for its turn past its deadline ends with the deadline's error, not a timeout of its own.
      assert.ok(messages.some((m) => m === `SignalWire request gave up after ${bound / 1000} s (timeout, retries and waits included)`), messages.join('\n'));
    });
  });

  describe('memory: what one listing may hold is bounded', () => {
    it('refuses a page of 1.9 MiB of {} (more items than the page size asked), sends nothing and asks no further', async () => {
      const path = s.participantsPath('C1');
      const items = '{},'.repeat(650_000);
      s.handle = (_req, res) => {
        const body = JSON.stringify(participantsPage(path, [], `${path}?PageSize=1000&PageToken=PA${s.requests.length}`)).replace('"participants":[]', `"participants":[${items}{}]`);
        HostileServer.json(res, body);
      };
      const n1 = await deploy(LIST);
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1' });
      assert.equal((await err).error.message, 'SignalWire sent 650001 participants in a page of 1000: refused');
      assert.equal(s.requests.length, 1);
    });

    it('in one-page mode without a page size, holds a page to the API default of 50: 51 items are refused', async () => {
      const path = s.participantsPath('C1');
      s.handle = (_req, res) => HostileServer.json(res, JSON.stringify(participantsPage(path, Array.from({ length: 51 }, () => ({})), null, 50)));
      const n1 = await deploy({ ...LIST, mode: 'page' });
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1' });
      assert.equal((await err).error.message, 'SignalWire sent 51 participants in a page of 50: refused');
    });

    it('with call details on, refuses an overfull page before looking up a single call', async () => {
      const path = s.participantsPath('C1');
      const participants = Array.from({ length: 60 }, (_, i) => ({ call_sid: `CA${i}`, conference_sid: 'C1' }));
      s.handle = (req, res) => HostileServer.json(res, JSON.stringify(req.url?.includes('/Calls/') ? { sid: 'CA0' } : participantsPage(path, participants, null, 50)));
      const n1 = await deploy({ ...LIST, mode: 'page', pageSize: 50, callDetails: true });
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1' });
      assert.equal((await err).error.message, 'SignalWire sent 60 participants in a page of 50: refused');
      assert.deepEqual(s.requests.map((r) => r.url.split('?')[0]), [path], 'no call was looked up');
    });

    it('refuses an answer over 2 MiB and says it is too large', async () => {
      const big = JSON.stringify(participantsPage(s.participantsPath('C1'), [{ pad: 'x'.repeat(2.1 * 1024 * 1024) }], null));
      s.handle = (_req, res) => HostileServer.json(res, big);
      const n1 = await deploy(LIST, { retries: 3 });
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1' });
      assert.equal((await err).error.message, 'SignalWire response too large: over 2 MiB, refused');
      assert.equal(s.requests.length, 1, 'not retried');
    });

    it('refuses an answer streamed without a length past 2 MiB', async () => {
      s.handle = (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = ' '.repeat(64 * 1024);
        for (let i = 0; i < 40; i++) res.write(chunk);
        res.end('{}');
      };
      const n1 = await deploy(GET);
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1', callSid: 'CA1' });
      assert.match((await err).error.message, /too large: over 2 MiB/);
    });

    it('stops a listing past max items with an error, nothing partial sent', async () => {
      const path = s.participantsPath('C1');
      s.handle = (_req, res) => {
        const n = s.requests.length;
        HostileServer.json(res, participantsPage(path, [{ call_sid: `a${n}` }, { call_sid: `b${n}` }, { call_sid: `c${n}` }], `${path}?PageSize=1000&PageToken=PA${n}`));
      };
      const n1 = await deploy({ ...LIST, maxItems: 5 });
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1' });
      assert.equal((await err).error.message, 'SignalWire listing has more than 5 participants (the node\'s max items): stopped');
      assert.equal(s.requests.length, 2);
    });

    it('refuses a list answer without a participants array', async () => {
      for (const body of [{}, { participants: {} }, [], 'null']) {
        s.handle = (_req, res) => HostileServer.json(res, body);
        const n1 = await deploy(LIST);
        const err = caughtError();
        n1.receive({ conferenceSid: 'C1' });
        assert.equal((await err).error.message, 'SignalWire 200: the list response has no "participants" array', JSON.stringify(body));
        await helper.unload();
      }
    });
  });

  describe('next_page_uri: followed only on the listing\'s own resource path', () => {
    const evil = (path: string) => [
      path.replace('/Accounts/hostile-project/', '/Accounts/someone-else/'),
      path.replace('/Participants', '/Participants/../../../../Calls'),
      path.replace('/Participants', '/Participants/%2e%2e/%2E%2E/Recordings'),
      path.replace('/Conferences/C1/Participants', '/Calls'),
    ];

    it('refuses another account, another resource and dot segments in any spelling, with no request', async () => {
      const path = s.participantsPath('C1');
      for (const target of evil(path)) {
        const before = s.requests.length;
        s.handle = (_req, res) => HostileServer.json(res, participantsPage(path, [{}], `${target}?PageSize=1000&PageToken=PA1`));
        const n1 = await deploy(LIST);
        const err = caughtError();
        n1.receive({ conferenceSid: 'C1' });
        assert.match((await err).error.message, /^SignalWire next_page_uri ".*" does not continue this listing \(.*\): not followed$/);
        assert.equal(s.requests.length, before + 1, `no request for ${target}`);
        await helper.unload();
      }
    });
  });

  describe('secrets echoed back are never passed on', () => {
    function forms(): string[] {
      return [s.apiToken, s.basic, `${s.projectId}:${s.apiToken}`, encodeURIComponent(s.apiToken)];
    }

    function assertClean(what: string, text: string): void {
      for (const f of forms()) assert.equal(text.includes(f), false, `${what} holds ${f}`);
      assert.equal(text.includes(s.apiToken.slice(0, 8)), false, `${what} holds a piece of the token`);
    }

    it('removes the Authorization header, the token and base64(projectId:token) from errors, msg, log and status', async () => {
      s.handle = (req, res) => {
        const echo = `auth=${req.headers.authorization} token=${s.apiToken} pair=${s.projectId}:${s.apiToken} b64=${s.basic}`;
        HostileServer.json(res, { code: 20001, message: `Bad request: ${echo}`, more_info: `https://x/?${echo}`, status: 400 }, 400);
      };
      const n1 = await deploy(LIST);
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1' });
      const msg = await err;
      assert.match(msg.error.message, /^SignalWire 400 \(20001\): Bad request: auth=Basic \[redacted\] token=\[redacted\] pair=\[redacted\]/);
      assertClean('the caught msg', JSON.stringify(msg));
      assertClean('the log', JSON.stringify(helper.log().args));
      assertClean('the status', JSON.stringify(n1.status.args));
      assert.ok(s.requests.every((r) => r.authorization === `Basic ${s.basic}`), 'the token did travel, as Basic auth');
    });

    it('removes a secret from a long echo before cutting it, so no piece survives the cut', async () => {
      s.handle = (_req, res) => HostileServer.json(res, { message: `${'x'.repeat(190)}${s.apiToken}${'y'.repeat(1000)}` }, 400);
      const n1 = await deploy(GET);
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1', callSid: 'CA1' });
      assertClean('the caught msg', JSON.stringify(await err));
    });

    it('removes a secret echoed in a next_page_uri from the error that quotes it', async () => {
      const path = s.participantsPath('C1');
      s.handle = (_req, res) => HostileServer.json(res, participantsPage(path, [], `/elsewhere?t=${s.apiToken}&b=${s.basic}`));
      const n1 = await deploy(LIST);
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1' });
      const msg = await err;
      assert.match(msg.error.message, /\[redacted\]/);
      assertClean('the caught msg', JSON.stringify(msg));
    });

    it('keeps echoed secrets out of the Test connection answer', async () => {
      s.handle = (req, res) => HostileServer.json(res, { code: 20003, message: `no: ${req.headers.authorization} ${s.apiToken}`, status: 401 }, 401);
      await deploy(LIST);
      const res = await helper.request().post('/signalwire/test-connection').set('Content-Type', 'application/json')
        .send({ space: s.url, projectId: s.projectId, apiToken: s.apiToken });
      assert.equal(res.body.result, 'unauthorized');
      assertClean('the answer', res.text);
    });

    it('never quotes user:token@ pasted into the Space field, whatever else is wrong with it', async () => {
      for (const space of [`http://${s.projectId}:${s.apiToken}@example.com`, `https://${s.projectId}:${s.apiToken}@exa mple.com`, `ftp://${s.projectId}:${s.apiToken}@example.com`, `${s.projectId}:${s.apiToken}@example.com`]) {
        const n1 = await deploy(LIST, { space });
        const err = caughtError();
        n1.receive({ conferenceSid: 'C1' });
        const msg = await err;
        assert.equal(msg.error.message, 'SignalWire space URL must not contain a user name or password');
        assertClean('the caught msg', JSON.stringify(msg));
        assertClean('the log', JSON.stringify(helper.log().args));
        const res = await helper.request().post('/signalwire/test-connection').set('Content-Type', 'application/json')
          .send({ space, projectId: s.projectId, apiToken: 'typed-token' });
        assert.equal(res.body.result, 'invalid');
        assertClean('the answer', res.text);
        await helper.unload();
      }
      assert.equal(s.requests.length, 0);
    });
  });

  describe('server and message text is bounded and escaped', () => {
    it('cuts a 1.9 MB error message to a few hundred characters in error.message and msg.signalwireError', async () => {
      s.handle = (_req, res) => HostileServer.json(res, { code: 20001, message: 'm'.repeat(1_900_000), more_info: 'u'.repeat(100_000), status: 400 }, 400);
      const n1 = await deploy(GET);
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1', callSid: 'CA1' });
      const msg = await err;
      assert.ok(msg.error.message.length < 300, `error.message is ${msg.error.message.length} characters`);
      assert.match(msg.error.message, /… \(1899800 more characters\)$/);
      // The fields on msg.signalwireError keep 500 characters each.
      assert.equal(msg.signalwireError.message, `${'m'.repeat(500)}… (1899500 more characters)`);
      assert.equal(msg.signalwireError.more_info, `${'u'.repeat(500)}… (99500 more characters)`);
    });

    it('cuts a 1 MB next_page_uri', async () => {
      const path = s.participantsPath('C1');
      s.handle = (_req, res) => HostileServer.json(res, participantsPage(path, [], `${path}?PageToken=PA${'z'.repeat(1_000_000)}`));
      const n1 = await deploy(LIST);
      const err = caughtError();
      n1.receive({ conferenceSid: 'C1' });
      const msg = await err;
      assert.equal(msg.error.message, 'SignalWire next_page_uri is longer than 2048 characters: not followed');
    });

    it('escapes CR/LF, U+2028/U+2029 and other control characters from a server message and a SID, so no log line is forged', async () => {
      // A JSON-lines log reader (JavaScript's own line terminators) breaks lines at U+2028 and U+2029 too.
      s.handle = (_req, res) => HostileServer.json(res, { message: 'oops\r\n[error] forged line\u001b[31m\u2028[error] two\u2029[error] three', status: 400 }, 400);
      const n1 = await deploy(GET);
      let err = caughtError();
      n1.receive({ conferenceSid: 'C1', callSid: 'CA1' });
      const caught = await err;
      assert.equal(caught.error.message, 'SignalWire 400: oops\\r\\n[error] forged line\\u001b[31m\\u2028[error] two\\u2029[error] three');
      assert.equal(caught.signalwireError.message, 'oops\\r\\n[error] forged line\\u001b[31m\\u2028[error] two\\u2029[error] three');
      err = caughtError();
      n1.receive({ conferenceSid: 'C1\r\n[warn] forged\u2028[warn] again', callSid: 'CA1' });
      assert.equal((await err).error.message, 'Conference SID "C1\\r\\n[warn] forged\\u2028[warn] again" may contain only letters, digits, "-" and "_"');
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'invalid input' });
    });

    it('logs an uncaught error as one line, control characters escaped', async () => {
      const nodes = flow(GET, s as never).filter((n) => n.type !== 'catch');
      const n1 = await load(nodes, credentials(s as never));
      n1.receive({ conferenceSid: 'C1\r\n[warn] forged', callSid: 'CA1' });
      await delay(100);
      const lines = helper.log().args.map((a: Array<{ level: number; msg?: unknown }>) => a[0]).filter((e: { level: number }) => e.level === 20).map((e: { msg?: unknown }) => String(e.msg));
      assert.deepEqual(lines, ['Conference SID "C1\\r\\n[warn] forged" may contain only letters, digits, "-" and "_"']);
    });
  });

  describe('load: slots, pauses and the queue', () => {
    const page = (res: import('node:http').ServerResponse, sid: string) => HostileServer.json(res, participantsPage(s.participantsPath(sid), [], null));

    it('holds a slot only while a request is on the wire: a message waiting out a backoff lets others through', async () => {
      let firstA = true;
      s.handle = (req, res) => {
        if (req.url?.includes('/Conferences/A/') && firstA) {
          firstA = false;
          HostileServer.json(res, { message: 'busy' }, 503);
        } else page(res, req.url?.includes('/Conferences/A/') ? 'A' : 'B');
      };
      const n1 = await deploy(LIST, { maxInFlight: 1, retryBaseMs: 1500 });
      n1.receive({ conferenceSid: 'A', which: 'A' });
      await delay(100);
      n1.receive({ conferenceSid: 'B', which: 'B' });
      const first = await outcome(5000);
      assert.equal(first.which, 'B', 'B was answered while A waited out its backoff');
      assert.equal((await outcome(5000)).which, 'A');
      assert.deepEqual(s.requests.map((r) => r.url.split('/Conferences/')[1][0]), ['A', 'B', 'A']);
    });

    it('pauses every request to the space when it answers 429 with Retry-After', async () => {
      let limited = true;
      s.handle = (req, res) => {
        if (limited) {
          limited = false;
          HostileServer.json(res, { code: 20429, message: 'Too Many Requests', status: 429 }, 429, { 'Retry-After': '1' });
        } else page(res, 'X');
      };
      const n1 = await deploy(LIST, { maxInFlight: 5 });
      n1.receive({ conferenceSid: 'A' });
      await delay(100);
      n1.receive({ conferenceSid: 'B' });
      await outcome(5000);
      await outcome(5000);
      const [limitedAt, ...later] = s.requests.map((r) => r.at);
      for (const at of later) assert.ok(at - limitedAt >= 950, `a request went out ${at - limitedAt} ms after the 429`);
      assert.equal(s.requests.length, 3);
    });

    it('caps a Retry-After pause at the configured maximum', async () => {
      let limited = true;
      s.handle = (_req, res) => {
        if (limited) {
          limited = false;
          HostileServer.json(res, { status: 429 }, 429, { 'Retry-After': '3600' });
        } else page(res, 'X');
      };
      const n1 = await deploy(LIST, { maxRetryAfterMs: 200 });
      n1.receive({ conferenceSid: 'A' });
      // Uncapped, the pause would last an hour: the wait of outcome() is the guard.
      await outcome(5000);
      const [limitedAt, retriedAt] = s.requests.map((r) => r.at);
      assert.ok(retriedAt - limitedAt >= 190, `retried ${retriedAt - limitedAt} ms after the 429`);
    });

    it('refuses a message with "queue full" when the queue is at its bound, and keeps the ones waiting', async () => {
      const held: Array<import('node:http').ServerResponse> = [];
      s.handle = (_req, res) => held.push(res);
      const n1 = await deploy(LIST, { maxInFlight: 1, maxQueue: 2 });
      for (let i = 0; i < 4; i++) n1.receive({ conferenceSid: 'C1', i });
      const err = await caughtError(2000);
      assert.equal(err.i, 3);
      assert.equal(err.error.message, 'SignalWire queue full: 2 requests already wait for this space');
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'queue full' });
      for (let i = 0; i < 3; i++) {
        await delay(50);
        page(held[i], 'C1');
        assert.equal((await outcome(2000)).i, i);
      }
    });
  });
});
