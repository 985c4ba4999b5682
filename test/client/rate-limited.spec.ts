// A space that rate limits (429): whatever ends a message it has been rate limiting says so, and
// keeps the status and the API's error code on the msg, so a Catch flow can tell it and back off.
import assert from 'node:assert/strict';
import { MORE_INFO } from '../../simulator/api/errors';
import { caughtError, credentials, flow, lastStatus, load, useSpace, type Msg } from '../support/harness';

const GET = { type: 'signalwire-get-participant' };
const RATE_LIMITED = { code: 20429, message: 'Too Many Requests', more_info: MORE_INFO, status: 429 };

describe('a space that rate limits (429)', function () {
  const h = useSpace();

  it('a storm of 20 messages: those whose wait outlasts their deadline end "rate limited" with status 429 and the API error code', async function () {
    this.timeout(20_000);
    const p = h.space.addParticipant(h.conferenceSid);
    // Every request answered 429, Retry-After 1 s (capped at 200 ms): each pauses the whole space.
    h.space.injectFaults(...Array.from({ length: 500 }, () => ({ kind: 'status' as const, status: 429, body: 'json', retryAfter: '1' })));
    // Sped up: timeout 0.2 s, 2 retries, backoff from 20 ms, Retry-After cap 200 ms; one request at
    // a time, so most messages wait in the space's queue until their deadline (1.2 s).
    const n1 = await load(flow(GET, h.space, { timeout: 0.2, retries: 2, retryBaseMs: 20, maxRetryAfterMs: 200, maxInFlight: 1 }), credentials(h.space));
    const caught: Msg[] = [];
    for (let i = 0; i < 20; i++) n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, i });
    for (let i = 0; i < 20; i++) caught.push(await caughtError(10_000));
    assert.deepEqual(caught.map((m) => m.i).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i), 'each message ended once');
    const gaveUp = 'SignalWire rate limited: the space answered 429 Too Many Requests, gave up after 1.2 s (timeout, retries and waits included)';
    assert.ok(caught.filter((m) => m.error.message === gaveUp).length >= 10, `most gave up waiting: ${caught.map((m) => m.error.message).join('\n')}`);
    for (const m of caught) {
      assert.match(m.error.message, /^SignalWire rate limited: the space answered 429 Too Many Requests/);
      assert.equal(m.statusCode, 429, `msg ${m.i}: ${m.error.message}`);
      assert.deepEqual(m.signalwireError, RATE_LIMITED, `msg ${m.i}`);
    }
    assert.ok(h.space.requests.length < 20, `most never reached the space (${h.space.requests.length} requests)`);
    assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: '429 rate limited' });
  });

  it('a message answered 429 on every attempt ends "rate limited", with the attempts, status 429 and the API error code', async () => {
    const p = h.space.addParticipant(h.conferenceSid);
    h.space.injectFaults({ kind: 'status', status: 429, body: 'json', retryAfter: '0' }, { kind: 'status', status: 429, body: 'json' });
    const n1 = await load(flow(GET, h.space, { retries: 1, retryBaseMs: 20 }), credentials(h.space));
    const err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
    const m = await err;
    assert.equal(m.error.message, 'SignalWire rate limited: the space answered 429 Too Many Requests (after 2 attempts)');
    assert.equal(m.statusCode, 429);
    assert.deepEqual(m.signalwireError, RATE_LIMITED);
    assert.equal(h.space.requests.length, 2);
  });

  it('a request that gives up with no 429 since it was made still says only that it gave up', async () => {
    const p = h.space.addParticipant(h.conferenceSid);
    h.space.injectFaults({ kind: 'status', status: 429, body: 'json', retryAfter: '0' });
    const n1 = await load(flow(GET, h.space, { timeout: 0.2, retries: 0, maxInFlight: 1 }), credentials(h.space));
    // The 429 comes first, to another message, before the next two are made.
    let err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, i: 0 });
    assert.equal((await err).statusCode, 429);
    h.space.injectFaults({ kind: 'hang' }, { kind: 'hang' });
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, i: 1 });
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, i: 2 });
    const ended: Msg[] = [];
    for (let i = 0; i < 2; i++) {
      err = caughtError();
      ended.push(await err);
    }
    const second = ended.find((m) => m.i === 2)!;
    assert.equal(second.error.message, 'SignalWire request gave up after 0.4 s (timeout, retries and waits included)');
    assert.equal(second.statusCode, undefined);
    assert.equal(ended.find((m) => m.i === 1)!.error.message, 'SignalWire request timed out after 0.2 s');
  });
});
