// Update participant against the fake space: each action's request and output, the state it
// leaves (read back through the API's list and get), each retry rule of a write, each bad
// input (no request), no secret in errors or logs, one message out per input.
import assert from 'node:assert/strict';
import {
  assertEndedByClose,
  caughtError,
  collect,
  credentials,
  helper,
  lastStatus,
  load,
  outcome,
  spaceNode,
  updateParticipantNode,
  waitUntil,
  type FlowNode,
} from '../support/harness';
import { FAST_RETRIES, LOST_ANSWERS, updateNodeSpec } from '../support/update-node';

const MODULES = [spaceNode, updateParticipantNode];

describe('signalwire-update-participant', function () {
  const { h, deploy, writes, api, assertOneMessagePerInput } = updateNodeSpec('signalwire-update-participant', updateParticipantNode);

  describe('actions', () => {
    it('mutes: a form-encoded POST Muted=true; the output is the updated participant, and the list shows it muted', async () => {
      const p = h.space.addParticipant(h.conferenceSid, { muted: false });
      const n1 = await deploy({ action: 'mute' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, topic: 't' });
      const msg = await got;
      assert.equal(h.space.requests.length, 1);
      const [req] = h.space.requests;
      assert.equal(req.method, 'POST');
      assert.equal(req.path, `/api/laml/2010-04-01/Accounts/${h.space.projectId}/Conferences/${h.conferenceSid}/Participants/${p.call_sid}`);
      assert.equal(req.contentType, 'application/x-www-form-urlencoded');
      assert.deepEqual(req.form, { Muted: 'true' });
      assert.equal(msg.payload.call_sid, p.call_sid);
      assert.equal(msg.payload.muted, true);
      assert.equal(msg.topic, 't');
      const list = await api('/Participants');
      assert.equal(list.body.participants.find((x: any) => x.call_sid === p.call_sid).muted, true);
      assert.equal((await api('/Participants?Muted=true')).body.participants.length, 1);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'muted' });
    });

    const CASES = [
      { action: 'mute', before: { muted: false }, form: { Muted: 'true' }, field: 'muted', value: true, status: 'muted' },
      { action: 'unmute', before: { muted: true }, form: { Muted: 'false' }, field: 'muted', value: false, status: 'unmuted' },
      { action: 'hold', before: { hold: false }, form: { Hold: 'true' }, field: 'hold', value: true, status: 'on hold' },
      { action: 'unhold', before: { hold: true }, form: { Hold: 'false' }, field: 'hold', value: false, status: 'off hold' },
    ] as const;
    for (const c of CASES) {
      it(`${c.action} from msg.action (the default): sends ${JSON.stringify(c.form)}, the get shows ${c.field} ${c.value}`, async () => {
        const p = h.space.addParticipant(h.conferenceSid, c.before);
        const n1 = await deploy();
        const got = outcome();
        n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, action: c.action });
        const msg = await got;
        assert.deepEqual(writes().map((r) => [r.method, r.form]), [['POST', c.form]]);
        assert.equal(msg.payload[c.field], c.value);
        assert.equal((await api(`/Participants/${p.call_sid}`)).body[c.field], c.value);
        assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: c.status });
      });
    }

    it('removes: a DELETE with no body; the output says which call left which conference; a get then answers 404', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      const other = h.space.addParticipant(h.conferenceSid);
      const n1 = await deploy({ action: 'remove' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
      const msg = await got;
      assert.deepEqual(msg.payload, { removed: true, conferenceSid: h.conferenceSid, callSid: p.call_sid });
      assert.equal(h.space.requests.length, 1);
      assert.equal(h.space.requests[0].method, 'DELETE');
      assert.equal(h.space.requests[0].form, undefined, 'no body');
      assert.equal((await api(`/Participants/${p.call_sid}`)).status, 404);
      assert.deepEqual((await api('/Participants')).body.participants.map((x: any) => x.call_sid), [other.call_sid]);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'removed' });
    });

    it('remove, clicked twice: the second says the participant had already left, as an error a Catch node gets (404, the API\'s code kept)', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      const n1 = await deploy({ action: 'remove' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, caller: '+13035550151' });
      assert.equal((await got).payload.removed, true);
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, caller: '+13035550151' });
      const msg = await err;
      assert.equal(msg.error.message, 'SignalWire 404: the participant had already left the conference (or was never in it)');
      assert.equal(msg.statusCode, 404);
      assert.equal(msg.signalwireError.code, 20404);
      assert.match(msg.signalwireError.message, /^The requested resource .* was not found$/, 'the API\'s own text, whole');
      assert.equal(msg.caller, '+13035550151', 'the msg keeps its other properties');
      assert.deepEqual(await collect('out', 100), [], 'nothing on the output');
      assert.deepEqual(writes().map((r) => r.method), ['DELETE', 'DELETE']);
    });

    it('reads ConferenceSid and CallSid from a status callback payload, and the SIDs from configured properties', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      let n1 = await deploy({ action: 'hold' });
      let got = outcome();
      n1.receive({ payload: { ConferenceSid: h.conferenceSid, CallSid: p.call_sid, StatusCallbackEvent: 'participant-join' } });
      assert.equal((await got).payload.hold, true);
      await helper.unload();
      n1 = await deploy({ action: 'unhold', callSid: 'who', callSidType: 'msg', conferenceSid: h.conferenceSid, conferenceSidType: 'str' });
      got = outcome();
      n1.receive({ who: p.call_sid });
      assert.equal((await got).payload.hold, false);
    });

    it('sends the hold music and announcement URLs (msg over node) and msg.params by their API names', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      const n1 = await deploy({ action: 'hold', holdUrl: 'https://music.example.com/hold.xml', announceUrl: 'https://node.example.com/a.xml' });
      const got = outcome();
      n1.receive({
        conferenceSid: h.conferenceSid,
        callSid: p.call_sid,
        announceUrl: 'https://msg.example.com/a.xml',
        params: { HoldMethod: 'post', AnnounceMethod: 'GET', WaitUrl: 'http://wait.example.com/w', WaitMethod: 'GET' },
      });
      await got;
      assert.deepEqual(h.space.requests[0].form, {
        Hold: 'true',
        HoldUrl: 'https://music.example.com/hold.xml',
        AnnounceUrl: 'https://msg.example.com/a.xml',
        HoldMethod: 'POST',
        AnnounceMethod: 'GET',
        WaitUrl: 'http://wait.example.com/w',
        WaitMethod: 'GET',
      });
      assert.deepEqual(h.space.announcements, [{ conferenceSid: h.conferenceSid, callSid: p.call_sid, url: 'https://msg.example.com/a.xml', method: 'GET' }]);
    });

    it('sends Coaching with CallSidToCoach', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      const coached = h.space.addParticipant(h.conferenceSid);
      const n1 = await deploy({ action: 'mute' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, params: { Coaching: true, CallSidToCoach: coached.call_sid } });
      const msg = await got;
      assert.deepEqual(h.space.requests[0].form, { Muted: 'true', Coaching: 'true', CallSidToCoach: coached.call_sid });
      assert.equal(msg.payload.coaching, true);
      assert.equal(msg.payload.call_sid_to_coach, coached.call_sid);
    });

    it('sends exactly one message per input and ends each once', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      await assertOneMessagePerInput({ conferenceSid: h.conferenceSid, callSid: p.call_sid, action: 'mute' }, { conferenceSid: h.conferenceSid, callSid: p.call_sid, action: 'kick' });
    });

    it('aborts a held write when the flow stops: nothing is sent, the message ends once, no retry follows', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      h.space.injectFaults({ kind: 'hang' });
      const n1 = await deploy({ action: 'mute' }, { ...FAST_RETRIES, timeout: 10 });
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
      await waitUntil(() => h.space.inFlight === 1, 2000, 'the space did not receive the request');
      await helper.unload();
      await assertEndedByClose(h.space);
      assert.equal(writes().length, 1, 'no retry after close');
    });

    it('reports a participant who has left (404) to the Catch node', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      h.space.removeParticipant(h.conferenceSid, p.call_sid);
      const n1 = await deploy({ action: 'mute' });
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
      const msg = await err;
      assert.equal(msg.statusCode, 404);
      assert.equal(msg.signalwireError.code, 20404);
      assert.equal(msg.error.message, 'SignalWire 404: the participant is no longer in the conference (or never was)');
      assert.equal(h.space.requests.length, 1);
    });
  });

  describe('coaching', () => {
    it('coach: sends Coaching=true and CallSidToCoach from msg.callSidToCoach; the participant coaches that call', async () => {
      const coach = h.space.addParticipant(h.conferenceSid);
      const agent = h.space.addParticipant(h.conferenceSid);
      const n1 = await deploy({ action: 'coach' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: coach.call_sid, callSidToCoach: agent.call_sid });
      const msg = await got;
      assert.deepEqual(writes().map((r) => [r.method, r.form]), [['POST', { Coaching: 'true', CallSidToCoach: agent.call_sid }]]);
      assert.deepEqual([msg.payload.coaching, msg.payload.call_sid_to_coach], [true, agent.call_sid]);
      const read = (await api(`/Participants/${coach.call_sid}`)).body;
      assert.deepEqual([read.coaching, read.call_sid_to_coach], [true, agent.call_sid]);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'coaching' });
    });

    it('uncoach (from msg.action): sends Coaching=false only; the participant coaches no one', async () => {
      const agent = h.space.addParticipant(h.conferenceSid);
      const coach = h.space.addParticipant(h.conferenceSid, { coaching: true, call_sid_to_coach: agent.call_sid });
      const n1 = await deploy();
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: coach.call_sid, action: 'uncoach', callSidToCoach: agent.call_sid });
      const msg = await got;
      assert.deepEqual(writes().map((r) => r.form), [{ Coaching: 'false' }]);
      assert.deepEqual([msg.payload.coaching, msg.payload.call_sid_to_coach], [false, null]);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'not coaching' });
    });

    it('coach reads the call to coach from a configured property; the other actions never read it', async () => {
      const coach = h.space.addParticipant(h.conferenceSid);
      const agent = h.space.addParticipant(h.conferenceSid);
      let n1 = await deploy({ action: 'coach', callSidToCoach: agent.call_sid, callSidToCoachType: 'str' });
      let got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: coach.call_sid });
      assert.equal((await got).payload.call_sid_to_coach, agent.call_sid);
      await helper.unload();
      // A property that cannot be read would fail coach; mute does not read it.
      n1 = await deploy({ callSidToCoach: 'nope', callSidToCoachType: 'flow' });
      got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: coach.call_sid, action: 'mute' });
      assert.equal((await got).payload.muted, true);
    });

    it('an older flow (no callSidToCoach property) coaches with msg.callSidToCoach', async () => {
      const coach = h.space.addParticipant(h.conferenceSid);
      const agent = h.space.addParticipant(h.conferenceSid);
      const n1 = await load(
        [
          { id: 'f1', type: 'tab', label: 'old' },
          { id: 'space', type: 'signalwire-space', name: 'old space', space: h.space.url, ...FAST_RETRIES },
          // as saved before coaching existed: no callSidToCoach / callSidToCoachType
          { id: 'n1', type: 'signalwire-update-participant', z: 'f1', x: 100, y: 100, space: 'space', conferenceSid: 'conferenceSid', conferenceSidType: 'msg', callSid: 'callSid', callSidType: 'msg', action: 'msg', holdUrl: '', announceUrl: '', wires: [['out']] },
          { id: 'out', type: 'helper', z: 'f1', x: 100, y: 100, wires: [] },
          { id: 'catch', type: 'catch', z: 'f1', x: 100, y: 100, scope: ['n1'], uncaught: false, wires: [['caught']] },
          { id: 'caught', type: 'helper', z: 'f1', x: 100, y: 100, wires: [] },
        ],
        credentials(h.space),
        MODULES,
      );
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: coach.call_sid, action: 'coach', callSidToCoach: agent.call_sid });
      assert.equal((await got).payload.call_sid_to_coach, agent.call_sid);
    });

    for (const [action, fault] of [
      ['coach', { kind: 'status', status: 429 }],
      ['coach', { kind: 'hang' }],
      ['uncoach', { kind: 'status', status: 503 }],
    ] as const) {
      it(`${action}: retried after ${fault.kind === 'hang' ? 'a timeout' : fault.status} (setting the coaching twice does no harm)`, async () => {
        const coach = h.space.addParticipant(h.conferenceSid);
        const agent = h.space.addParticipant(h.conferenceSid);
        h.space.injectFaults(fault);
        const n1 = await deploy({ action });
        const got = outcome();
        n1.receive({ conferenceSid: h.conferenceSid, callSid: coach.call_sid, callSidToCoach: agent.call_sid });
        await got;
        assert.equal(writes().length, 2);
      });
    }

    it('msg.params.Coaching and CallSidToCoach still go with the other actions, as before', async () => {
      const coach = h.space.addParticipant(h.conferenceSid);
      const agent = h.space.addParticipant(h.conferenceSid);
      const n1 = await deploy({ action: 'hold' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: coach.call_sid, params: { Coaching: 'true', CallSidToCoach: agent.call_sid } });
      await got;
      assert.deepEqual(writes()[0].form, { Hold: 'true', Coaching: 'true', CallSidToCoach: agent.call_sid });
    });
  });

  describe('retries', () => {
    for (const action of ['mute', 'hold', 'remove']) {
      it(`${action}: a 429 is retried (it was not carried out)`, async () => {
        const p = h.space.addParticipant(h.conferenceSid);
        h.space.injectFaults({ kind: 'status', status: 429 });
        const n1 = await deploy({ action });
        const got = outcome();
        n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
        await got;
        assert.equal(writes().length, 2);
      });
    }

    it('an update with an announcement: a 429 is retried too', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      h.space.injectFaults({ kind: 'status', status: 429 });
      const n1 = await deploy({ action: 'mute', announceUrl: 'https://a.example.com/x' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
      await got;
      assert.equal(writes().length, 2);
      assert.equal(h.space.announcements.length, 1, 'played once');
    });

    for (const { name, fault } of LOST_ANSWERS) {
      for (const action of ['mute', 'unhold']) {
        it(`${action}: retried after ${name} (setting a value twice does no harm)`, async () => {
          const p = h.space.addParticipant(h.conferenceSid, { muted: false, hold: true });
          h.space.injectFaults(fault);
          const n1 = await deploy({ action });
          const got = outcome();
          n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
          await got;
          assert.equal(writes().length, 2);
        });
      }

      it(`an update with an announcement is NOT re-sent after ${name}: one request, an error`, async () => {
        const p = h.space.addParticipant(h.conferenceSid);
        h.space.injectFaults(fault);
        const n1 = await deploy({ action: 'mute' });
        const err = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, announceUrl: 'https://a.example.com/x' });
        await err;
        assert.equal(writes().length, 1);
      });
    }

    it('an announcement carried out whose answer was lost is played once, not twice', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      h.space.injectFaults({ kind: 'lost', then: 'drop' });
      const n1 = await deploy({ action: 'mute', announceUrl: 'https://a.example.com/x' });
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
      await err;
      assert.equal(writes().length, 1);
      assert.equal(h.space.announcements.length, 1);
    });

    for (const then of ['drop', 'hang'] as const) {
      it(`remove: carried out, answer lost (${then === 'drop' ? 'dropped connection' : 'timeout'}), retried, 404: that is success`, async () => {
        const p = h.space.addParticipant(h.conferenceSid);
        h.space.injectFaults({ kind: 'lost', then });
        const n1 = await deploy({ action: 'remove' });
        const got = outcome();
        n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
        const msg = await got;
        assert.deepEqual(msg.payload, { removed: true, conferenceSid: h.conferenceSid, callSid: p.call_sid });
        assert.deepEqual(writes().map((r) => r.method), ['DELETE', 'DELETE']);
        assert.equal((await api(`/Participants/${p.call_sid}`)).status, 404);
      });
    }

    it('remove: a 404 to the first attempt is an error (the participant was not there)', async () => {
      const n1 = await deploy({ action: 'remove' });
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: 'not-here' });
      const msg = await err;
      assert.equal(msg.statusCode, 404);
      assert.match(msg.error.message, /^SignalWire 404: the participant had already left/);
      assert.equal(writes().length, 1);
    });

    it('remove: a 404 after a 429 is an error (the 429 was not carried out)', async () => {
      h.space.injectFaults({ kind: 'status', status: 429 });
      const n1 = await deploy({ action: 'remove' });
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: 'not-here' });
      const msg = await err;
      assert.equal(msg.statusCode, 404);
      assert.equal(writes().length, 2);
    });

    it('never retries a 400 or a 500', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      h.space.injectFaults({ kind: 'status', status: 500 });
      const n1 = await deploy({ action: 'mute' });
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
      assert.equal((await err).statusCode, 500);
      assert.equal(writes().length, 1);
    });
  });

  describe('bad input: a clear error and no request', () => {
    const BAD: Array<{ name: string; node?: FlowNode; msg: Record<string, unknown>; error: RegExp }> = [
      { name: 'an unknown msg.action', msg: { action: 'kick' }, error: /^Action must be one of mute, unmute, hold, unhold, coach, uncoach, remove, got "kick"$/ },
      { name: 'a missing msg.action', msg: {}, error: /^Action is missing: set msg.action to one of mute, unmute, hold, unhold, coach, uncoach, remove/ },
      { name: 'msg.action "msg"', msg: { action: 'msg' }, error: /^Action must be one of/ },
      { name: 'a hold URL that is not http(s)', node: { action: 'hold', holdUrl: 'ftp://x.example.com/h' }, msg: {}, error: /^holdUrl must be an absolute http:\/\/ or https:\/\/ URL/ },
      { name: 'a javascript: announcement URL', msg: { action: 'mute', announceUrl: 'javascript:alert(1)' }, error: /^announceUrl must be an absolute http/ },
      { name: 'a URL with a password', msg: { action: 'mute', holdUrl: 'https://u:p@x.example.com/' }, error: /^holdUrl must be/ },
      { name: 'a relative URL', msg: { action: 'mute', holdUrl: '/hold.xml' }, error: /^holdUrl must be/ },
      { name: 'an unknown update parameter', msg: { action: 'mute', params: { StatusCallback: 'https://x.example.com' } }, error: /^msg.params.StatusCallback is not an update parameter this node sends: use HoldMethod, AnnounceMethod, WaitUrl, WaitMethod, Coaching, CallSidToCoach/ },
      { name: 'Muted in msg.params', msg: { action: 'unmute', params: { Muted: 'true' } }, error: /^msg.params.Muted is not an update parameter/ },
      { name: 'msg.params not an object', msg: { action: 'mute', params: 'HoldMethod=GET' }, error: /^msg.params must be an object/ },
      { name: 'a method that is not GET or POST', msg: { action: 'mute', params: { HoldMethod: 'PUT' } }, error: /^msg.params.HoldMethod must be GET or POST, got "PUT"$/ },
      { name: 'Coaching not a boolean', msg: { action: 'mute', params: { Coaching: 'yes' } }, error: /^msg.params.Coaching must be true or false/ },
      { name: 'Coaching without CallSidToCoach', msg: { action: 'mute', params: { Coaching: true } }, error: /^msg.params.Coaching true needs msg.params.CallSidToCoach/ },
      { name: 'an unsafe CallSidToCoach', msg: { action: 'mute', params: { CallSidToCoach: '../x' } }, error: /^msg.params.CallSidToCoach must be a call SID/ },
      { name: 'a bad WaitUrl', msg: { action: 'mute', params: { WaitUrl: 'file:///etc/passwd' } }, error: /^WaitUrl must be an absolute http/ },
      { name: 'an unsafe call SID', msg: { action: 'mute', callSid: 'a/../b' }, error: /^Call SID "a\/..\/b" may contain only/ },
      { name: 'remove with an unknown parameter', msg: { action: 'remove', params: { Foo: 1 } }, error: /^msg.params.Foo is not an update parameter/ },
      { name: 'coach without a call to coach', msg: { action: 'coach' }, error: /^Call SID to coach is missing: set msg\.callSidToCoach$/ },
      { name: 'coach with an unsafe call to coach', msg: { action: 'coach', callSidToCoach: '../x' }, error: /^Call SID to coach "..\/x" may contain only/ },
      { name: 'coach with Coaching in msg.params', msg: { action: 'coach', callSidToCoach: 'abc', params: { Coaching: true, CallSidToCoach: 'abc' } }, error: /^msg\.params\.Coaching cannot go with the action coach, which sets the coaching itself$/ },
      { name: 'coach with CallSidToCoach in msg.params', msg: { action: 'coach', callSidToCoach: 'abc', params: { CallSidToCoach: 'def' } }, error: /^msg\.params\.CallSidToCoach cannot go with the action coach/ },
      { name: 'uncoach with Coaching in msg.params', msg: { action: 'uncoach', params: { Coaching: 'false' } }, error: /^msg\.params\.Coaching cannot go with the action uncoach/ },
    ];
    for (const { name, node, msg, error } of BAD) {
      it(name, async () => {
        const p = h.space.addParticipant(h.conferenceSid);
        const n1 = await deploy(node);
        const err = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, ...msg });
        const caught = await err;
        assert.match(caught.error.message, error);
        assert.equal(h.space.requests.length, 0);
        assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'invalid input' });
      });
    }

    it('an unknown action in the node\'s settings is a config error at deploy, and each message fails without a request', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      const n1 = await deploy({ action: 'kick' });
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid, action: 'mute' });
      assert.match((await err).error.message, /^Action must be one of msg, mute, unmute, hold, unhold, coach, uncoach, remove, got "kick"$/);
      assert.equal(h.space.requests.length, 0);
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'config error' });
    });
  });

  describe('secrets', () => {
    it('never shows the API token in an error, on the msg or in a log line, also when the server echoes it', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      const token = h.space.apiToken;
      const basic = Buffer.from(`${h.space.projectId}:${token}`).toString('base64');
      h.space.injectFaults(
        { kind: 'status', status: 503 },
        { kind: 'status', status: 400, body: JSON.stringify({ code: 21000, message: `bad request from ${token} (${basic})`, more_info: `https://x/${token}`, status: 400 }) },
      );
      const n1 = await deploy({ action: 'mute' });
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, callSid: p.call_sid });
      const msg = await err;
      assert.equal(h.space.requests.length, 2, 'the 503 was retried');
      assert.match(msg.error.message, /\[redacted\]/);
      const all = JSON.stringify({ error: msg.error, body: msg.signalwireError, log: helper.log().args });
      assert.ok(!all.includes(token), 'token');
      assert.ok(!all.includes(basic), 'Authorization header');
    });
  });
});
