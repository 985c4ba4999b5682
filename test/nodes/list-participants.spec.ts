import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  assertEndedByClose,
  caughtError,
  collect,
  completions,
  credentials,
  delay,
  flow,
  helper,
  lastStatus,
  listNode,
  next,
  load,
  outcome,
  redeployNodes,
  spaceNode,
  useSpace,
  timerWatch,
  waitUntil,
  type Msg,
} from '../support/harness';

const LIST = { type: 'signalwire-list-participants' };

/** A server that must never be contacted: it records whatever reaches it. */
async function startBystander(): Promise<{ url: string; hits: string[]; close: () => Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url} auth=${req.headers.authorization ?? ''}`);
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, hits, close: () => new Promise((r) => server.close(() => r())) };
}

describe('signalwire-list-participants', function () {
  const h = useSpace();

  describe('all pages (default mode)', () => {
    it('follows next_page_uri at PageSize 1000 and sends every participant, unchanged, in one message', async () => {
      h.space.addParticipants(h.conferenceSid, 2345);
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      const msg = await got;
      assert.deepEqual(msg.payload, h.space.participants(h.conferenceSid));
      assert.equal(h.space.requests.length, 3);
      assert.equal(h.space.requests[0].query.PageSize, '1000');
      assert.equal(h.space.requests[0].query.Page, undefined);
      assert.match(h.space.requests[1].query.PageToken, /^PA/);
      assert.match(h.space.requests[2].query.PageToken, /^PA/);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '2345 participants' });
    });

    it('sends an empty array for an empty conference', async () => {
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.deepEqual((await got).payload, []);
    });

    it('keeps every other property of the incoming msg', async () => {
      h.space.addParticipants(h.conferenceSid, 2);
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const res = { _res: { marker: 'response object of http in' } };
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, topic: 'dash', res, req: { query: { a: 1 } }, custom: [1, 2] });
      const msg = await got;
      assert.equal(msg.topic, 'dash');
      assert.equal(msg.res._res.marker, 'response object of http in');
      assert.deepEqual(msg.req.query, { a: 1 });
      assert.deepEqual(msg.custom, [1, 2]);
      assert.equal(msg.payload.length, 2);
    });

    it('ignores page fields left over from another mode, and msg.pageSize', async () => {
      h.space.addParticipants(h.conferenceSid, 3);
      const n1 = await load(flow({ ...LIST, pageSize: '5000', page: 'x', pageToken: 'bad' }, h.space), credentials(h.space));
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, pageSize: 2, page: 3 });
      assert.equal((await got).payload.length, 3);
      assert.deepEqual(h.space.requests[0].query, { PageSize: '1000' });
    });

    it('stops with an error past the max pages cap, sending nothing', async () => {
      h.space.addParticipants(h.conferenceSid, 3500);
      const n1 = await load(flow({ ...LIST, maxPages: 2 }, h.space), credentials(h.space));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      const msg = await err;
      assert.match(msg.error.message, /more than 2 pages/);
      assert.equal(h.space.requests.length, 2);
    });

    it('stops with an error when next_page_uri repeats, instead of looping', async () => {
      h.space.addParticipants(h.conferenceSid, 3500);
      h.space.pagingQuirk = 'repeat-next';
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.match((await err).error.message, /same next_page_uri twice/);
      assert.ok(h.space.requests.length <= 3, `made ${h.space.requests.length} requests`);
    });

    it('never follows a next_page_uri to another origin', async () => {
      const other = await startBystander();
      try {
        h.space.addParticipants(h.conferenceSid, 1500);
        h.space.pagingQuirk = { nextPageUri: `${other.url}/api/laml/2010-04-01/steal?PageToken=PA1` };
        const n1 = await load(flow(LIST, h.space), credentials(h.space));
        const err = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid });
        // The wording is not the point: the error names the refused next_page_uri.
        assert.match((await err).error.message, /next_page_uri.*not followed/);
        assert.deepEqual(other.hits, []);
      } finally {
        await other.close();
      }
    });

    it('does not follow a redirect, so credentials never reach another host', async () => {
      const other = await startBystander();
      try {
        h.space.injectFaults({ kind: 'redirect', location: `${other.url}/elsewhere` });
        const n1 = await load(flow(LIST, h.space), credentials(h.space));
        const err = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid });
        const msg = await err;
        assert.match(msg.error.message, /^SignalWire 302: .*redirect not followed/);
        assert.equal(msg.statusCode, 302);
        assert.deepEqual(other.hits, []);
      } finally {
        await other.close();
      }
    });
  });

  describe('where the conference SID comes from', () => {
    it('reads msg.payload.ConferenceSid of a status callback when msg.conferenceSid is absent', async () => {
      h.space.addParticipants(h.conferenceSid, 3);
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const got = outcome();
      n1.receive({ payload: { ConferenceSid: h.conferenceSid, StatusCallbackEvent: 'participant-join', Muted: 'true', Hold: 'true', CallSid: 'x' } });
      const msg = await got;
      assert.equal(msg.payload.length, 3);
      // The callback's Muted/Hold describe one participant: they are not filters.
      assert.equal(h.space.requests[0].query.Muted, undefined);
      assert.equal(h.space.requests[0].query.Hold, undefined);
    });

    it('prefers msg.conferenceSid over the callback payload', async () => {
      h.space.addParticipants(h.conferenceSid, 1);
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, payload: { ConferenceSid: 'other-conference' } });
      assert.equal((await got).payload.length, 1);
      assert.match(h.space.requests[0].path, new RegExp(`/Conferences/${h.conferenceSid}/Participants$`));
    });

    it('reads a configured msg property, flow context, env variable or fixed string', async () => {
      h.space.addParticipants(h.conferenceSid, 1);
      process.env.TEST_SW_CONFERENCE = h.conferenceSid;
      try {
        const cases: Array<[Record<string, string>, Msg]> = [
          [{ conferenceSid: 'room.sid', conferenceSidType: 'msg' }, { room: { sid: h.conferenceSid } }],
          [{ conferenceSid: 'TEST_SW_CONFERENCE', conferenceSidType: 'env' }, {}],
          [{ conferenceSid: h.conferenceSid, conferenceSidType: 'str' }, {}],
          [{ conferenceSid: 'conf', conferenceSidType: 'flow' }, {}],
        ];
        for (const [settings, msgIn] of cases) {
          const n1 = await load(flow({ ...LIST, ...settings }, h.space), credentials(h.space));
          n1.context().flow.set('conf', h.conferenceSid);
          const got = outcome();
          n1.receive(msgIn);
          assert.equal((await got).payload.length, 1, JSON.stringify(settings));
          await helper.unload();
        }
      } finally {
        delete process.env.TEST_SW_CONFERENCE;
      }
    });

    it('does not fall back to the payload when another property is configured', async () => {
      const n1 = await load(flow({ ...LIST, conferenceSid: 'room', conferenceSidType: 'msg' }, h.space), credentials(h.space));
      const err = caughtError();
      n1.receive({ payload: { ConferenceSid: h.conferenceSid } });
      assert.match((await err).error.message, /Conference SID is missing: set msg.room$/);
    });
  });

  describe('bad input is refused before any request', () => {
    const cases: Array<[string, Msg, RegExp]> = [
      ['no SID at all', { payload: 'tick' }, /Conference SID is missing: set msg.conferenceSid \(or msg.payload.ConferenceSid\)/],
      ['an empty SID', { conferenceSid: '' }, /Conference SID is empty/],
      ['a number', { conferenceSid: 42 }, /Conference SID must be a string, got 42/],
      ['an object', { conferenceSid: { sid: 'x' } }, /Conference SID must be a string, got an object/],
      ['a path traversal', { conferenceSid: '../../Calls' }, /may contain only letters, digits/],
      ['a slash', { conferenceSid: 'a/b' }, /may contain only letters, digits/],
      ['a query', { conferenceSid: 'a?PageSize=1' }, /may contain only letters, digits/],
      ['an encoded slash', { conferenceSid: 'a%2Fb' }, /may contain only letters, digits/],
      ['a bad muted filter', { conferenceSid: 'c1', muted: 'yes' }, /msg.muted must be true or false/],
      ['a bad hold filter', { conferenceSid: 'c1', hold: 0 }, /msg.hold must be true or false/],
    ];
    for (const [what, msgIn, expected] of cases) {
      it(`refuses ${what}`, async () => {
        const n1 = await load(flow(LIST, h.space), credentials(h.space));
        const err = caughtError();
        n1.receive(msgIn);
        const msg = await err;
        assert.match(msg.error.message, expected);
        assert.equal(msg.statusCode, undefined);
        assert.equal(h.space.requests.length, 0);
        assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'invalid input' });
      });
    }

    for (const size of [0, 1001, 'big', 2.5]) {
      it(`refuses page size ${size}`, async () => {
        const n1 = await load(flow({ ...LIST, mode: 'page' }, h.space), credentials(h.space));
        const err = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid, pageSize: size });
        assert.match((await err).error.message, /Page size must be a whole number from 1 to 1000/);
        assert.equal(h.space.requests.length, 0);
      });
    }
  });

  describe('Muted and Hold filters', () => {
    beforeEach(() => {
      h.space.addParticipant(h.conferenceSid, { muted: true, hold: false });
      h.space.addParticipant(h.conferenceSid, { muted: false, hold: true });
      h.space.addParticipant(h.conferenceSid, { muted: true, hold: true });
    });

    it('takes msg.muted / msg.hold as booleans or strings by default', async () => {
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      let got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, muted: true });
      assert.deepEqual((await got).payload.map((p: Msg) => p.muted), [true, true]);
      assert.equal(h.space.requests[0].query.Muted, 'true');
      got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, muted: 'true', hold: 'false' });
      const msg = await got;
      assert.equal(msg.payload.length, 1);
      assert.deepEqual(h.space.requests[1].query, { Muted: 'true', Hold: 'false', PageSize: '1000' });
    });

    it('uses the node setting over the msg: any / true / false', async () => {
      const n1 = await load(flow({ ...LIST, muted: 'any', hold: 'true' }, h.space), credentials(h.space));
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, muted: false, hold: false });
      assert.equal((await got).payload.length, 2);
      assert.deepEqual(h.space.requests[0].query, { Hold: 'true', PageSize: '1000' });
    });
  });

  describe('one page mode', () => {
    it('makes one request with msg.page / msg.pageSize / msg.pageToken and reports how to get the next page', async () => {
      h.space.addParticipants(h.conferenceSid, 25);
      const n1 = await load(flow({ ...LIST, mode: 'page' }, h.space), credentials(h.space));
      let got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, pageSize: 10, topic: 'p' });
      const first = await got;
      assert.equal(h.space.requests.length, 1);
      assert.equal(first.payload.length, 10);
      assert.equal(first.topic, 'p');
      assert.equal(first.paging.page, 0);
      assert.equal(first.paging.pageSize, 10);
      assert.equal(first.paging.previousPageUri, null);
      assert.equal(first.paging.next.page, 1);
      assert.equal(first.paging.next.pageSize, 10);
      assert.match(first.paging.next.pageToken, /^PA/);

      got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, page: first.paging.next.page, pageSize: first.paging.next.pageSize, pageToken: first.paging.next.pageToken });
      const second = await got;
      const all = h.space.participants(h.conferenceSid);
      assert.deepEqual(second.payload, all.slice(10, 20));
      assert.equal(second.paging.page, 1);
      assert.equal(h.space.requests[1].query.PageToken, first.paging.next.pageToken);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'page 1: 10 participants' });
    });

    it('uses the node page size when the msg has none, and the API default when neither has', async () => {
      h.space.addParticipants(h.conferenceSid, 60);
      const n1 = await load(flow({ ...LIST, mode: 'page', pageSize: '7' }, h.space), credentials(h.space));
      let got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 7);
      await helper.unload();
      const n2 = await load(flow({ ...LIST, mode: 'page' }, h.space), credentials(h.space));
      got = outcome();
      n2.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 50);
      assert.equal(h.space.requests[1].query.PageSize, undefined);
    });
  });

  describe('one message per page mode', () => {
    it('sends each page with msg.parts so a join node rebuilds the whole list', async () => {
      h.space.addParticipants(h.conferenceSid, 2500);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const joinNode = require(require.resolve('@node-red/nodes/core/sequence/17-split.js', { paths: [require.resolve(process.env.NODE_RED_PATH ?? 'node-red')] }));
      const nodes = flow({ ...LIST, mode: 'pages' }, h.space);
      nodes.find((n) => n.id === 'n1')!.wires = [['out', 'join']];
      nodes.push({ id: 'join', z: 'f1', x: 1, y: 1, type: 'join', mode: 'auto', build: 'array', wires: [['joined']] }, { id: 'joined', z: 'f1', x: 1, y: 1, type: 'helper', wires: [] });
      const n1 = await load(nodes, credentials(h.space), [spaceNode, listNode, joinNode]);
      assert.ok(helper.getNode('join'));
      n1.receive({ conferenceSid: h.conferenceSid, topic: 'big' });
      const whole = await next('joined');
      const sent = await collect('out', 0);
      assert.deepEqual(sent.map((m) => m.payload.length), [1000, 1000, 500]);
      assert.deepEqual(sent.map((m) => m.parts.index), [0, 1, 2]);
      assert.equal(sent[2].parts.count, 3);
      assert.equal(new Set(sent.map((m) => m.parts.id)).size, 1);
      assert.equal(sent[0].topic, 'big');
      assert.equal(whole.topic, 'big');
      assert.deepEqual(whole.payload, h.space.participants(h.conferenceSid));
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '2500 participants, 3 pages' });
    });
  });

  describe('API errors reach a Catch node', () => {
    it('reports a wrong token as "SignalWire 401 (20003): Authentication failed" with statusCode and the API body', async () => {
      const n1 = await load(flow(LIST, h.space), credentials(h.space, { apiToken: 'wrong-token-123' }));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, topic: 'keep' });
      const msg = await err;
      assert.equal(msg.error.message, 'SignalWire 401 (20003): Authentication failed');
      assert.equal(msg.statusCode, 401);
      assert.equal(msg.signalwireError.code, 20003);
      assert.equal(msg.signalwireError.message, 'Authentication failed');
      assert.equal(typeof msg.signalwireError.more_info, 'string');
      assert.equal(msg.topic, 'keep');
      assert.equal(h.space.requests.length, 1, '401 is not retried');
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: '401 unauthorized' });
      assert.doesNotMatch(JSON.stringify(msg.error) + JSON.stringify(msg), /wrong-token-123/);
    });

    it('reports the list of a conference that ended (404) as "the conference does not exist or has ended", the API\'s text beside it', async () => {
      h.space.removeConference(h.conferenceSid);
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      const msg = await err;
      assert.equal(msg.error.message, 'SignalWire 404: the conference does not exist or has ended');
      assert.equal(msg.statusCode, 404);
      assert.equal(msg.signalwireError.code, 20404);
      assert.match(msg.signalwireError.message, /^The requested resource .*\/Participants was not found$/);
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: '404 not found' });
    });

    it('reports a token without the Voice scope as 403', async () => {
      h.space.voiceScope = false;
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      const msg = await err;
      assert.equal(msg.statusCode, 403);
      assert.match(msg.error.message, /^SignalWire 403 \(\d+\): /);
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: '403 forbidden' });
    });

    it('gives a clear error for an empty body and for HTML instead of JSON', async () => {
      h.space.injectFaults({ kind: 'status', status: 500, body: 'empty' });
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      let err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      let msg = await err;
      assert.equal(msg.error.message, 'SignalWire 500: Internal Server Error (empty response body)');
      assert.equal(msg.statusCode, 500);
      assert.equal(msg.signalwireError, undefined);

      h.space.injectFaults({ kind: 'status', status: 400, body: 'html' });
      err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      msg = await err;
      assert.equal(msg.error.message, 'SignalWire 400: Bad Request (response body is not a JSON error)');

      h.space.injectFaults({ kind: 'status', status: 200, body: '<html>maintenance</html>' });
      err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      msg = await err;
      assert.equal(msg.error.message, 'SignalWire 200: the response is a body that is not JSON');
    });

    // In the all-pages mode iterating a missing array fails by accident; the one-page and
    // per-page modes would send it on: the body must be checked in every mode.
    for (const mode of ['page', 'pages', 'all'] as const) {
      for (const body of ['{}', '{"participants": {}}', '{"participants": null}']) {
        it(`refuses a 200 list answer ${body} in the ${mode} mode: an error, nothing sent`, async () => {
          h.space.addParticipants(h.conferenceSid, 2);
          h.space.injectFaults({ kind: 'status', status: 200, body });
          const n1 = await load(flow({ ...LIST, mode }, h.space), credentials(h.space));
          const err = caughtError();
          n1.receive({ conferenceSid: h.conferenceSid });
          const msg = await err;
          assert.deepEqual(await collect('out', 0), [], 'nothing sent');
          assert.equal(h.space.requests.length, 1, 'a malformed answer is not retried');
          assert.match(msg.error.message, /participants/, 'the error names what is missing');
          const status = await lastStatus(n1);
          assert.equal(status?.fill, 'red');
          assert.equal(status?.shape, 'ring');
        });
      }
    }

    it('does not retry other 4xx', async () => {
      h.space.injectFaults({ kind: 'status', status: 400, body: 'json' }, { kind: 'status', status: 400, body: 'json' });
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      const msg = await err;
      assert.equal(msg.statusCode, 400);
      assert.match(msg.error.message, /^SignalWire 400 \(20001\): /);
      assert.equal(h.space.requests.length, 1);
    });
  });

  describe('status', () => {
    it('shows a blue dot "requesting" while the space holds the request', async () => {
      h.space.injectFaults({ kind: 'hang' });
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      n1.receive({ conferenceSid: h.conferenceSid });
      await waitUntil(() => h.space.inFlight === 1, 2000, 'the space did not receive the request');
      assert.deepEqual(await lastStatus(n1), { fill: 'blue', shape: 'dot', text: 'requesting' });
      assert.equal(h.space.inFlight, 1, 'still held while the status was read');
    });

    it('counts "1 participant", "2 participants" (and "1 page")', async () => {
      h.space.addParticipants(h.conferenceSid, 1);
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      let got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 1);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '1 participant' });
      h.space.addParticipants(h.conferenceSid, 1);
      got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 2);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '2 participants' });
      await helper.unload();

      const n2 = await load(flow({ ...LIST, mode: 'pages' }, h.space), credentials(h.space));
      got = outcome();
      n2.receive({ conferenceSid: h.conferenceSid, pageSize: 1 });
      await got;
      assert.equal((await next('out')).payload.length, 1);
      assert.deepEqual(await lastStatus(n2), { fill: 'green', shape: 'dot', text: '2 participants, 2 pages' });
      got = outcome();
      n2.receive({ conferenceSid: h.conferenceSid });
      await got;
      assert.deepEqual(await lastStatus(n2), { fill: 'green', shape: 'dot', text: '2 participants, 1 page' });
    });
  });

  describe('retries', () => {
    it('honours Retry-After on a 429, then succeeds', async () => {
      h.space.addParticipants(h.conferenceSid, 2);
      h.space.injectFaults({ kind: 'status', status: 429, body: 'json', retryAfter: '1' });
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 2);
      const [a, b] = h.space.requests;
      assert.ok(b.at - a.at >= 950, `retried after ${b.at - a.at} ms`);
    });

    it('honours Retry-After given as an HTTP date', async () => {
      h.space.addParticipants(h.conferenceSid, 1);
      h.space.injectFaults({ kind: 'status', status: 429, body: 'json', retryAfter: new Date(Date.now() + 2000).toUTCString() });
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 1);
      const [a, b] = h.space.requests;
      assert.ok(b.at - a.at >= 900, `retried after ${b.at - a.at} ms`);
    });

    it('retries 429 without Retry-After, 502, 503, 504 and a dropped connection', async () => {
      h.space.addParticipants(h.conferenceSid, 1);
      h.space.injectFaults({ kind: 'status', status: 429, body: 'json' }, { kind: 'status', status: 502, body: 'html' }, { kind: 'drop' });
      const n1 = await load(flow(LIST, h.space, { retryBaseMs: 10 }), credentials(h.space));
      let got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 1);
      assert.equal(h.space.requests.length, 4);

      h.space.injectFaults({ kind: 'status', status: 503, body: 'empty' }, { kind: 'status', status: 504, body: 'json' });
      got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 1);
      assert.equal(h.space.requests.length, 7);
    });

    it('takes its backoff from the config node\'s retryBaseMs (10 ms here, not the default 500 ms)', async () => {
      h.space.addParticipants(h.conferenceSid, 1);
      h.space.injectFaults(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503, body: 'json' as const })));
      const n1 = await load(flow(LIST, h.space, { retryBaseMs: 10 }), credentials(h.space));
      const timers = timerWatch();
      try {
        const got = outcome();
        timers.run(() => n1.receive({ conferenceSid: h.conferenceSid }));
        assert.equal((await got).payload.length, 1);
        assert.equal(h.space.requests.length, 4);
        // The message's first timers under a second are the three backoffs between its four
        // attempts (the attempts' 10 s deadlines share the space's one timer; the status's
        // timer comes last): steps of 10, 20 and 40 ms with equal jitter (from the default
        // 500 ms base: 250 ms and more).
        const delays = timers.delays();
        const backoffs = delays.filter((ms) => ms < 1000).slice(0, 3);
        assert.equal(backoffs.length, 3, `timers of the message: ${JSON.stringify(delays)}`);
        backoffs.forEach((ms, i) => assert.ok(ms >= 5 * 2 ** i && ms <= 10 * 2 ** i, `backoff ${i + 1}: ${ms} ms`));
      } finally {
        timers.stop();
      }
    });

    it('caps a long Retry-After at the config node\'s maxRetryAfterMs', async () => {
      h.space.addParticipants(h.conferenceSid, 1);
      h.space.injectFaults({ kind: 'status', status: 429, body: 'json', retryAfter: '20' });
      const n1 = await load(flow(LIST, h.space, { maxRetryAfterMs: 200 }), credentials(h.space));
      // Uncapped, the wait would be 20 s: outcome()'s wait is the guard.
      const got = outcome(5000);
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.length, 1);
      const [a, b] = h.space.requests;
      assert.ok(b.at - a.at >= 190, `retried after ${b.at - a.at} ms`);
    });

    it('gives up after the configured retries with the last error', async () => {
      h.space.injectFaults(...Array.from({ length: 5 }, () => ({ kind: 'status' as const, status: 503, body: 'json' as const })));
      const n1 = await load(flow(LIST, h.space, { retries: 1, retryBaseMs: 10 }), credentials(h.space));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      const msg = await err;
      assert.match(msg.error.message, /^SignalWire 503 .* \(after 2 attempts\)$/);
      assert.equal(msg.statusCode, 503);
      assert.equal(h.space.requests.length, 2);
    });

    it('times out a request that never answers, retries it, and says "timeout"', async () => {
      h.space.injectFaults({ kind: 'hang' }, { kind: 'hang' });
      const n1 = await load(flow(LIST, h.space, { timeout: 0.3, retries: 1, retryBaseMs: 10 }), credentials(h.space));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      const msg = await err;
      assert.equal(msg.error.message, 'SignalWire request timed out after 0.3 s (after 2 attempts)');
      assert.equal(msg.statusCode, undefined);
      assert.equal(h.space.requests.length, 2);
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'timeout' });
    });

    it('reports an unreachable space', async () => {
      const url = h.space.url;
      await h.space.close();
      const nodes = flow(LIST, h.space, { space: url, retries: 0 });
      const n1 = await load(nodes, credentials(h.space));
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await err).error.message, 'SignalWire unreachable: ECONNREFUSED');
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'unreachable' });
    });
  });

  describe('load and lifecycle', () => {
    it('keeps at most maxInFlight requests open per space; extra messages wait and none is dropped', async () => {
      h.space.addParticipants(h.conferenceSid, 1);
      h.space.latencyMs = 40;
      const n1 = await load(flow(LIST, h.space, { maxInFlight: 3 }), credentials(h.space));
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      const all = collect('out', 1200);
      for (let i = 0; i < 20; i++) n1.receive({ conferenceSid: h.conferenceSid, i });
      const got = await all;
      process.off('warning', onWarning);
      assert.deepEqual(got.map((m) => m.i).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
      assert.equal(h.space.maxInFlight, 3);
      assert.deepEqual(warnings, [], 'a burst is not reported as a listener leak');
    });

    it('aborts a request the space is holding when the flow stops, sends nothing, and ends the message with done()', async () => {
      h.space.injectFaults({ kind: 'hang' });
      const n1 = await load(flow(LIST, h.space), credentials(h.space));
      n1.receive({ conferenceSid: h.conferenceSid });
      // The request is really in flight: the space has it and is holding it.
      await waitUntil(() => h.space.requests.length === 1 && h.space.inFlight === 1, 2000, 'the space did not receive the request');
      await delay(50);
      assert.equal(h.space.inFlight, 1, 'the space is still holding the request');
      await helper.unload();
      await assertEndedByClose(h.space);
      assert.equal(h.space.requests.length, 1, 'not retried after close');
    });

    it('aborts its own held request when only this node is redeployed (the space node and its sockets stay)', async () => {
      h.space.injectFaults({ kind: 'hang' });
      const nodes = flow(LIST, h.space);
      const n1 = await load(nodes, credentials(h.space));
      const spaceBefore = helper.getNode('space');
      n1.receive({ conferenceSid: h.conferenceSid, topic: 'held' });
      await waitUntil(() => h.space.requests.length === 1 && h.space.inFlight === 1, 2000, 'the space did not receive the request');
      await delay(50);
      assert.equal(h.space.inFlight, 1, 'the space is still holding the request');
      const n1After = await redeployNodes(nodes.map((n) => (n.id === 'n1' ? { ...n, name: 'changed' } : n)), credentials(h.space));
      assert.notEqual(n1After, n1, 'n1 was restarted');
      assert.equal(helper.getNode('space'), spaceBefore, 'the config node kept running');
      // Only the node's own abort can end the request now: the space's client and sockets live on.
      const ended = await assertEndedByClose(h.space);
      assert.equal(ended.msg.topic, 'held');
      assert.equal(h.space.requests.length, 1, 'not retried after close');
    });

    it('aborts the follow-up page request on close (all pages: page 1 answered, page 2 held), sending nothing', async () => {
      h.space.addParticipants(h.conferenceSid, 1500);
      h.space.injectFaults({ kind: 'delay', ms: 0 }, { kind: 'hang' }); // page 1 answers, page 2 hangs
      const nodes = flow(LIST, h.space);
      const n1 = await load(nodes, credentials(h.space));
      n1.receive({ conferenceSid: h.conferenceSid });
      await waitUntil(() => h.space.requests.length === 2 && h.space.inFlight === 1, 2000, 'the space did not receive the page 2 request');
      assert.match(h.space.requests[1].query.PageToken ?? '', /^PA/, 'the held request is the follow-up page');
      await delay(50);
      assert.equal(h.space.inFlight, 1, 'the space is still holding page 2');
      // Only n1 restarts: the config node keeps its client and sockets, so nothing but the node's
      // own abort can end the held request.
      await redeployNodes(nodes.map((n) => (n.id === 'n1' ? { ...n, name: 'changed' } : n)), credentials(h.space));
      await assertEndedByClose(h.space);
      assert.equal(h.space.requests.length, 2, 'no page requested after close');
    });

    it('clears a pending retry timer on close: the retry never reaches the space and no timer of the message is left', async () => {
      // Retry-After 20 s, capped by the config node at 9876 ms: a distinctive backoff, far longer
      // than anything here waits, so a timer gone before it is due was cleared, not fired.
      h.space.injectFaults({ kind: 'status', status: 429, body: 'json', retryAfter: '20' });
      const n1 = await load(flow(LIST, h.space, { maxRetryAfterMs: 9876 }), credentials(h.space));
      const timers = timerWatch();
      try {
        timers.run(() => n1.receive({ conferenceSid: h.conferenceSid }));
        await waitUntil(() => timers.pending().some((t) => t.delayMs === 9876), 5000, () => `no 9876 ms backoff timer of the message pending (pending: ${JSON.stringify(timers.pending())})`);
        assert.equal(h.space.requests.length, 1);
        // A close that waited for the backoff would outlast the test's timeout.
        await helper.unload();
        await waitUntil(() => timers.pending().length === 0, 5000, () => `timers of the message left after close: ${JSON.stringify(timers.pending())}`);
        assert.equal(h.space.requests.length, 1, 'no retry after close');
        assert.deepEqual(completions().map((c) => c.error), [undefined]);
        assert.deepEqual(await collect('out', 0), []);
        assert.deepEqual(await collect('caught', 0), []);
      } finally {
        timers.stop();
      }
    });

    it('behaves as with the editor defaults when optional properties are missing from the flow', async () => {
      h.space.addParticipants(h.conferenceSid, 1200);
      const nodes = [
        { id: 'space', type: 'signalwire-space', space: h.space.url },
        { id: 'n1', type: 'signalwire-list-participants', space: 'space', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ];
      const n1 = await load(nodes, credentials(h.space));
      const got = outcome();
      n1.receive({ payload: { ConferenceSid: h.conferenceSid } });
      assert.equal((await got).payload.length, 1200);
      assert.equal(h.space.requests[0].query.PageSize, '1000');
    });
  });
});
