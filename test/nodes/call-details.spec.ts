// list participants with call details (issue 9, "Participants a person can read"): each
// participant gains `call` from GET /Calls/{CallSid}, looked up once per call and kept per space.
// Everything here runs what ships: the built dist/, against a FakeSpace on loopback.
import assert from 'node:assert/strict';
import type { Participant } from '../../nodes/lib/shared/types';
import type { FakeCall } from '../../simulator';
import {
  assertEndedByClose,
  completions,
  credentials,
  delay,
  flow,
  helper,
  lastStatus,
  load,
  next,
  outcome,
  redeployNodes,
  startSpace,
  useSpace,
  waitUntil,
  type Harness,
  type Msg,
} from '../support/harness';

/* eslint-disable @typescript-eslint/no-require-imports */
const lib = require('../../dist/nodes/lib/requests/call-details.js') as typeof import('../../nodes/lib/requests/call-details');
const { SignalWireClient } = require('../../dist/nodes/lib/client/client.js') as typeof import('../../nodes/lib/client/client');
/* eslint-enable @typescript-eslint/no-require-imports */

const WITH_CALLS = { type: 'signalwire-list-participants', callDetails: true };
const CALL_FIELDS = ['from', 'to', 'callerName', 'direction', 'startTime'];

/** What `call` must hold for a call object of the space. */
function expected(c: FakeCall) {
  return { from: c.from, to: c.to, callerName: c.caller_name, direction: c.direction, startTime: new Date(c.start_time!).toISOString() };
}

/** Call details that only say `from` (the cache's own specs). */
function details(from: string) {
  return { from, to: null, callerName: null, direction: null, startTime: null };
}

/** The participant as the API sent it: everything but the added `call`. */
function apiFields(p: Msg): Msg {
  const { call: _call, ...rest } = p;
  return rest;
}

