import assert from 'node:assert/strict';
import {
  caughtError,
  collect,
  completions,
  credentials,
  flow,
  getConferenceNode,
  helper,
  lastStatus,
  load,
  outcome,
  spaceNode,
  useSpace,
} from '../support/harness';

const GET = { type: 'signalwire-get-conference' };
const NODES = [spaceNode, getConferenceNode];

describe('signalwire-get-conference', function () {
  const h = useSpace();

  it('fetches the conference named by msg.conferenceSid, unchanged, keeping the rest of the msg', async () => {
    const n1 = await load(flow(GET, h.space), credentials(h.space), NODES);
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid, topic: 't', extra: { a: 1 } });
    const msg = await got;
    assert.equal(msg.payload.sid, h.conferenceSid);
    assert.equal(msg.payload.status, 'in-progress');
    assert.deepEqual(msg.payload, h.space.conference(h.conferenceSid));
    assert.equal(msg.topic, 't');
    assert.deepEqual(msg.extra, { a: 1 });
    assert.equal(h.space.requests.length, 1);
    assert.equal(h.space.requests[0].path, `/api/laml/2010-04-01/Accounts/${h.space.projectId}/Conferences/${h.conferenceSid}`);
    assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'ok' });
    assert.deepEqual(await collect('out', 50), [], 'no second output');
    assert.deepEqual(completions().map((c) => c.error), [undefined]);
  });

  it('reads msg.payload.ConferenceSid of a status callback when msg.conferenceSid is absent', async () => {
    const n1 = await load(flow(GET, h.space), credentials(h.space), NODES);
    const got = outcome();
    n1.receive({ payload: { ConferenceSid: h.conferenceSid, StatusCallbackEvent: 'conference-start' } });
    assert.equal((await got).payload.sid, h.conferenceSid);
  });

  it('reads a configured msg property or a fixed string', async () => {
    let n1 = await load(flow({ ...GET, conferenceSid: 'payload[0].sid', conferenceSidType: 'msg' }, h.space), credentials(h.space), NODES);
    let got = outcome();
    n1.receive({ payload: [{ sid: h.conferenceSid }] });
    assert.equal((await got).payload.sid, h.conferenceSid);
    await helper.unload();
    n1 = await load(flow({ ...GET, conferenceSid: h.conferenceSid, conferenceSidType: 'str' }, h.space), credentials(h.space), NODES);
    got = outcome();
    n1.receive({});
    assert.equal((await got).payload.sid, h.conferenceSid);
  });

  it('finds a conference that has ended, with status completed', async () => {
    h.space.removeConference(h.conferenceSid);
    const n1 = await load(flow(GET, h.space), credentials(h.space), NODES);
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid });
    assert.equal((await got).payload.status, 'completed');
  });

  it('reports an unknown conference as 404 in a person\'s words, the API\'s own text and code beside it, for a Catch node', async () => {
    const n1 = await load(flow(GET, h.space), credentials(h.space), NODES);
    const err = caughtError();
    n1.receive({ conferenceSid: 'no-such-conference' });
    const msg = await err;
    assert.equal(msg.error.message, 'SignalWire 404: the conference does not exist or has ended');
    assert.equal(msg.statusCode, 404);
    assert.equal(msg.signalwireError.code, 20404);
    assert.match(msg.signalwireError.message, /^The requested resource .*no-such-conference was not found$/);
    assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: '404 not found' });
  });

  for (const [what, msgIn, message] of [
    ['a missing SID', {}, /^Conference SID is missing: set msg\.conferenceSid \(or msg\.payload\.ConferenceSid\)$/],
    ['a SID that could change the path', { conferenceSid: '../Calls' }, /may contain only letters, digits/],
    ['a SID that is not a string', { conferenceSid: 42 }, /must be a string, got 42/],
  ] as const) {
    it(`refuses ${what} with no request`, async () => {
      const n1 = await load(flow(GET, h.space), credentials(h.space), NODES);
      const err = caughtError();
      n1.receive(msgIn);
      assert.match((await err).error.message, message);
      assert.equal(h.space.requests.length, 0);
    });
  }

  it('retries a 503 and then succeeds', async () => {
    h.space.injectFaults({ kind: 'status', status: 503 });
    const n1 = await load(flow(GET, h.space), credentials(h.space, {}), NODES);
    const got = outcome();
    n1.receive({ conferenceSid: h.conferenceSid });
    assert.equal((await got).payload.sid, h.conferenceSid);
    assert.equal(h.space.requests.length, 2);
  }).timeout(10000);

  it('refuses a 200 answer that is not a JSON object', async () => {
    h.space.injectFaults({ kind: 'status', status: 200, body: '[1,2]' });
    const n1 = await load(flow(GET, h.space), credentials(h.space), NODES);
    const err = caughtError();
    n1.receive({ conferenceSid: h.conferenceSid });
    assert.equal((await err).error.message, 'SignalWire 200: the response is not a JSON object');
  });
});
