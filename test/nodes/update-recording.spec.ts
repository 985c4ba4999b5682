// Update recording against the fake space: what each action sends and the state it leaves, the
// conference's current recording found with one list request, each retry rule of the write
// machinery per action (a delete answered 404 after an attempt that may have landed is success),
// each bad input with no request, no secret in errors or logs, one message out per input.
import assert from 'node:assert/strict';
import {
  assertEndedByClose,
  caughtError,
  helper,
  lastStatus,
  outcome,
  updateRecordingNode,
  waitUntil,
  type FlowNode,
  type Msg,
} from '../support/harness';
import { FAST_RETRIES, LOST_ANSWERS, updateNodeSpec } from '../support/update-node';

describe('signalwire-update-recording', function () {
  const { h, deploy, assertOneMessagePerInput } = updateNodeSpec('signalwire-update-recording', updateRecordingNode);

  async function run(node: FlowNode, msg: Msg, expectError = false): Promise<Msg> {
    const n1 = await deploy(node);
    const got = expectError ? caughtError() : outcome();
    n1.receive({ conferenceSid: h.conferenceSid, ...msg });
    return got;
  }

  const recordingsPath = () => `/api/laml/2010-04-01/Accounts/${h.space.projectId}/Conferences/${h.conferenceSid}/Recordings`;
  /** The requests made, as [method, path relative to the conference's recordings, form]. */
  const requests = () => h.space.requests.map((r) => [r.method, r.path.slice(recordingsPath().length), r.form]);

  describe('actions', () => {
    const CASES = [
      { action: 'pause', form: { Status: 'paused', PauseBehavior: 'silence' }, status: 'paused', shown: 'paused' },
      { action: 'resume', form: { Status: 'in-progress' }, status: 'in-progress', shown: 'resumed', before: 'paused' },
      { action: 'stop', form: { Status: 'stopped' }, status: 'stopped', shown: 'stopped' },
    ] as const;
    for (const c of CASES) {
      it(`${c.action}: a form-encoded POST ${JSON.stringify(c.form)}; the output is the updated recording; the space shows it ${c.status}`, async () => {
        const r = h.space.startRecording(h.conferenceSid, { status: 'before' in c ? c.before : 'in-progress' });
        const n1 = await deploy({ action: c.action });
        const got = outcome();
        n1.receive({ conferenceSid: h.conferenceSid, recordingSid: r.sid, topic: 't' });
        const msg = await got;
        assert.deepEqual(requests(), [['POST', `/${r.sid}`, c.form]]);
        assert.equal(h.space.requests[0].contentType, 'application/x-www-form-urlencoded');
        assert.deepEqual(msg.payload, h.space.recording(h.conferenceSid, r.sid)!);
        assert.equal(msg.payload.status, c.status);
        assert.equal(msg.recordingSid, r.sid);
        assert.equal(msg.topic, 't');
        assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: c.shown });
      });
    }

    it('delete: a DELETE with no body, answered 204; msg.payload null and msg.recordingSid set; the recording is gone', async () => {
      const r = h.space.startRecording(h.conferenceSid, { status: 'completed' });
      const n1 = await deploy();
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, recordingSid: r.sid, action: 'delete' });
      const msg = await got;
      assert.deepEqual(requests(), [['DELETE', `/${r.sid}`, undefined]]);
      assert.equal(msg.payload, null);
      assert.equal(msg.recordingSid, r.sid);
      assert.equal(h.space.recording(h.conferenceSid, r.sid), undefined);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'deleted' });
    });

    it('pause behaviour: silence by default, the node\'s skip, msg.pauseBehavior over the node\'s', async () => {
      const r = h.space.startRecording(h.conferenceSid);
      for (const [node, msg, sent] of [
        [{}, {}, 'silence'],
        [{ pauseBehavior: 'skip' }, {}, 'skip'],
        [{ pauseBehavior: 'skip' }, { pauseBehavior: 'silence' }, 'silence'],
        [{ pauseBehavior: 'silence' }, { pauseBehavior: 'skip' }, 'skip'],
        [{ pauseBehavior: 'skip' }, { pauseBehavior: '' }, 'skip'],
      ] as const) {
        h.space.resetStats();
        await run({ action: 'pause', ...node }, { recordingSid: r.sid, ...msg });
        assert.deepEqual(h.space.requests[0].form, { Status: 'paused', PauseBehavior: sent }, JSON.stringify([node, msg]));
        await helper.unload();
      }
    });

    it('reads the SIDs from msg.payload of a status callback (ConferenceSid, RecordingSid) and from configured properties', async () => {
      const r = h.space.startRecording(h.conferenceSid);
      const msg = await run({ action: 'pause' }, { conferenceSid: undefined, payload: { ConferenceSid: h.conferenceSid, RecordingSid: r.sid, RecordingStatus: 'in-progress' } });
      assert.equal(msg.recordingSid, r.sid);
      await helper.unload();
      const fixed = await run({ action: 'resume', conferenceSid: h.conferenceSid, conferenceSidType: 'str', recordingSid: 'which', recordingSidType: 'msg' }, { conferenceSid: undefined, which: r.sid });
      assert.equal(fixed.payload.status, 'in-progress');
    });

    it('sends exactly one message per input and ends each once', async () => {
      const r = h.space.startRecording(h.conferenceSid);
      await assertOneMessagePerInput({ conferenceSid: h.conferenceSid, recordingSid: r.sid, action: 'pause' }, { conferenceSid: h.conferenceSid, recordingSid: r.sid, action: 'mute' });
    });

    it('reports an unknown recording (404) to the Catch node, and pausing a stopped one (400)', async () => {
      let err = await run({ action: 'pause' }, { recordingSid: 'no-such-recording' }, true);
      assert.equal(err.statusCode, 404);
      assert.equal(err.error.message, 'SignalWire 404: the recording does not exist (or was deleted)');
      assert.equal(err.signalwireError.code, 20404, "the API's code stays on msg.signalwireError");
      await helper.unload();
      const r = h.space.startRecording(h.conferenceSid, { status: 'stopped' });
      err = await run({ action: 'pause' }, { recordingSid: r.sid }, true);
      assert.equal(err.statusCode, 400);
      assert.match(err.error.message, /^SignalWire 400 \(20001\): The recording is stopped: it cannot be paused$/);
    });
  });

  describe('the current recording (no recording SID)', () => {
    it('is found with one list request (the first page, PageSize 1000), then one update: the recording in progress', async () => {
      h.space.startRecording(h.conferenceSid, { status: 'completed' });
      const current = h.space.startRecording(h.conferenceSid);
      h.space.startRecording(h.conferenceSid, { status: 'absent' });
      const msg = await run({ action: 'pause', pauseBehavior: 'skip' }, {});
      assert.deepEqual(requests(), [['GET', '', undefined], ['POST', `/${current.sid}`, { Status: 'paused', PauseBehavior: 'skip' }]]);
      assert.deepEqual(h.space.requests[0].query, { PageSize: '1000' });
      assert.equal(msg.recordingSid, current.sid, 'a later message can name the same recording');
      assert.equal(h.space.recording(h.conferenceSid, current.sid)?.status, 'paused');
    });

    for (const status of ['paused', 'resumed'] as const) {
      it(`is the one ${status} too (resume finds it)`, async () => {
        h.space.startRecording(h.conferenceSid, { status: 'stopped' });
        const current = h.space.startRecording(h.conferenceSid, { status });
        await run({ action: 'resume' }, { recordingSid: null });
        assert.deepEqual(requests(), [['GET', '', undefined], ['POST', `/${current.sid}`, { Status: 'in-progress' }]]);
      });
    }

    it('is also what a Recording SID field set to a fixed value and left empty means', async () => {
      const current = h.space.startRecording(h.conferenceSid, { status: 'paused' });
      await run({ action: 'resume', recordingSid: ' ', recordingSidType: 'str' }, { recordingSid: 'ignored-the-field-is-fixed' });
      assert.deepEqual(requests(), [['GET', '', undefined], ['POST', `/${current.sid}`, { Status: 'in-progress' }]]);
    });

    it('none in progress or paused: an error with msg.statusCode 404 for the Catch node, and no update', async () => {
      h.space.startRecording(h.conferenceSid, { status: 'completed' });
      const n1 = await deploy({ action: 'pause' });
      const got = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      const err = await got;
      assert.equal(err.statusCode, 404);
      assert.equal(err.error.message, 'No recording of this conference is in progress or paused: no update was sent');
      assert.deepEqual(requests(), [['GET', '', undefined]]);
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: '404 not found' });
    });

    it('more than one running: an error asking for msg.recordingSid, and no update', async () => {
      h.space.startRecording(h.conferenceSid);
      h.space.startRecording(h.conferenceSid, { status: 'paused' });
      const err = await run({ action: 'stop' }, {}, true);
      assert.match(err.error.message, /^2 recordings of this conference are in progress or paused: name the one to change in msg\.recordingSid$/);
      assert.equal(err.statusCode, undefined);
      assert.deepEqual(requests(), [['GET', '', undefined]]);
    });

    it('none running on the first page while the conference has more: an error asking for msg.recordingSid; one request only', async () => {
      for (let i = 0; i < 1000; i++) h.space.startRecording(h.conferenceSid, { status: 'completed' });
      h.space.startRecording(h.conferenceSid);
      const err = await run({ action: 'pause' }, {}, true);
      assert.match(err.error.message, /^None of the first 1000 recordings of this conference is in progress or paused, and it has more: name the recording in msg\.recordingSid$/);
      assert.deepEqual(requests(), [['GET', '', undefined]]);
    });

    it('a first page holding more than the 1000 recordings asked for is refused, with no update', async () => {
      const recordings = Array.from({ length: 1001 }, (_, i) => ({ sid: `r${i}`, status: i === 1000 ? 'in-progress' : 'completed' }));
      h.space.injectFaults({ kind: 'status', status: 200, body: JSON.stringify({ uri: '', first_page_uri: '', next_page_uri: null, previous_page_uri: null, page: 0, page_size: 1000, recordings }) });
      const err = await run({ action: 'stop' }, {}, true);
      assert.match(err.error.message, /^SignalWire sent 1001 recordings in a page of 1000: refused$/);
      assert.equal(h.space.requests.length, 1);
    });

    it('a listed current recording whose sid could leave its path segment is refused, with no update', async () => {
      h.space.injectFaults({ kind: 'status', status: 200, body: JSON.stringify({ uri: '', first_page_uri: '', next_page_uri: null, previous_page_uri: null, page: 0, page_size: 1000, recordings: [{ sid: '../../Calls/x', status: 'in-progress' }] }) });
      const err = await run({ action: 'stop' }, {}, true);
      assert.match(err.error.message, /^SignalWire listed the current recording with the sid "..\/..\/Calls\/x", which is not a SID: no update was sent$/);
      assert.equal(h.space.requests.length, 1);
    });
  });

  describe('retries', () => {
    for (const action of ['pause', 'resume', 'stop', 'delete']) {
      it(`${action}: a 429 is retried (it was not carried out)`, async () => {
        const r = h.space.startRecording(h.conferenceSid);
        h.space.injectFaults({ kind: 'status', status: 429 });
        await run({ action }, { recordingSid: r.sid });
        assert.equal(h.space.requests.length, 2);
      });
    }

    for (const { name, fault } of LOST_ANSWERS) {
      for (const action of ['pause', 'resume', 'stop']) {
        it(`${action}: retried after ${name} (setting a status twice does no harm)`, async () => {
          const r = h.space.startRecording(h.conferenceSid);
          h.space.injectFaults(fault);
          await run({ action }, { recordingSid: r.sid });
          assert.equal(h.space.requests.length, 2);
        });
      }
    }

    it('pause carried out whose answer was lost: sent again, the second answer is the paused recording', async () => {
      const r = h.space.startRecording(h.conferenceSid);
      h.space.injectFaults({ kind: 'lost', then: 'drop' });
      const msg = await run({ action: 'pause', pauseBehavior: 'skip' }, { recordingSid: r.sid });
      assert.equal(msg.payload.status, 'paused');
      assert.equal(h.space.requests.length, 2);
    });

    for (const then of ['drop', 'hang'] as const) {
      it(`delete: carried out, answer lost (${then === 'drop' ? 'dropped connection' : 'timeout'}), retried, 404: that is success`, async () => {
        const r = h.space.startRecording(h.conferenceSid);
        h.space.injectFaults({ kind: 'lost', then });
        const msg = await run({ action: 'delete' }, { recordingSid: r.sid });
        assert.deepEqual([msg.payload, msg.recordingSid], [null, r.sid]);
        assert.deepEqual(requests().map((x) => x[0]), ['DELETE', 'DELETE']);
        assert.equal(h.space.recording(h.conferenceSid, r.sid), undefined);
      });
    }

    it('delete: a 404 to the first attempt is an error (there was no such recording)', async () => {
      const err = await run({ action: 'delete' }, { recordingSid: 'not-here' }, true);
      assert.equal(err.statusCode, 404);
      assert.equal(err.error.message, 'SignalWire 404: the recording does not exist (or was deleted)');
      assert.equal(h.space.requests.length, 1);
    });

    it('delete: a 404 after a 429 is an error (the 429 was not carried out)', async () => {
      h.space.injectFaults({ kind: 'status', status: 429 });
      const err = await run({ action: 'delete' }, { recordingSid: 'not-here' }, true);
      assert.equal(err.statusCode, 404);
      assert.equal(h.space.requests.length, 2);
    });

    it('never retries a 400 or a 500', async () => {
      const r = h.space.startRecording(h.conferenceSid);
      h.space.injectFaults({ kind: 'status', status: 500 });
      assert.equal((await run({ action: 'stop' }, { recordingSid: r.sid }, true)).statusCode, 500);
      assert.equal(h.space.requests.length, 1);
    });

    it('the lookup is a read: retried after a 503 like any listing, then the update', async () => {
      const current = h.space.startRecording(h.conferenceSid);
      h.space.injectFaults({ kind: 'status', status: 503 });
      await run({ action: 'pause' }, {});
      assert.deepEqual(requests().map((x) => [x[0], x[1]]), [['GET', ''], ['GET', ''], ['POST', `/${current.sid}`]]);
    });

    it('aborts a held write when the flow stops: the message ends once, no retry follows', async () => {
      const r = h.space.startRecording(h.conferenceSid);
      h.space.injectFaults({ kind: 'hang' });
      const n1 = await deploy({ action: 'pause' }, { ...FAST_RETRIES, timeout: 10 });
      n1.receive({ conferenceSid: h.conferenceSid, recordingSid: r.sid });
      await waitUntil(() => h.space.inFlight === 1, 2000, 'the space did not receive the request');
      await helper.unload();
      await assertEndedByClose(h.space);
      assert.equal(h.space.requests.length, 1);
    });
  });

  describe('bad input: a clear error and no request', () => {
    const BAD: Array<{ name: string; node?: FlowNode; msg: Msg; error: RegExp }> = [
      { name: 'an unknown msg.action', msg: { action: 'mute' }, error: /^Action must be one of pause, resume, stop, delete, got "mute"$/ },
      { name: 'a missing msg.action', msg: {}, error: /^Action is missing: set msg\.action to one of pause, resume, stop, delete/ },
      { name: 'a recording SID that is not a path segment', msg: { action: 'pause', recordingSid: '../Calls/x' }, error: /^Recording SID "..\/Calls\/x" may contain only letters, digits/ },
      { name: 'a recording SID with a dot', msg: { action: 'delete', recordingSid: 'Twilio.CURRENT' }, error: /^Recording SID "Twilio.CURRENT" may contain only/ },
      { name: 'an empty recording SID', msg: { action: 'stop', recordingSid: '' }, error: /^Recording SID is empty in msg\.recordingSid/ },
      { name: 'a recording SID that is not a string', msg: { action: 'stop', recordingSid: 42 }, error: /^Recording SID must be a string, got 42/ },
      { name: 'a pause behaviour other than skip or silence', msg: { action: 'pause', pauseBehavior: 'mute' }, error: /^Pause behaviour must be one of skip, silence, got "mute"$/ },
      { name: 'a bad pause behaviour with resume (checked for every action)', msg: { action: 'resume', pauseBehavior: 'Skip' }, error: /^Pause behaviour must be one of skip, silence, got "Skip"$/ },
      { name: 'no conference SID', msg: { action: 'pause', conferenceSid: undefined }, error: /^Conference SID is missing/ },
      { name: 'a bad pause behaviour with no recording SID: not even the lookup', msg: { action: 'pause', recordingSid: undefined, pauseBehavior: 'x' }, error: /^Pause behaviour must be one of skip, silence, got "x"$/ },
    ];
    for (const { name, node, msg, error } of BAD) {
      it(name, async () => {
        const r = h.space.startRecording(h.conferenceSid);
        const n1 = await deploy(node);
        const got = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid, recordingSid: r.sid, ...msg });
        assert.match((await got).error.message, error);
        assert.equal(h.space.requests.length, 0, 'no request: neither the lookup nor the update');
        assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'invalid input' });
      });
    }

    for (const [name, node, error] of [
      ['an unknown action', { action: 'mute' }, /^Action must be one of msg, pause, resume, stop, delete, got "mute"$/],
      ['an unknown pause behaviour', { pauseBehavior: 'quiet' }, /^Pause behaviour must be one of skip, silence, got "quiet"$/],
    ] as const) {
      it(`${name} in the node's settings is a config error at deploy; each message fails without a request`, async () => {
        const n1 = await deploy(node);
        const got = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid, action: 'stop' });
        assert.match((await got).error.message, error);
        assert.equal(h.space.requests.length, 0);
        assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'config error' });
      });
    }
  });

  it('never shows the API token in an error, on the msg or in a log line, also when the server echoes it', async () => {
    const r = h.space.startRecording(h.conferenceSid);
    const token = h.space.apiToken;
    const basic = Buffer.from(`${h.space.projectId}:${token}`).toString('base64');
    h.space.injectFaults(
      { kind: 'status', status: 503 },
      { kind: 'status', status: 422, body: JSON.stringify({ errors: [`Status refused for ${token}`, `auth ${basic}`] }) },
    );
    const err = await run({ action: 'pause' }, { recordingSid: r.sid }, true);
    assert.equal(h.space.requests.length, 2, 'the 503 was retried');
    assert.equal(err.statusCode, 422);
    assert.equal(err.error.message, 'SignalWire 422: Status refused for [redacted]; auth [redacted] (after 2 attempts)');
    const all = JSON.stringify({ error: err.error, body: err.signalwireError, log: helper.log().args });
    assert.ok(!all.includes(token), 'token');
    assert.ok(!all.includes(basic), 'Authorization header');
  });
});
