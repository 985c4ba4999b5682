import assert from 'node:assert/strict';
import {
  assertEndedByClose,
  caughtError,
  collect,
  completions,
  credentials,
  flow,
  helper,
  lastStatus,
  load,
  loggedErrors,
  outcome,
  useSpace,
  statuses,
  waitUntil,
} from '../support/harness';

const GET = { type: 'signalwire-get-participant' };

describe('signalwire-get-participant', function () {
  const h = useSpace();

  it('fetches the participant named by msg.conferenceSid and msg.callSid, unchanged', async () => {
    const p = h.space.addParticipant(h.conferenceSid, { muted: true });
    const n1 = await load(flow(GET, h.space), credentials(h.space));
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, topic: 't', extra: { a: 1 } });
    const msg = await got;
    assert.deepEqual(msg.payload, p);
    assert.equal(msg.topic, 't');
    assert.deepEqual(msg.extra, { a: 1 });
    assert.match(h.space.requests[0].path, new RegExp(`^/api/laml/2010-04-01/Accounts/${h.space.projectId}/Conferences/${h.conferenceSid}/Participants/${p.call_sid}$`));
    assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'ok' });
  });

  it('sends exactly one message per input and ends it once', async () => {
    const p = h.space.addParticipant(h.conferenceSid);
    const n1 = await load(flow(GET, h.space), credentials(h.space));
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
    assert.equal((await got).payload.call_sid, p.call_sid);
    assert.deepEqual(await collect('out', 100), [], 'no second output');
    assert.deepEqual(completions().map((c) => c.error), [undefined]);
  });

  it('shows a blue dot "requesting" while the space holds the request', async () => {
    const p = h.space.addParticipant(h.conferenceSid);
    h.space.injectFaults({ kind: 'hang' });
    const n1 = await load(flow(GET, h.space), credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
    await waitUntil(() => h.space.inFlight === 1, 2000, 'the space did not receive the request');
    assert.deepEqual(await lastStatus(n1), { fill: 'blue', shape: 'dot', text: 'requesting' });
    assert.equal(h.space.inFlight, 1, 'still held while the status was read');
  });

  it('aborts a held request when the flow stops, sends nothing and ends the message with done()', async () => {
    const p = h.space.addParticipant(h.conferenceSid);
    h.space.injectFaults({ kind: 'hang' });
    const n1 = await load(flow(GET, h.space), credentials(h.space));
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
    await waitUntil(() => h.space.requests.length === 1 && h.space.inFlight === 1, 2000, 'the space did not receive the request');
    await helper.unload();
    await assertEndedByClose(h.space);
  });

  it('shows a config error as a red ring at deploy, before any message; a message then fails with it and makes no request', async () => {
    const n1 = await load(flow(GET, h.space, { space: 'http://example.com' }), credentials(h.space));
    const atDeploy = statuses(n1);
    assert.ok(atDeploy.length > 0, 'a status right after deploy');
    assert.equal(atDeploy[atDeploy.length - 1].fill, 'red');
    assert.equal(atDeploy[atDeploy.length - 1].shape, 'ring');
    assert.ok(loggedErrors('space').length >= 1, 'the config node logs an error');
    const err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: 'CA1' });
    assert.match((await err).error.message, /plain http:\/\/ is allowed only for loopback hosts/);
    assert.equal(h.space.requests.length, 0);
  });

  it('reads ConferenceSid and CallSid from a status callback payload by default', async () => {
    const p = h.space.addParticipant(h.conferenceSid);
    const n1 = await load(flow(GET, h.space), credentials(h.space));
    const got = outcome();
    n1.receive({ payload: { ConferenceSid: h.conferenceSid, CallSid: p.call_sid, StatusCallbackEvent: 'participant-mute' } });
    assert.equal((await got).payload.call_sid, p.call_sid);
  });

  it('reads the call SID from a configured property', async () => {
    const p = h.space.addParticipant(h.conferenceSid);
    const n1 = await load(flow({ ...GET, callSid: 'who', callSidType: 'msg', conferenceSid: h.conferenceSid, conferenceSidType: 'str' }, h.space), credentials(h.space));
    const got = outcome();
    n1.receive({ who: p.call_sid });
    assert.equal((await got).payload.call_sid, p.call_sid);
  });

  it('reports a participant who has left as a 404 a Catch node can tell apart', async () => {
    const p = h.space.addParticipant(h.conferenceSid);
    h.space.removeParticipant(h.conferenceSid, p.call_sid);
    const n1 = await load(flow(GET, h.space), credentials(h.space));
    const err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
    const msg = await err;
    assert.equal(msg.statusCode, 404);
    assert.equal(msg.signalwireError.code, 20404);
    assert.match(msg.signalwireError.message, /^The requested resource .*\/Participants\/.* was not found$/, 'the API\'s own text');
    assert.equal(msg.error.message, 'SignalWire 404: the participant is no longer in the conference (or never was)');
    assert.equal(h.space.requests.length, 1, '404 is not retried');
    assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: '404 not found' });
  });

  it('refuses a missing or unsafe call SID without a request', async () => {
    const n1 = await load(flow(GET, h.space), credentials(h.space));
    let err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid });
    assert.match((await err).error.message, /^Call SID is missing: set msg.callSid \(or msg.payload.CallSid\)$/);
    err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: 'abc/../../x' });
    assert.match((await err).error.message, /Call SID "abc\/..\/..\/x" may contain only/);
    err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: ['a'] });
    assert.match((await err).error.message, /Call SID must be a string, got an array/);
    assert.equal(h.space.requests.length, 0);
  });

  it('works against the SDK path form when the space URL names that API root', async () => {
    const p = h.space.addParticipant(h.conferenceSid);
    const n1 = await load(flow({ ...GET }, h.space, { space: `${h.space.url}/2010-04-01` }), credentials(h.space));
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
    assert.equal((await got).payload.call_sid, p.call_sid);
    assert.match(h.space.requests[0].path, /^\/2010-04-01\/Accounts\//);
  });

  it('reports a missing config node to the Catch node', async () => {
    const nodes = flow(GET, h.space).map((n) => (n.id === 'n1' ? { ...n, space: '' } : n));
    const n1 = await load(nodes, credentials(h.space));
    const err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid, callSid: 'c' });
    assert.match((await err).error.message, /SignalWire space is not configured/);
  });
});