describe('list participants with call details (callDetails)', function () {
  const h = useSpace();
  const callRequests = (since = 0) => h.space.requests.slice(since).filter((r) => r.path.includes('/Calls/'));
  const listRequests = (since = 0) => h.space.requests.slice(since).filter((r) => r.path.endsWith('/Participants'));

  it("adds call { from, to, callerName, direction, startTime } read from each participant's call; the API's fields stay as they are", async () => {
    h.space.addParticipant(h.conferenceSid, {}, { from: '+13103384645', callerName: 'Ada Lovelace', startTime: 'Wed, 19 Sep 2018 20:00:01 +0000' });
    h.space.addParticipant(h.conferenceSid, {}, { direction: 'outbound' });
    h.space.addParticipants(h.conferenceSid, 3);
    const n1 = await load(flow(WITH_CALLS, h.space), credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid });
    const msg = await outcome();
    const participants = h.space.participants(h.conferenceSid);
    assert.equal(msg.payload.length, 5);
    assert.deepEqual(msg.payload.map(apiFields), participants, 'API fields unchanged');
    for (const p of msg.payload) {
      assert.deepEqual(Object.keys(p), [...Object.keys(participants[0]), 'call']);
      assert.deepEqual(Object.keys(p.call), CALL_FIELDS);
      assert.deepEqual(p.call, expected(h.space.call(p.call_sid)!));
    }
    assert.deepEqual(msg.payload[0].call, {
      from: '+13103384645',
      to: '+15550100000',
      callerName: 'Ada Lovelace',
      direction: 'inbound',
      startTime: '2018-09-19T20:00:01.000Z',
    });
    assert.equal(msg.payload[1].call.direction, 'outbound');
    assert.equal(msg.payload[2].call.callerName, null, 'SignalWire: caller_name is always null');
    assert.equal(listRequests().length, 1);
    assert.deepEqual(callRequests().map((r) => r.path).sort(), participants.map((p) => `/api/laml/2010-04-01/Accounts/${h.space.projectId}/Calls/${p.call_sid}`).sort());
    assert.ok(callRequests().every((r) => r.authorized && r.method === 'GET'));
    assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '5 participants' });
  });

  it('a second listing asks only for the calls of participants not seen before', async () => {
    h.space.addParticipants(h.conferenceSid, 6);
    const n1 = await load(flow(WITH_CALLS, h.space), credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid });
    await outcome();
    assert.equal(callRequests().length, 6);

    let mark = h.space.requests.length;
    n1.receive({ conferenceSid: h.conferenceSid });
    const again = await outcome();
    assert.equal(callRequests(mark).length, 0, 'known calls cost no request');
    assert.equal(listRequests(mark).length, 1);
    for (const p of again.payload) assert.deepEqual(p.call, expected(h.space.call(p.call_sid)!));

    const joined = [h.space.addParticipant(h.conferenceSid), h.space.addParticipant(h.conferenceSid)];
    mark = h.space.requests.length;
    n1.receive({ conferenceSid: h.conferenceSid });
    const third = await outcome();
    assert.deepEqual(callRequests(mark).map((r) => r.path.split('/').pop()).sort(), joined.map((p) => p.call_sid).sort());
    assert.equal(third.payload.length, 8);
    assert.ok(third.payload.every((p: Msg) => p.call && typeof p.call.from === 'string'));
  });

  it('a call answering 404 gives that participant call: null; the listing still succeeds', async () => {
    h.space.addParticipants(h.conferenceSid, 4);
    const gone = h.space.participants(h.conferenceSid)[2];
    h.space.removeCall(gone.call_sid);
    const n1 = await load(flow(WITH_CALLS, h.space), credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid });
    const msg = await outcome();
    assert.equal(msg.payload.length, 4);
    assert.deepEqual(msg.payload.map(apiFields), h.space.participants(h.conferenceSid));
    for (const p of msg.payload) {
      if (p.call_sid === gone.call_sid) assert.equal(p.call, null);
      else assert.deepEqual(p.call, expected(h.space.call(p.call_sid)!));
    }
    assert.equal(msg.error, undefined);
    assert.equal(msg.statusCode, undefined);
    assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: '4 participants' });
    assert.deepEqual(completions().map((c) => c.error), [undefined]);
  });

  it('a lookup answering 500 gives call: null, the listing succeeds, and the next listing asks for that call again', async () => {
    h.space.addParticipants(h.conferenceSid, 5);
    // The list request answers normally, the first call lookup gets a 500 (never retried).
    h.space.injectFaults({ kind: 'delay', ms: 0 }, { kind: 'status', status: 500 });
    const n1 = await load(flow(WITH_CALLS, h.space), credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid });
    const msg = await outcome();
    const failed = msg.payload.filter((p: Msg) => p.call === null);
    assert.equal(failed.length, 1, 'exactly the participant whose lookup failed');
    assert.deepEqual(msg.payload.map(apiFields), h.space.participants(h.conferenceSid));
    assert.equal(callRequests().length, 5);

    const mark = h.space.requests.length;
    n1.receive({ conferenceSid: h.conferenceSid });
    const again = await outcome();
    assert.deepEqual(callRequests(mark).map((r) => r.path.split('/').pop()), [failed[0].call_sid], 'a failure is not remembered');
    assert.ok(again.payload.every((p: Msg) => p.call !== null));
  });

  it('off by default (flows saved before the option): no call requests and no call field', async () => {
    h.space.addParticipants(h.conferenceSid, 3);
    for (const node of [{ type: 'signalwire-list-participants' }, { type: 'signalwire-list-participants', callDetails: false }]) {
      const n1 = await load(flow(node, h.space), credentials(h.space));
      n1.receive({ conferenceSid: h.conferenceSid });
      const msg = await outcome();
      assert.deepEqual(msg.payload, h.space.participants(h.conferenceSid));
      assert.ok(msg.payload.every((p: Msg) => !('call' in p)));
      await helper.unload();
    }
    assert.equal(callRequests().length, 0);
    assert.equal(listRequests().length, 2);
  });

  it('adds call details in the one-page and the one-message-per-page modes too', async () => {
    h.space.addParticipants(h.conferenceSid, 5);
    let n1 = await load(flow({ ...WITH_CALLS, mode: 'page', pageSize: 2 }, h.space), credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid });
    const page = await outcome();
    assert.equal(page.payload.length, 2);
    assert.equal(page.paging.page, 0);
    for (const p of page.payload) assert.deepEqual(p.call, expected(h.space.call(p.call_sid)!));
    assert.equal(callRequests().length, 2, 'only the calls of that page');
    await helper.unload();

    n1 = await load(flow({ ...WITH_CALLS, mode: 'pages', pageSize: 2 }, h.space), credentials(h.space));
    const mark = h.space.requests.length;
    n1.receive({ conferenceSid: h.conferenceSid });
    const pages = [await outcome(), await outcome(), await outcome()];
    assert.deepEqual(pages.map((m) => m.payload.length), [2, 2, 1]);
    assert.deepEqual(pages.map((m) => m.parts.index), [0, 1, 2]);
    const all = pages.flatMap((m) => m.payload);
    assert.deepEqual(all.map(apiFields), h.space.participants(h.conferenceSid));
    for (const p of all) assert.deepEqual(p.call, expected(h.space.call(p.call_sid)!));
    // A new client (the config node was redeployed with the flow): its own cache, a lookup per call.
    assert.equal(callRequests().length, 2 + 5);
    // Each page waits for its calls before the next page is asked for: memory stays flat.
    const order = h.space.requests.slice(mark).map((r) => (r.path.includes('/Calls/') ? 'call' : 'page')).join(' ');
    assert.equal(order, 'page call call page call call page call');
  });

  it("looks calls up concurrently, never more at once than the space's Max in flight, and never fills its queue", async () => {
    h.space.addParticipants(h.conferenceSid, 40);
    h.space.latencyMs = 40;
    // A queue of 2: 40 lookups started at once would be refused ("queue full") and give call: null.
    const n1 = await load(flow(WITH_CALLS, h.space, { maxInFlight: 4, maxQueue: 2 }), credentials(h.space));
    h.space.resetStats();
    n1.receive({ conferenceSid: h.conferenceSid });
    const msg = await outcome();
    assert.ok(msg.payload.every((p: Msg) => p.call !== null));
    assert.equal(callRequests().length, 40);
    assert.ok(h.space.maxInFlight <= 4, `${h.space.maxInFlight} requests at once`);
    assert.ok(h.space.maxInFlight >= 3, `only ${h.space.maxInFlight} at once: not concurrent`);
  });

  it('asks once for a call that two overlapping listings both need', async () => {
    h.space.addParticipants(h.conferenceSid, 10);
    h.space.latencyMs = 30;
    const n1 = await load(flow(WITH_CALLS, h.space), credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid, topic: 'a' });
    n1.receive({ conferenceSid: h.conferenceSid, topic: 'b' });
    const got = [await outcome(), await outcome()];
    assert.deepEqual(got.map((m) => m.topic).sort(), ['a', 'b']);
    for (const m of got) assert.ok(m.payload.every((p: Msg) => p.call && p.call.from === h.space.call(p.call_sid)!.from));
    assert.equal(callRequests().length, 10);
  });

  it('each message gets its own copy of the details: changing one changes neither the cache nor the next message', async () => {
    h.space.addParticipants(h.conferenceSid, 1);
    const n1 = await load(flow(WITH_CALLS, h.space), credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid });
    const first = await outcome();
    first.payload[0].call.from = 'changed by a flow';
    n1.receive({ conferenceSid: h.conferenceSid });
    const second = await outcome();
    assert.equal(second.payload[0].call.from, h.space.call(second.payload[0].call_sid)!.from);
  });

  it('closing the node while calls are looked up ends the message with done(), no output and no error', async () => {
    h.space.addParticipants(h.conferenceSid, 3);
    h.space.injectFaults({ kind: 'delay', ms: 0 }, { kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const nodes = flow(WITH_CALLS, h.space);
    const n1 = await load(nodes, credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid, topic: 'held' });
    await waitUntil(() => callRequests().length === 3 && h.space.inFlight === 3, 2000, 'the call lookups did not reach the space');
    await redeployNodes(nodes.map((n) => (n.id === 'n1' ? { ...n, name: 'changed' } : n)), credentials(h.space));
    const ended = await assertEndedByClose(h.space);
    assert.equal(ended.msg.topic, 'held');
  });

  it('a status callback wired straight in (msg.payload.ConferenceSid) gets call details too', async () => {
    h.space.addParticipants(h.conferenceSid, 2);
    const n1 = await load(flow(WITH_CALLS, h.space), credentials(h.space));
    n1.receive({ payload: { ConferenceSid: h.conferenceSid, StatusCallbackEvent: 'participant-join' } });
    const msg = await next('out');
    assert.ok(msg.payload.every((p: Msg) => p.call && p.call.to === '+15550100000'));
  });
});

