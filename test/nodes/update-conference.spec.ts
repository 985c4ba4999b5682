// Update conference against the fake space: end and announce (request, output, state read back
// through the API), the retry rules of each, bad input without a request, one message per input.
import assert from 'node:assert/strict';
import {
  caughtError,
  lastStatus,
  outcome,
  updateConferenceNode,
  type FlowNode,
} from '../support/harness';
import { LOST_ANSWERS, updateNodeSpec } from '../support/update-node';

const ANNOUNCE = 'https://announce.example.com/welcome.xml';

describe('signalwire-update-conference', function () {
  const { h, deploy, writes, api, assertOneMessagePerInput } = updateNodeSpec('signalwire-update-conference', updateConferenceNode);

  describe('actions', () => {
    it('ends: a form-encoded POST Status=completed; the output is the completed conference; its participants are gone', async () => {
      const p = h.space.addParticipant(h.conferenceSid);
      h.space.addParticipant(h.conferenceSid);
      const n1 = await deploy({ action: 'end' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, topic: 't' });
      const msg = await got;
      assert.equal(h.space.requests.length, 1);
      const [req] = h.space.requests;
      assert.equal(req.method, 'POST');
      assert.equal(req.path, `/api/laml/2010-04-01/Accounts/${h.space.projectId}/Conferences/${h.conferenceSid}`);
      assert.equal(req.contentType, 'application/x-www-form-urlencoded');
      assert.deepEqual(req.form, { Status: 'completed' });
      assert.equal(msg.payload.sid, h.conferenceSid);
      assert.equal(msg.payload.status, 'completed');
      assert.equal(msg.topic, 't');
      assert.equal(h.space.conferenceStatus(h.conferenceSid), 'completed');
      assert.deepEqual((await api('/Participants')).body.participants, []);
      assert.equal((await api(`/Participants/${p.call_sid}`)).status, 404);
      assert.equal(h.space.call(p.call_sid)?.status, 'completed', 'the call ended');
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'ended' });
    });

    it('announces from msg.action (the default) with msg.announceUrl over the node\'s, and AnnounceMethod from msg.params', async () => {
      const n1 = await deploy({ announceUrl: 'https://node.example.com/a.xml' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid, action: 'announce', announceUrl: ANNOUNCE, params: { AnnounceMethod: 'GET' } });
      const msg = await got;
      assert.deepEqual(h.space.requests.map((r) => [r.method, r.form]), [['POST', { AnnounceUrl: ANNOUNCE, AnnounceMethod: 'GET' }]]);
      assert.equal(msg.payload.status, 'in-progress');
      assert.deepEqual(h.space.announcements, [{ conferenceSid: h.conferenceSid, callSid: null, url: ANNOUNCE, method: 'GET' }]);
      assert.deepEqual(await lastStatus(n1), { fill: 'green', shape: 'dot', text: 'announced' });
    });

    it('announces the node\'s URL, reading the conference from a status callback payload', async () => {
      const n1 = await deploy({ action: 'announce', announceUrl: ANNOUNCE });
      const got = outcome();
      n1.receive({ payload: { ConferenceSid: h.conferenceSid, StatusCallbackEvent: 'conference-start' } });
      await got;
      assert.deepEqual(h.space.requests[0].form, { AnnounceUrl: ANNOUNCE });
    });

    it('ending an ended conference again answers the completed conference', async () => {
      h.space.endConference(h.conferenceSid);
      const n1 = await deploy({ action: 'end' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.status, 'completed');
    });

    it('sends exactly one message per input and ends each once', async () => {
      await assertOneMessagePerInput({ conferenceSid: h.conferenceSid, action: 'end' }, { conferenceSid: h.conferenceSid, action: 'restart' });
    });

    it('reports an unknown conference (404) to the Catch node', async () => {
      const n1 = await deploy({ action: 'end' });
      const err = caughtError();
      n1.receive({ conferenceSid: 'no-such-conference' });
      const msg = await err;
      assert.equal(msg.statusCode, 404);
      assert.equal(msg.signalwireError.code, 20404);
      assert.equal(msg.error.message, 'SignalWire 404: the conference does not exist or has ended');
      assert.equal(writes().length, 1);
    });
  });

  describe('retries', () => {
    for (const action of ['end', 'announce']) {
      it(`${action}: a 429 is retried (it was not carried out)`, async () => {
        h.space.injectFaults({ kind: 'status', status: 429 });
        const n1 = await deploy({ action, announceUrl: ANNOUNCE });
        const got = outcome();
        n1.receive({ conferenceSid: h.conferenceSid });
        await got;
        assert.equal(writes().length, 2);
      });
    }

    for (const { name, fault } of LOST_ANSWERS) {
      it(`end: retried after ${name} (ending twice does no harm)`, async () => {
        h.space.injectFaults(fault);
        const n1 = await deploy({ action: 'end' });
        const got = outcome();
        n1.receive({ conferenceSid: h.conferenceSid });
        assert.equal((await got).payload.status, 'completed');
        assert.equal(writes().length, 2);
      });

      it(`announce: NOT re-sent after ${name}: one request, an error`, async () => {
        h.space.injectFaults(fault);
        const n1 = await deploy({ action: 'announce', announceUrl: ANNOUNCE });
        const err = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid });
        await err;
        assert.equal(writes().length, 1);
      });
    }

    it('end carried out, answer lost: the retry answers the completed conference', async () => {
      h.space.injectFaults({ kind: 'lost', then: 'drop' });
      const n1 = await deploy({ action: 'end' });
      const got = outcome();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.equal((await got).payload.status, 'completed');
      assert.equal(writes().length, 2);
    });

    it('an announcement carried out whose answer was lost is played once, not twice', async () => {
      h.space.injectFaults({ kind: 'lost', then: 'hang' });
      const n1 = await deploy({ action: 'announce', announceUrl: ANNOUNCE });
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid });
      assert.match((await err).error.message, /timed out/);
      assert.equal(writes().length, 1);
      assert.equal(h.space.announcements.length, 1);
    });
  });

  describe('bad input: a clear error and no request', () => {
    const BAD: Array<{ name: string; node?: FlowNode; msg: Record<string, unknown>; error: RegExp }> = [
      { name: 'an unknown msg.action', msg: { action: 'restart' }, error: /^Action must be one of end, announce, got "restart"$/ },
      { name: 'a missing msg.action', msg: {}, error: /^Action is missing: set msg.action to one of end, announce/ },
      { name: 'a participant action', msg: { action: 'mute' }, error: /^Action must be one of end, announce, got "mute"$/ },
      { name: 'announce without a URL', msg: { action: 'announce' }, error: /^Announcement URL is missing: set msg.announceUrl/ },
      { name: 'an announcement URL that is not http(s)', msg: { action: 'announce', announceUrl: 'ftp://x.example.com/a' }, error: /^announceUrl must be an absolute http/ },
      { name: 'a bad node announcement URL', node: { action: 'announce', announceUrl: 'not a url' }, msg: {}, error: /^announceUrl must be/ },
      { name: 'Status in msg.params', msg: { action: 'end', params: { Status: 'in-progress' } }, error: /^msg.params.Status is not an update parameter this node sends: use AnnounceMethod/ },
      { name: 'a participant parameter', msg: { action: 'announce', announceUrl: ANNOUNCE, params: { Muted: true } }, error: /^msg.params.Muted is not an update parameter/ },
      { name: 'an unsafe conference SID', msg: { action: 'end', conferenceSid: '../x' }, error: /^Conference SID "..\/x" may contain only/ },
    ];
    for (const { name, node, msg, error } of BAD) {
      it(name, async () => {
        const n1 = await deploy(node);
        const err = caughtError();
        n1.receive({ conferenceSid: h.conferenceSid, ...msg });
        assert.match((await err).error.message, error);
        assert.equal(h.space.requests.length, 0);
        assert.equal(h.space.conferenceStatus(h.conferenceSid), 'in-progress');
      });
    }

    it('an unknown action in the node\'s settings is a config error, and no request', async () => {
      const n1 = await deploy({ action: 'mute' });
      const err = caughtError();
      n1.receive({ conferenceSid: h.conferenceSid, action: 'end' });
      assert.match((await err).error.message, /^Action must be one of msg, end, announce, got "mute"$/);
      assert.equal(h.space.requests.length, 0);
    });
  });
});