describe('call details library (nodes/lib/requests/call-details.ts)', function () {
  let h: Harness;
  let client: InstanceType<typeof SignalWireClient>;

  const newClient = (maxInFlight = 10) =>
    new SignalWireClient({
      endpoint: { origin: h.space.url, apiRoot: '/api/laml/2010-04-01' },
      projectId: h.space.projectId,
      apiToken: h.space.apiToken,
      timeoutMs: 5000,
      retries: 0,
      maxInFlight,
      maxQueued: 1000,
    });
  const callRequests = () => h.space.requests.filter((r) => r.path.includes('/Calls/'));
  /** The conference's participants as plain objects (the library adds `call` to them). */
  const participants = () => h.space.participants(h.conferenceSid) as unknown as Array<Participant & Msg>;

  beforeEach(async () => {
    h = await startSpace();
    client = newClient();
  });

  afterEach(async () => {
    client.close();
    await h.space.close();
  });

  it('keeps at most 10,000 calls per space, least recently used out first', async () => {
    assert.equal(lib.CALL_CACHE_SIZE, 10_000);
    assert.equal(lib.callDetailsCache(client).max, 10_000);
    const other = newClient();
    assert.notEqual(lib.callDetailsCache(other), lib.callDetailsCache(client), 'one cache per client');
    other.close();

    const small = newClient();
    try {
      const lru = lib.callDetailsCache(small, 2);
      lru.set('a', details('a'));
      lru.set('b', details('b'));
      assert.equal(lru.get('a')?.from, 'a'); // a is now the most recent
      lru.set('c', details('c'));
      assert.deepEqual([lru.has('a'), lru.has('b'), lru.has('c'), lru.size], [true, false, true, 2]);
    } finally {
      small.close();
    }
  });

  it('stays a least-recently-used cache of 10,000 calls through a million distinct calls', () => {
    const cache = lib.callDetailsCache(client);
    const hot = details('hot');
    cache.set('hot', hot);
    const N = 1_000_000;
    for (let i = 0; i < N; i++) {
      cache.set(`CA${i}`, details(String(i)));
      // Read now and then, the first call stays among the recent ones however many come after it.
      if (i % 1000 === 0) assert.equal(cache.get('hot'), hot, `after ${i} calls`);
      if (i % 100_000 === 99_999) assert.equal(cache.size, 10_000, `after ${i + 1} calls`);
    }
    // Held: the hot call and the 9,999 latest; the one before them is gone (has() reorders nothing).
    assert.equal(cache.has('hot'), true);
    assert.equal(cache.has(`CA${N - 9_999}`), true, 'the oldest held');
    assert.equal(cache.has(`CA${N - 10_000}`), false, 'the one before it was pushed out');
    // A read makes the oldest the most recent: the next call pushes out the one after it instead.
    assert.equal(cache.get(`CA${N - 9_999}`)?.from, String(N - 9_999));
    cache.set('CAnext', details('next'));
    assert.deepEqual([cache.has(`CA${N - 9_999}`), cache.has(`CA${N - 9_998}`), cache.size], [true, false, 10_000]);
  });

  it('a full cache forgets the oldest calls: the next listing looks up exactly those again, and still fills every call', async () => {
    const small = newClient();
    try {
      const cache = lib.callDetailsCache(small, 5);
      h.space.addParticipants(h.conferenceSid, 8);
      const first = participants();
      await lib.addCallDetails(small, first);
      assert.equal(callRequests().length, 8);
      assert.equal(cache.size, 5, 'bounded');
      assert.ok(first.every((p) => p.call !== null));
      const again = participants();
      await lib.addCallDetails(small, again);
      assert.equal(callRequests().length, 8 + 3, 'the 3 forgotten calls, and only those');
      assert.equal(cache.size, 5);
      for (const p of again) assert.deepEqual(p.call, expected(h.space.call(p.call_sid)!));
    } finally {
      small.close();
    }
  });

  it('makes no request for a call_sid that is not an ID, and leaves call null', async () => {
    h.space.addParticipants(h.conferenceSid, 1);
    const [ok] = participants();
    const odd = [{ ...ok, call_sid: '../Conferences' }, { ...ok, call_sid: 42 }, { ...ok, call_sid: '' }, ok] as never[];
    await lib.addCallDetails(client, odd);
    assert.deepEqual(odd.map((p: Msg) => p.call === null), [true, true, true, false]);
    assert.deepEqual(callRequests().map((r) => r.path.split('/').pop()), [ok.call_sid]);
  });

  it('takes only short strings and a readable start time from a call; anything else is null', () => {
    const d = lib.callDetailsOf({ from: 'x'.repeat(257), to: 42, caller_name: '', direction: 'inbound', start_time: 'not a date' });
    assert.deepEqual(d, { from: null, to: null, callerName: null, direction: 'inbound', startTime: null });
    assert.deepEqual(lib.callDetailsOf({ from: 'sip:alice@example.com', start_time: 'Tue, 14 Aug 2018 19:37:39 +0000' }), {
      from: 'sip:alice@example.com',
      to: null,
      callerName: null,
      direction: null,
      startTime: '2018-08-14T19:37:39.000Z',
    });
  });

  it('callDetailsOn: only true (or "true") turns it on', () => {
    assert.deepEqual([true, 'true', false, 'false', undefined, '', 1].map(lib.callDetailsOn), [true, true, false, false, false, false, false]);
  });

  it('a failed lookup that two listings share is made once: both get call null', async () => {
    h.space.addParticipants(h.conferenceSid, 1);
    h.space.latencyMs = 100;
    h.space.injectFaults({ kind: 'status', status: 404 });
    const a = participants();
    const b = participants();
    await Promise.all([lib.addCallDetails(client, a), lib.addCallDetails(client, b)]);
    assert.deepEqual([a[0].call, b[0].call], [null, null]);
    assert.equal(callRequests().length, 1);
  });

  it('a listing whose node closes does not spoil a lookup another listing shares', async () => {
    h.space.addParticipants(h.conferenceSid, 1);
    h.space.latencyMs = 100;
    const ac = new AbortController();
    const a = participants();
    const b = participants();
    const first = lib.addCallDetails(client, a, ac.signal);
    await delay(20);
    const second = lib.addCallDetails(client, b);
    ac.abort();
    await assert.rejects(first);
    await second;
    assert.deepEqual(b[0].call, expected(h.space.call(b[0].call_sid)!));
  });
});
