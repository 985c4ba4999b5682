// The conference roster node in a running flow, against the fake space: the deploy sweep, events
// (from the conference events node over HTTP, or injected as that node sends them), participant
// objects, sweeps that heal what callbacks missed, failures, the throttle and close.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sinon from 'sinon';
import { parseForm, rawParameters, toConferenceEvent } from '../../nodes/lib/callbacks/parsing';
import { rosterSettings } from '../../nodes/lib/roster/settings';
import { computeSignature, FakeSpace, rfc2822 } from '../../simulator';
import { useLanguage } from '../support/catalogues';
import {
  collect,
  completions,
  credentials,
  delay,
  eventsNode,
  helper,
  lastStatus,
  load,
  next,
  rosterNode,
  spaceConfig,
  listRecordingsNode,
  spaceNode,
  updateConferenceNode,
  updateRecordingNode,
  waitUntil,
  type FlowNode,
  type Msg,
} from '../support/harness';

/* eslint-disable @typescript-eslint/no-explicit-any */
const at = { z: 'f1', x: 100, y: 100 };
const SIGNING_KEY = 'PSK_roster_signing_key_0123456789';
const CALLBACK_PATH = '/signalwire/conference-events';

/** The roster (n1) wired to `rows` (output 1) and `list` (output 2), a Catch node to `caught`. */
function rosterFlow(space: FakeSpace, node: FlowNode = {}, extra: FlowNode[] = [], spaceExtra: FlowNode = {}): FlowNode[] {
  return [
    { id: 'f1', type: 'tab', label: 'test' },
    spaceConfig(space.url, { retryBaseMs: 5, ...spaceExtra }),
    { id: 'n1', ...at, type: 'signalwire-conference-roster', space: 'space', sweepGap: 0, throttle: 0, ...node, wires: [['rows'], ['list']] },
    { id: 'rows', ...at, type: 'helper', wires: [] },
    { id: 'list', ...at, type: 'helper', wires: [] },
    { id: 'catch', ...at, type: 'catch', scope: ['n1'], uncaught: false, wires: [['caught']] },
    { id: 'caught', ...at, type: 'helper', wires: [] },
    ...extra,
  ];
}

let space: FakeSpace;

async function start(node: FlowNode = {}, spaceExtra: FlowNode = {}): Promise<any> {
  return load(rosterFlow(space, node, [], spaceExtra), credentials(space), [spaceNode, rosterNode]);
}

/** Messages on `id` until one passes `pick` (the ones before it are dropped). */
async function until(id: string, pick: (m: Msg) => boolean, timeoutMs = 8000): Promise<Msg> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await next(id, Math.max(1, deadline - Date.now()));
    if (pick(m)) return m;
  }
}

/** The next rows of `conferenceSid` whose rows pass `pick`. */
function rowsWhen(conferenceSid: string, pick: (rows: any[]) => boolean = () => true, timeoutMs = 8000): Promise<Msg> {
  return until('rows', (m) => m.conferenceSid === conferenceSid && pick(m.payload), timeoutMs);
}

const row = (m: Msg, callSid: string) => m.payload.find((r: any) => r.callSid === callSid);

/** A conference status callback's parameters as SignalWire sends them. */
function callback(event: string, conferenceSid: string, callSid: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const params: Record<string, string> = {
    AccountSid: space.projectId,
    ConferenceSid: conferenceSid,
    FriendlyName: space.conference(conferenceSid)?.friendly_name ?? 'standup',
    StatusCallbackEvent: event,
    Timestamp: rfc2822(),
  };
  if (callSid) Object.assign(params, { CallSid: callSid, Muted: 'false', Hold: 'false', CallStatus: 'in-progress', Direction: 'inbound' });
  return { ...params, ...extra };
}

/** The message the conference events node sends on output 1 for these parameters. */
function eventMsg(params: Record<string, string>): Msg {
  const form = parseForm(new URLSearchParams(params).toString());
  const msg: Msg = { topic: params.StatusCallbackEvent, conferenceSid: params.ConferenceSid, payload: toConferenceEvent(form), callback: rawParameters(form) };
  if (params.CallSid) msg.callSid = params.CallSid;
  return msg;
}

/** The requests the roster made since `from` (an index into space.requests). */
function requestsSince(from: number): string[] {
  return space.requests.slice(from).map((r) => `${r.method} ${r.path.replace(/^.*\/Accounts\/[^/]+/, '')}${r.query.Status ? `?Status=${r.query.Status}` : ''}`);
}

/** Waits until the node's status, once its coalesced updates landed, matches. */
async function statusMatches(n1: any, pattern: RegExp): Promise<Record<string, unknown>> {
  let last: Record<string, unknown> | undefined;
  await waitUntil(
    () => {
      const calls = n1.status.getCalls().filter((c: any) => c.thisValue === n1);
      last = calls.length ? calls[calls.length - 1].args[0] : undefined;
      return pattern.test(String(last?.text));
    },
    8000,
    () => `status ${JSON.stringify(last)} matching ${pattern}`,
  );
  return last!;
}

function warnings(id = 'n1'): string[] {
  const log = helper.log() as any;
  return (log.args as unknown[][]).map((a) => a[0] as Record<string, unknown>).filter((e) => e?.level === log.WARN && e.id === id).map((e) => String(e.msg));
}

describe('signalwire-conference-roster node', function () {
  beforeEach(async () => {
    space = new FakeSpace();
    await space.start();
  });

  afterEach(async () => {
    sinon.restore();
    try {
      await collect('rows', 0);
      await collect('list', 0);
      const caught = await collect('caught', 20);
      assert.deepEqual(caught.map((m) => m.error?.message), [], 'no unexpected error');
    } finally {
      await helper.unload();
      await space.close();
      await useLanguage('en-US');
    }
  });

  describe('the deploy sweep', () => {
    it('fills the roster from the API (rows oldest join first, the conference, the live list), then costs no request per event', async () => {
      const standup = space.addConference('conf-standup', { friendly_name: 'standup', date_created: rfc2822(Date.now() - 60_000) });
      const retro = space.addConference('conf-retro', { friendly_name: 'retro', date_created: rfc2822(Date.now() - 30_000) });
      space.addParticipant(standup, { call_sid: 'call-b', date_created: rfc2822(Date.now() - 20_000), muted: true }, { from: '+15550000002', to: '+15559990000' });
      space.addParticipant(standup, { call_sid: 'call-a', date_created: rfc2822(Date.now() - 40_000), hold: true }, { from: '+15550000001', to: '+15559990000' });
      space.addParticipant(retro, { call_sid: 'call-c' }, { from: '+15550000003', to: '+15559990000' });
      const n1 = await start();

      // Each participant was first found by the sweep: their numbers come with the lookups. The
      // two conferences are read at the same time: their rows come in either order.
      const complete: Record<string, Msg> = {};
      await until('rows', (m) => {
        if (m.payload.length > 0 && m.payload.every((x: any) => x.from !== null) && m.payload.length === (m.conferenceSid === standup ? 2 : 1)) complete[m.conferenceSid] = m;
        return complete[standup] !== undefined && complete[retro] !== undefined;
      });
      const rows = complete[standup];
      assert.deepEqual(rows.payload.map((r: any) => [r.callSid, r.caller, r.from, r.to, r.callerName, r.muted, r.hold, r.speaking, r.coaching, r.state]), [
        ['call-a', '+15550000001', '+15550000001', '+15559990000', null, false, true, false, false, 'on hold'],
        ['call-b', '+15550000002', '+15550000002', '+15559990000', null, true, false, false, false, 'muted'],
      ]);
      assert.equal(rows.payload[0].conferenceSid, standup);
      assert.equal(rows.payload[0].joinedAt, new Date(Date.parse(space.participant(standup, 'call-a')!.date_created)).toISOString());
      assert.match(rows.payload[0].joined, /^\d{1,2}:\d{2} (AM|PM) \S+$/, 'the time of day with its zone');
      assert.deepEqual(rows.conference, {
        sid: standup,
        friendlyName: 'standup',
        status: 'in-progress',
        participants: 2,
        startedAt: new Date(Date.parse(space.conference(standup)!.date_created)).toISOString(),
        recording: null,
      });
      assert.deepEqual(Object.keys(rows).sort(), ['_msgid', 'conference', 'conferenceSid', 'payload']);
      assert.equal(complete[retro].payload[0].from, '+15550000003');
      const list = await until('list', (m) => m.payload.length === 2 && m.payload.every((c: any) => c.participants > 0));
      assert.deepEqual(
        list.payload.map((c: any) => [c.sid, c.friendlyName, c.participants, c.speaking]),
        [
          [standup, 'standup', 2, 0],
          [retro, 'retro', 1, 0],
        ],
        'oldest first',
      );
      assert.deepEqual(requestsSince(0).sort(), [
        'GET /Calls/call-a',
        'GET /Calls/call-b',
        'GET /Calls/call-c',
        'GET /Conferences/conf-retro/Participants',
        'GET /Conferences/conf-standup/Participants',
        'GET /Conferences?Status=in-progress',
      ]);
      await statusMatches(n1, /^2 conferences, 3 participants, swept \d{1,2}:\d{2}:\d{2} (AM|PM)$/);

      // From now on every event is applied with no request at all.
      const before = space.requests.length;
      n1.receive(eventMsg(callback('participant-join', standup, 'call-d', { From: '+15550000004', To: '+15559990000' })));
      n1.receive(eventMsg(callback('participant-speech-start', standup, 'call-d')));
      n1.receive(eventMsg(callback('participant-mute', standup, 'call-a', { Muted: 'true', Hold: 'true' })));
      n1.receive(eventMsg(callback('participant-leave', retro, 'call-c')));
      const after = await rowsWhen(standup, (r) => r.length === 3 && r[0].muted && r[2].speaking);
      assert.deepEqual(row(after, 'call-d'), { ...row(after, 'call-d'), caller: '+15550000004', from: '+15550000004', speaking: true, state: 'speaking' });
      assert.equal(row(after, 'call-a').state, 'muted, on hold');
      await rowsWhen(retro, (r) => r.length === 0);
      await until('list', (m) => m.payload.length === 2 && m.payload[0].participants === 3 && m.payload[0].speaking === 1 && m.payload[1].participants === 0);
      await delay(50);
      assert.deepEqual(requestsSince(before), [], 'no request for any event');
    });
  });

  describe('wired after the conference events node', () => {
    let server: http.Server | undefined;
    let app: any;
    afterEach(async () => {
      server?.closeAllConnections();
      if (server) await new Promise((resolve) => server!.close(resolve));
      server = undefined;
    });

    /** POSTs a callback signed with the Signing Key over the URL it arrives at. */
    function post(params: Record<string, string>): Promise<number> {
      const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}${CALLBACK_PATH}`;
      const body = new URLSearchParams(params).toString();
      return new Promise((resolve, reject) => {
        const req = http.request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), 'X-SignalWire-Signature': computeSignature(url, params, SIGNING_KEY) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(body);
      });
    }

    it('signed callbacks become rows with no configuration and no API request', async () => {
      const conf = space.addConference('conf-live', { friendly_name: 'live' });
      const events: FlowNode = { id: 'events', ...at, type: 'signalwire-conference-events', space: 'space', url: CALLBACK_PATH, wires: [['n1'], []] };
      const flow = rosterFlow(space, {}, [events]);
      await load(flow, { space: { projectId: space.projectId, apiToken: space.apiToken, signingKey: SIGNING_KEY } }, [spaceNode, eventsNode, rosterNode, (red: any) => (app = red.httpNode)]);
      server = http.createServer((req, res) => app(req, res));
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      await rowsWhen(conf, (r) => r.length === 0); // the deploy sweep found it, empty
      await statusMatches(helper.getNode('n1'), /swept/);
      const before = space.requests.length;
      assert.equal(await post(callback('participant-join', conf, 'call-1', { From: '+15551110001', To: '+15552220000' })), 204);
      assert.equal(await post(callback('participant-join', conf, 'call-2', { From: '+15551110002', To: '+15552220000', Muted: 'true' })), 204);
      assert.equal(await post(callback('participant-speech-start', conf, 'call-1')), 204);
      const rows = await rowsWhen(conf, (r) => r.length === 2 && r[0].speaking);
      assert.deepEqual(
        rows.payload.map((r: any) => [r.callSid, r.caller, r.state]),
        [
          ['call-1', '+15551110001', 'speaking'],
          ['call-2', '+15551110002', 'muted'],
        ],
      );
      assert.equal(rows.conference.friendlyName, 'live');
      await delay(50);
      assert.deepEqual(requestsSince(before), []);
    });

    /** A recording status callback as SignalWire POSTs it (RecordingStatusCallbackPayload), with ConferenceSid when given. */
    function recordingCallback(recordingSid: string, status: string, conferenceSid?: string): Record<string, string> {
      const params: Record<string, string> = {
        AccountSid: space.projectId,
        CallSid: `ca-${status}-${recordingSid}`,
        RecordingSid: recordingSid,
        RecordingUrl: `https://example.signalwire.com/api/laml/2010-04-01/Accounts/${space.projectId}/Recordings/${recordingSid}`,
        RecordingStatus: status,
        RecordingDuration: '0',
        RecordingChannels: '1',
        RecordingSource: 'StartConferenceRecording',
      };
      if (conferenceSid) params.ConferenceSid = conferenceSid;
      return params;
    }

    /** Waits for the next message on each output, which must show this recording for the conference. */
    async function recordingShown(conferenceSid: string, recording: unknown): Promise<void> {
      const rows = await rowsWhen(conferenceSid);
      assert.deepEqual(rows.conference.recording, recording, 'output 1');
      const list = await next('list');
      assert.deepEqual(list.payload.find((c: any) => c.sid === conferenceSid).recording, recording, 'output 2');
    }

    it("the current recording from the recording callbacks and from update recording's answers wired back: on output 1 and 2, with no request of its own", async () => {
      const conf = space.addConference('conf-rec', { friendly_name: 'rec' });
      space.addParticipant(conf, { call_sid: 'agent' });
      const events: FlowNode = { id: 'events', ...at, type: 'signalwire-conference-events', space: 'space', url: CALLBACK_PATH, wires: [['n1'], []] };
      // The console's pause / resume / stop / delete button: update recording, its answer wired back.
      const button: FlowNode = { id: 'button', ...at, type: 'signalwire-update-recording', space: 'space', action: 'msg', wires: [['n1']] };
      const flow = rosterFlow(space, { callDetails: false, reconcile: 0 }, [events, button]);
      await load(flow, { space: { projectId: space.projectId, apiToken: space.apiToken, signingKey: SIGNING_KEY } }, [spaceNode, eventsNode, rosterNode, updateRecordingNode, (red: any) => (app = red.httpNode)]);
      server = http.createServer((req, res) => app(req, res));
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      const first = await rowsWhen(conf, (r) => r.length === 1);
      assert.equal(first.conference.recording, null, 'not recording');
      await until('list', (m) => m.payload.length === 1 && m.payload[0].participants === 1 && m.payload[0].recording === null);
      await statusMatches(helper.getNode('n1'), /swept/);
      assert.deepEqual([await collect('rows', 50), await collect('list', 0)], [[], []], 'the deploy sweep is all out');
      const n1Requests = () => space.requests.filter((r) => !/\/Recordings/.test(r.path)).length;
      const before = n1Requests();

      // Recording starts: SignalWire's callback.
      const r = space.startRecording(conf);
      assert.equal(await post(recordingCallback(r.sid, 'in-progress', conf)), 204);
      await recordingShown(conf, { sid: r.sid, status: 'in-progress' });

      // Pause: no callback comes; the update node's answer says so.
      const button1 = helper.getNode('button');
      button1.receive({ action: 'pause', conferenceSid: conf });
      await recordingShown(conf, { sid: r.sid, status: 'paused' });
      button1.receive({ action: 'resume', conferenceSid: conf, recordingSid: r.sid });
      await recordingShown(conf, { sid: r.sid, status: 'in-progress' });
      button1.receive({ action: 'stop', conferenceSid: conf, recordingSid: r.sid });
      await recordingShown(conf, null);
      // The service finishes the file: completed, without ConferenceSid (as documented); then the moderator deletes it.
      space.setRecordingStatus(conf, r.sid, 'completed');
      assert.equal(await post(recordingCallback(r.sid, 'completed')), 204);
      button1.receive({ action: 'delete', conferenceSid: conf, recordingSid: r.sid });
      // A recording of a conference the roster does not follow: nothing kept, no sweep.
      assert.equal(await post(recordingCallback('re-elsewhere', 'in-progress', 'conf-unknown')), 204);
      // Into the roster: 3 callbacks and 4 answers, each ended once, none an error.
      await waitUntil(() => completions().length === 7, 5000, () => `every message into the roster ended: ${completions().length}`);
      assert.deepEqual(completions().map((c) => c.error ?? null), new Array(7).fill(null));
      assert.deepEqual(
        (await collect('rows', 100)).map((m) => m.conference.recording),
        [],
        'nothing more sent: the completed, the delete and the unknown conference changed nothing',
      );
      await statusMatches(helper.getNode('n1'), /^1 conference, 1 participant, swept/);
      assert.equal(n1Requests() - before, 0, 'the roster made no request for recordings');
    });

  });

  describe('sweeps', () => {
    it('heal a lost join: an event for an unknown participant shows at once and asks for a sweep, which finds the others', async () => {
      const conf = space.addConference('conf-heal');
      space.addParticipant(conf, { call_sid: 'known' });
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await rowsWhen(conf, (r) => r.length === 1);
      // Two people join; neither join callback arrives. One of them mutes.
      space.addParticipant(conf, { call_sid: 'muter', muted: true });
      space.addParticipant(conf, { call_sid: 'silent' });
      const before = space.requests.length;
      n1.receive(eventMsg(callback('participant-mute', conf, 'muter', { Muted: 'true', From: '+15553330001' })));
      const first = await rowsWhen(conf, (r) => r.length === 2);
      assert.equal(row(first, 'muter').state, 'muted', 'shown at once, before the sweep');
      const healed = await rowsWhen(conf, (r) => r.length === 3);
      assert.deepEqual(healed.payload.map((r: any) => r.callSid).sort(), ['known', 'muter', 'silent']);
      await waitUntil(() => space.requests.length - before === 2, 5000, 'the sweep');
      await delay(50);
      assert.deepEqual(requestsSince(before), ['GET /Conferences?Status=in-progress', 'GET /Conferences/conf-heal/Participants']);
    });

    it('never undo an event that arrived after the participants request was sent', async () => {
      const conf = space.addConference('conf-race');
      space.addParticipant(conf, { call_sid: 'alice' });
      space.addParticipant(conf, { call_sid: 'bob' });
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await rowsWhen(conf, (r) => r.length === 2);
      // The API now says bob is on hold; its answer to the next participants listing comes late.
      space.updateParticipant(conf, 'bob', { hold: true });
      space.injectFaults({ kind: 'delay', ms: 0 }, { kind: 'delay', ms: 400 });
      const before = space.requests.length;
      n1.receive({ topic: 'refresh' });
      await waitUntil(() => requestsSince(before).includes('GET /Conferences/conf-race/Participants'), 5000, 'the participants request');
      // alice mutes while that answer (alice unmuted) is on its way.
      n1.receive(eventMsg(callback('participant-mute', conf, 'alice', { Muted: 'true' })));
      assert.equal(row(await rowsWhen(conf, (r) => row({ payload: r }, 'alice').muted), 'alice').muted, true);
      const swept = await rowsWhen(conf, (r) => row({ payload: r }, 'bob').hold);
      assert.equal(row(swept, 'alice').muted, true, 'the late answer did not unmute alice');
    });

    it('a conference the API no longer lists in progress has ended: one last message, [] and completed, and it leaves the live list', async () => {
      const conf = space.addConference('conf-ends', { friendly_name: 'ends' });
      space.addParticipant(conf, { call_sid: 'p1' });
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await rowsWhen(conf, (r) => r.length === 1);
      await until('list', (m) => m.payload.length === 1);
      space.endConference(conf);
      const before = space.requests.length;
      n1.receive({ topic: 'refresh' });
      const last = await rowsWhen(conf, (r) => r.length === 0);
      assert.deepEqual(last.conference, { sid: conf, friendlyName: 'ends', status: 'completed', participants: 0, startedAt: last.conference.startedAt, recording: null });
      assert.deepEqual(requestsSince(before), ['GET /Conferences?Status=in-progress', 'GET /Conferences/conf-ends'], 'one GET of it says completed');
      await until('list', (m) => m.payload.length === 0);
      // Late callbacks for it never bring it back.
      n1.receive(eventMsg(callback('participant-join', conf, 'p2', { From: '+1555' })));
      n1.receive(eventMsg(callback('participant-mute', conf, 'p1')));
      assert.deepEqual(await collect('rows', 100), []);
    });

    it('a conference waiting to start (init) that join callbacks created is kept: one GET says so, its participants are listed; it ends when the API says completed', async () => {
      const conf = space.addConference('conf-wait', { friendly_name: 'waiting room', status: 'init' });
      space.addParticipant(conf, { call_sid: 'w1' });
      space.addParticipant(conf, { call_sid: 'w2', muted: true }); // their join callback is lost
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await statusMatches(n1, /^0 conferences, 0 participants, swept/);
      assert.deepEqual(requestsSince(0), ['GET /Conferences?Status=in-progress'], 'the listing of conferences in progress leaves init out');
      const before = space.requests.length;
      n1.receive(eventMsg(callback('participant-join', conf, 'w1', { From: '+15556660001' })));
      const healed = await rowsWhen(conf, (r) => r.length === 2);
      assert.equal(healed.conference.status, 'init');
      assert.deepEqual(healed.payload.map((r: any) => [r.callSid, r.state]).sort(), [
        ['w1', 'live'],
        ['w2', 'muted'],
      ]);
      await until('list', (m) => m.payload.length === 1 && m.payload[0].status === 'init' && m.payload[0].participants === 2);
      await statusMatches(n1, /^1 conference, 2 participants, swept/);
      assert.deepEqual(requestsSince(before), ['GET /Conferences?Status=in-progress', 'GET /Conferences/conf-wait', 'GET /Conferences/conf-wait/Participants']);

      // Still waiting at the next sweep: kept again, nothing sent.
      n1.receive({ topic: 'refresh' });
      await waitUntil(() => requestsSince(before).length === 6, 5000, 'the second sweep');
      assert.deepEqual(await collect('rows', 50), [], 'no ended message, no change');

      // The moderator joins and its start callback is lost: the listing shows it in progress, with no GET.
      space.updateConference(conf, { status: 'in-progress' });
      const started = space.requests.length;
      n1.receive({ topic: 'refresh' });
      assert.equal((await rowsWhen(conf, (r) => r.length === 2)).conference.status, 'in-progress');
      await waitUntil(() => requestsSince(started).length === 2, 5000, 'the sweep');
      assert.deepEqual(requestsSince(started), ['GET /Conferences?Status=in-progress', 'GET /Conferences/conf-wait/Participants']);

      // It ends and its conference-end callback is lost: the GET says completed.
      space.endConference(conf);
      const ending = space.requests.length;
      n1.receive({ topic: 'refresh' });
      const last = await rowsWhen(conf, (r) => r.length === 0);
      assert.equal(last.conference.status, 'completed');
      await until('list', (m) => m.payload.length === 0);
      assert.deepEqual(requestsSince(ending), ['GET /Conferences?Status=in-progress', 'GET /Conferences/conf-wait']);
    });

    it('a followed conference the API does not know (404 to its GET) has ended', async () => {
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await statusMatches(n1, /swept/);
      const before = space.requests.length;
      n1.receive(eventMsg(callback('participant-join', 'conf-phantom', 'p1', { From: '+1555' })));
      await rowsWhen('conf-phantom', (r) => r.length === 1);
      const last = await rowsWhen('conf-phantom', (r) => r.length === 0);
      assert.equal(last.conference.status, 'completed');
      await statusMatches(n1, /^0 conferences, 0 participants, swept/);
      assert.deepEqual(requestsSince(before), ['GET /Conferences?Status=in-progress', 'GET /Conferences/conf-phantom']);
    });

    it('a GET of a missing conference that fails keeps the conference and reports the sweep failed; one that answers an unknown status too', async () => {
      const conf = space.addConference('conf-unsure', { status: 'init' });
      space.addParticipant(conf, { call_sid: 'u1' });
      const n1 = await start({ callDetails: false, reconcile: 0 }, { retries: 0 });
      await statusMatches(n1, /swept/);
      n1.receive(eventMsg(callback('participant-join', conf, 'u1', { From: '+1555' })));
      await until('rows', (m) => m.conferenceSid === conf && m.conference.status === 'init');
      await statusMatches(n1, /^1 conference, 1 participant, swept/);
      // The listing answers; the GET of the conference fails.
      space.injectFaults({ kind: 'delay', ms: 0 }, { kind: 'status', status: 500, body: 'empty' });
      n1.receive({ topic: 'refresh' });
      await statusMatches(n1, /^1 conference, 1 participant, sweep failed: HTTP 500$/);
      space.updateConference(conf, { status: 'archived' as any });
      n1.receive({ topic: 'refresh' });
      await statusMatches(n1, /^1 conference, 1 participant, sweep failed: bad response$/);
      assert.match(warnings()[0], /SignalWire 500/);
      assert.deepEqual(await collect('rows', 50), [], 'kept as it was: no ended message');
      space.updateConference(conf, { status: 'init' });
      n1.receive({ topic: 'refresh' });
      await statusMatches(n1, /^1 conference, 1 participant, swept/);
    });

    it('a conference listed in progress whose participants answer 404 has ended in between', async () => {
      const conf = space.addConference('conf-gone');
      space.addParticipant(conf, { call_sid: 'p1' });
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await rowsWhen(conf, (r) => r.length === 1);
      await statusMatches(n1, /swept/);
      space.injectFaults({ kind: 'delay', ms: 0 }, { kind: 'status', status: 404 });
      n1.receive({ topic: 'refresh' });
      const last = await rowsWhen(conf, (r) => r.length === 0);
      assert.equal(last.conference.status, 'completed');
      await statusMatches(n1, /^0 conferences, 0 participants, swept/);
    });

    it('a conference whose listing is refused (over 10,000 participants) is skipped, the others are swept, and the sweep is reported failed', async () => {
      const big = space.addConference('conf-big', { date_created: rfc2822(Date.now() - 60_000) });
      const small = space.addConference('conf-small');
      space.addParticipants(big, 10_001);
      space.addParticipant(small, { call_sid: 'p1' });
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await rowsWhen(small, (r) => r.length === 1);
      assert.match(String((await statusMatches(n1, /sweep failed/)).text), /^2 conferences, 1 participant, sweep failed: bad response$/);
      const pages = space.requests.filter((r) => r.path.endsWith('/Participants'));
      assert.equal(pages.length, 12, 'eleven pages of the big one (stopped at 10,001), one of the small one');
      assert.ok(pages.every((r) => r.query.PageSize === '1000'), 'pages of 1000');
      assert.match(warnings()[0], /more than 10000 participants/);
    });

    it('the listing of conferences in progress stops past 10,000: the sweep fails with the reason', async () => {
      for (let i = 0; i < 10_001; i++) space.addConference(`conf-${i}`);
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await statusMatches(n1, /sweep failed: bad response$/);
      assert.match(warnings()[0], /more than 10000 conferences/);
      assert.equal(space.requests.filter((r) => r.path.endsWith('/Conferences')).length, 11, 'eleven pages of 1000, then stopped');
    });

    it('a failed sweep (401, 429, timeout) keeps every row, shows why, warns once per streak, and the next one recovers', async () => {
      const conf = space.addConference('conf-keep');
      space.addParticipant(conf, { call_sid: 'stays', muted: true });
      const n1 = await start({ callDetails: false, reconcile: 0 }, { retries: 0, timeout: 0.3 });
      await rowsWhen(conf, (r) => r.length === 1);
      await statusMatches(n1, /swept/);

      space.injectFaults({ kind: 'status', status: 401 });
      n1.receive({ topic: 'refresh' });
      assert.deepEqual(await statusMatches(n1, /sweep failed: 401 unauthorized$/), { fill: 'yellow', shape: 'ring', text: '1 conference, 1 participant, sweep failed: 401 unauthorized' });
      space.injectFaults({ kind: 'status', status: 429, body: 'json' });
      n1.receive({ topic: 'refresh' });
      await statusMatches(n1, /sweep failed: 429 rate limited$/);
      space.injectFaults({ kind: 'hang' });
      n1.receive({ topic: 'refresh' });
      await statusMatches(n1, /sweep failed: timeout$/);
      assert.deepEqual(await collect('rows', 50), [], 'no table was emptied or resent');
      const warned = warnings();
      assert.equal(warned.length, 1, `one warning for the streak: ${JSON.stringify(warned)}`);
      assert.match(warned[0], /^Conference roster sweep failed \(the roster stays as it is until a sweep succeeds\): SignalWire 401/);
      assert.doesNotMatch(warned[0], new RegExp(space.apiToken));

      n1.receive({ topic: 'refresh' });
      await statusMatches(n1, /^1 conference, 1 participant, swept /);
      space.injectFaults({ kind: 'status', status: 500, body: 'empty' });
      n1.receive({ topic: 'refresh' });
      await statusMatches(n1, /sweep failed: HTTP 500$/);
      assert.equal(warnings().length, 2, 'a new streak warns again');
    });

    it('run every reconcile seconds', async () => {
      const conf = space.addConference('conf-timer');
      await start({ callDetails: false, reconcile: 1 });
      await rowsWhen(conf, (r) => r.length === 0);
      const lists = () => space.requests.filter((r) => /\/Conferences$/.test(r.path)).length;
      await waitUntil(() => lists() >= 3, 8000, 'two more sweeps, a second apart');
    });

    it("reads the conferences' participants a few at a time, up to the space's max in flight, each against its own request: what arrived after it is not undone", async () => {
      const confs = ['conf-c1', 'conf-c2', 'conf-c3', 'conf-c4', 'conf-c5'];
      for (const conf of confs) {
        space.addConference(conf);
        space.addParticipant(conf, { call_sid: `${conf}-p` });
      }
      // Three on the wire and none waiting: a fourth request at once would be refused.
      const n1 = await start({ callDetails: false, reconcile: 0 }, { maxInFlight: 3, maxQueue: 0 });
      await until('list', (m) => m.payload.length === 5 && m.payload.every((c: any) => c.participants === 1));
      await statusMatches(n1, /^5 conferences, 5 participants, swept/);
      // The API now has everyone on hold; each answer takes a while.
      for (const conf of confs) space.updateParticipant(conf, `${conf}-p`, { hold: true });
      space.latencyMs = 1500;
      space.resetStats();
      const before = space.requests.length;
      n1.receive({ topic: 'refresh' });
      await waitUntil(() => space.inFlight === 3 && requestsSince(before).length === 4, 10_000, 'three participants listings on the wire at once');
      // Events for the three being read, after their requests were sent: muted.
      const reading = requestsSince(before)
        .slice(1)
        .map((r) => /\/Conferences\/([^/]+)\/Participants$/.exec(r)![1]);
      for (const conf of reading) n1.receive(eventMsg(callback('participant-mute', conf, `${conf}-p`, { Muted: 'true' })));
      // The latest rows of each conference, until the sweep has corrected the two not being read.
      const latest = new Map<string, any>();
      const others = confs.filter((c) => !reading.includes(c));
      await until('rows', (m) => {
        latest.set(m.conferenceSid, m.payload[0]);
        return others.every((c) => latest.get(c)?.hold === true) && reading.every((c) => latest.get(c)?.muted === true);
      });
      await waitUntil(() => space.inFlight === 0, 10_000, 'every answer in');
      await statusMatches(n1, /^5 conferences, 5 participants, swept/);
      assert.equal(space.maxInFlight, 3, 'never more than the space allows');
      assert.equal(requestsSince(before).length, 6, 'the listing and one per conference');
      for (const m of await collect('rows', 100)) latest.set(m.conferenceSid, m.payload[0]);
      for (const conf of confs) {
        const r = latest.get(conf);
        if (reading.includes(conf)) assert.deepEqual([r.muted, r.hold], [true, false], `${conf}: the mute that came after its request is kept, its older answer not applied`);
        else assert.deepEqual([r.muted, r.hold], [false, true], `${conf}: corrected by the sweep`);
      }
    });

    it('one at a time: refreshes while a sweep runs run one more after it, not one each', async () => {
      const conf = space.addConference('conf-busy');
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await rowsWhen(conf, (r) => r.length === 0);
      await statusMatches(n1, /swept/);
      const lists = () => space.requests.filter((r) => /\/Conferences$/.test(r.path)).length;
      space.injectFaults({ kind: 'delay', ms: 300 });
      const from = lists();
      n1.receive({ topic: 'refresh' });
      await waitUntil(() => lists() === from + 1, 5000, 'the slow sweep');
      n1.receive({ topic: 'refresh' });
      n1.receive({ topic: 'refresh' });
      n1.receive({ topic: 'refresh' });
      await waitUntil(() => lists() === from + 2, 5000, 'the one sweep after it');
      await delay(300);
      assert.equal(lists(), from + 2);
      assert.equal(space.maxInFlight, 1, 'never two requests at once');
    });
  });

  describe('inputs', () => {
    it("list recordings' answer (an array of recording objects) gives the current recording: the one recording or paused", async () => {
      const conf = space.addConference('conf-list-rec');
      const old = space.startRecording(conf);
      space.setRecordingStatus(conf, old.sid, 'completed');
      const paused = space.startRecording(conf);
      space.setRecordingStatus(conf, paused.sid, 'paused');
      const list: FlowNode = { id: 'recs', ...at, type: 'signalwire-list-recordings', space: 'space', wires: [['n1']] };
      await load(rosterFlow(space, { callDetails: false, reconcile: 0 }, [list]), credentials(space), [spaceNode, rosterNode, listRecordingsNode]);
      await rowsWhen(conf, (r) => r.length === 0);
      helper.getNode('recs').receive({ conferenceSid: conf });
      assert.deepEqual((await until('rows', (m) => m.conference.recording !== null)).conference.recording, { sid: paused.sid, status: 'paused' });
    });

    it("the update participant node's answer is the latest truth; its remove output leaves at once", async () => {
      const conf = space.addConference('conf-mod');
      space.addParticipant(conf, { call_sid: 'p1' });
      space.addParticipant(conf, { call_sid: 'p2' });
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await rowsWhen(conf, (r) => r.length === 2);
      const before = space.requests.length;
      n1.receive({ payload: space.updateParticipant(conf, 'p1', { muted: true }), conferenceSid: conf, callSid: 'p1' });
      assert.equal(row(await rowsWhen(conf), 'p1').state, 'muted');
      n1.receive({ payload: { removed: true, conferenceSid: conf, callSid: 'p2' } });
      assert.deepEqual((await rowsWhen(conf)).payload.map((r: any) => r.callSid), ['p1']);
      // An array of participant objects, each applied.
      n1.receive({ payload: [space.updateParticipant(conf, 'p1', { muted: false, hold: true })] });
      assert.equal(row(await rowsWhen(conf), 'p1').state, 'on hold');
      await delay(30);
      assert.deepEqual(requestsSince(before), []);
    });

    it("the update conference node's answer wired back: a conference it ended leaves at once (its last message, [] and completed), with no sweep or request of the roster's own", async () => {
      const conf = space.addConference('conf-end');
      space.addParticipant(conf, { call_sid: 'p1' });
      const other = space.addConference('conf-stays');
      const end: FlowNode = { id: 'end', ...at, type: 'signalwire-update-conference', space: 'space', action: 'end', wires: [['n1']] };
      await load(rosterFlow(space, { callDetails: false, reconcile: 0 }, [end]), credentials(space), [spaceNode, rosterNode, updateConferenceNode]);
      await rowsWhen(conf, (r) => r.length === 1);
      const before = space.requests.length;
      helper.getNode('end').receive({ conferenceSid: conf });
      const last = await rowsWhen(conf, (r) => r.length === 0);
      assert.equal(last.conference.status, 'completed');
      assert.deepEqual((await until('list', (m) => !m.payload.some((c: any) => c.sid === conf))).payload.map((c: any) => c.sid), [other]);
      await delay(30);
      assert.deepEqual(requestsSince(before), [`POST /Conferences/${conf}`], 'the update conference request alone');
      assert.deepEqual(completions().filter((c) => c.error), []);
    });

    it('each message ends exactly once; what it says nothing with is ignored quietly; anything else is a clear error and changes nothing', async () => {
      const conf = space.addConference('conf-in');
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await rowsWhen(conf, (r) => r.length === 0);
      const recording = space.startRecording(conf, { status: 'queued' });
      const recordingEvent = (payload: Record<string, unknown>): Msg => ({ topic: `recording-${payload.recordingStatus}`, payload: { event: `recording-${payload.recordingStatus}`, ...payload } });
      const inputs: Msg[] = [
        { payload: { event: 'announcement-end', conferenceSid: conf } },
        { payload: [] },
        recordingEvent({ conferenceSid: conf, recordingSid: 're-1', recordingStatus: 'queued' }), // neither on nor ended
        { topic: 'recording', payload: { event: 'recording', conferenceSid: conf, recordingSid: 're-1', recordingStatus: null } }, // a status that was no token
        { payload: recording }, // a recording object, queued
        eventMsg(callback('participant-join', conf, 'p1', { From: '+1555' })),
        { payload: 'hello' },
        { payload: { call_sid: 'p9' } },
        { payload: [{ call_sid: 'p9', conference_sid: conf }, 7] },
        { payload: { event: 'participant-mute', conferenceSid: conf, callSid: 'bad/../sid' } },
        { payload: { event: 'participant-mute', conferenceSid: conf } },
        recordingEvent({ conferenceSid: conf, recordingStatus: 'in-progress' }),
        recordingEvent({ conferenceSid: conf, recordingSid: 're/../x', recordingStatus: 'in-progress' }),
        { payload: [{ call_sid: 'p9', conference_sid: conf }, { ...recording, status: 'in-progress' }] },
        { payload: { ...recording, status: 'in-progress', conference_sid: 'conf in' } },
        { payload: null, recordingSid: 7 },
      ];
      for (const m of inputs) n1.receive(m);
      await waitUntil(() => completions().length === inputs.length, 5000, 'every message ended');
      await delay(30);
      assert.equal(completions().length, inputs.length, 'once each');
      const errors = completions().map((c) => (c.error ? String((c.error as any).message ?? c.error) : null));
      assert.deepEqual(errors.slice(0, 6), [null, null, null, null, null, null]);
      assert.match(
        errors[6]!,
        /^The conference roster takes an event of the conference events node \(a conference or recording status callback\), a participant object \(with call_sid and conference_sid\) or a recording object \(with sid, conference_sid, status and a uri under \/Recordings\/\), or an array of either, a removed participant \(\{ removed: true, conferenceSid, callSid \}\), a deleted recording \(msg\.payload null with msg\.recordingSid\), a conference object \(with sid, status and a uri of \/Conferences\/\{Sid\}\), or msg\.topic "refresh"; got msg\.payload "hello"$/,
      );
      assert.match(errors[7]!, /^The conference roster takes/);
      assert.match(errors[8]!, /^The conference roster takes .* got msg\.payload an array$/);
      assert.match(errors[9]!, /^Call SID "bad\/\.\.\/sid" may contain only letters, digits/);
      assert.match(errors[10]!, /^Call SID is missing: set msg\.payload\.callSid$/);
      assert.match(errors[11]!, /^Recording SID is missing: set msg\.payload\.recordingSid$/);
      assert.match(errors[12]!, /^Recording SID "re\/\.\.\/x" may contain only letters, digits/);
      assert.match(errors[13]!, /^The conference roster takes .* got msg\.payload an array$/, 'participants and recordings in one array');
      assert.match(errors[14]!, /^Conference SID "conf in" may contain only letters, digits/);
      assert.match(errors[15]!, /^Recording SID 7 may contain only letters, digits/);
      const caught = await collect('caught', 30);
      assert.equal(caught.length, 10);
      const rows = await collect('rows', 30);
      assert.equal(rows.length, 1, `only the join changed the roster: ${JSON.stringify(rows.map((m) => m.payload))}`);
      assert.deepEqual(rows[0].payload.map((r: any) => r.callSid), ['p1']);
      assert.equal(rows[0].conference.recording, null);
      assert.notEqual(rows[0]._msgid, inputs[5]._msgid, 'a message of its own');
      assert.equal(rows[0].callback, undefined, "none of the input's properties");
    });

    it('an exact repeat sends nothing', async () => {
      const conf = space.addConference('conf-rep');
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await rowsWhen(conf, (r) => r.length === 0);
      await until('list', (m) => m.payload.length === 1);
      const join = eventMsg(callback('participant-join', conf, 'p1', { From: '+1555' }));
      n1.receive(join);
      await rowsWhen(conf, (r) => r.length === 1);
      await until('list', (m) => m.payload[0].participants === 1);
      n1.receive(eventMsg(callback('participant-join', conf, 'p1', { From: '+1555', Timestamp: join.callback.Timestamp })));
      await waitUntil(() => completions().length === 2, 5000, 'the repeat handled');
      assert.deepEqual(await collect('rows', 100), []);
      assert.deepEqual(await collect('list', 0), []);
    });
  });

  describe('throttle', () => {
    it('per conference: the first message at once, the latest state at the end of the window, nothing in between', async () => {
      const a = space.addConference('conf-a');
      const b = space.addConference('conf-b');
      space.addParticipant(a, { call_sid: 'pa' });
      space.addParticipant(b, { call_sid: 'pb' });
      const n1 = await start({ callDetails: false, reconcile: 0, throttle: 1500 });
      await rowsWhen(a, (r) => r.length === 1);
      await rowsWhen(b, (r) => r.length === 1);
      await delay(1600); // the deploy sweep's windows end
      await collect('rows', 0);
      await collect('list', 0);
      for (let i = 0; i < 10; i++) n1.receive(eventMsg(callback(i % 2 ? 'participant-unmute' : 'participant-mute', a, 'pa')));
      n1.receive(eventMsg(callback('participant-hold', a, 'pa')));
      n1.receive(eventMsg(callback('participant-hold', b, 'pb')));
      await waitUntil(() => completions().length === 12, 5000, 'every event handled');
      const now = await collect('rows', 0);
      assert.deepEqual(
        now.map((m) => [m.conferenceSid, m.payload[0].state]),
        [
          [a, 'muted'],
          [b, 'on hold'],
        ],
        'the first of each conference at once',
      );
      const late = await rowsWhen(a);
      assert.equal(late.payload[0].state, 'on hold', 'the latest state of conf-a at the end of its window');
      assert.deepEqual(await collect('rows', 1700), [], 'nothing more: conf-b had nothing new');
    });
  });

  describe('what a row says', () => {
    it('joined: the time of day in the configured zone, with the zone, so a viewer elsewhere is not misled', async () => {
      const conf = space.addConference('conf-tz');
      const n1 = await start({ callDetails: false, reconcile: 0, timeZone: 'America/New_York' });
      await rowsWhen(conf, (r) => r.length === 0);
      n1.receive(eventMsg(callback('participant-join', conf, 'p1', { From: '+1555', Timestamp: 'Wed, 03 Jan 2024 04:05:00 +0000' })));
      const rows = await rowsWhen(conf, (r) => r.length === 1);
      assert.equal(rows.payload[0].joinedAt, '2024-01-03T04:05:00.000Z');
      assert.equal(rows.payload[0].joined, '11:05 PM EST');
    });

    it('in the runtime language: German words and time', async () => {
      await useLanguage('de');
      const conf = space.addConference('conf-de');
      const n1 = await start({ callDetails: false, reconcile: 0, timeZone: 'Europe/Berlin' });
      await rowsWhen(conf, (r) => r.length === 0);
      n1.receive(eventMsg(callback('participant-join', conf, 'p1', { From: '+1555', Muted: 'true', Hold: 'true', Timestamp: 'Wed, 03 Jan 2024 22:05:00 +0000' })));
      n1.receive(eventMsg(callback('participant-speech-start', conf, 'p1', { Muted: 'true', Hold: 'true' })));
      const rows = await rowsWhen(conf, (r) => r.length === 1 && r[0].speaking);
      assert.equal(rows.payload[0].state, 'spricht, stumm, gehalten');
      assert.equal(rows.payload[0].joined, '23:05 MEZ');
      await statusMatches(n1, /^1 Konferenz, 1 Teilnehmer, abgeglichen \d{1,2}:\d{2}:\d{2}$/);
    });

    it('the caller: the caller name, else the number, else the CallSid; a failed lookup leaves the fields null', async () => {
      const conf = space.addConference('conf-caller');
      space.addParticipant(conf, { call_sid: 'named', date_created: rfc2822(Date.now() - 3000) }, { from: '+15554440001', callerName: 'Ada Lovelace' });
      space.addParticipant(conf, { call_sid: 'nocall', date_created: rfc2822(Date.now() - 2000) });
      space.removeCall('nocall');
      await start({ reconcile: 0 });
      const rows = await rowsWhen(conf, (r) => r.length === 2 && r[0].callerName !== null);
      await waitUntil(() => requestsSince(0).includes('GET /Calls/nocall'), 5000, 'the failed lookup');
      await delay(50);
      const latest = (await collect('rows', 0)).filter((m) => m.conferenceSid === conf).pop() ?? rows;
      assert.deepEqual(latest.payload.map((r: any) => [r.caller, r.from, r.callerName]), [
        ['Ada Lovelace', '+15554440001', 'Ada Lovelace'],
        ['nocall', null, null],
      ]);
    });

    it("a call the space dialled out: the caller is the called party's number (to), from the callback's Direction or the call's details", async () => {
      const conf = space.addConference('conf-out');
      // Found by the sweep: its call says outbound, from the space's own number.
      space.addParticipant(conf, { call_sid: 'dialled', date_created: rfc2822(Date.now() - 3000) }, { direction: 'outbound', from: '+15550100000', to: '+15557770001', callerName: 'Front Desk' });
      const n1 = await start({ reconcile: 0 });
      const found = await rowsWhen(conf, (r) => r.length === 1 && r[0].from !== null);
      assert.deepEqual(
        found.payload.map((r: any) => [r.caller, r.from, r.to, r.callerName]),
        [['+15557770001', '+15550100000', '+15557770001', 'Front Desk']],
      );
      // Named by its join callback: Direction outbound-api (a call made through the API).
      n1.receive(eventMsg(callback('participant-join', conf, 'api-call', { From: '+15550100000', To: '+15557770002', Direction: 'outbound-api', CallerName: 'Front Desk' })));
      // An inbound call keeps the caller name, else the number.
      n1.receive(eventMsg(callback('participant-join', conf, 'in-call', { From: '+15557770003', To: '+15550100000', Direction: 'inbound' })));
      const rows = await rowsWhen(conf, (r) => r.length === 3);
      assert.deepEqual(
        rows.payload.map((r: any) => [r.callSid, r.caller]).sort(),
        [
          ['api-call', '+15557770002'],
          ['dialled', '+15557770001'],
          ['in-call', '+15557770003'],
        ],
      );
    });

    it('with call details off, a participant found by the sweep has no number and no lookup is made', async () => {
      const conf = space.addConference('conf-off');
      space.addParticipant(conf, { call_sid: 'p1' });
      await start({ callDetails: false, reconcile: 0 });
      const rows = await rowsWhen(conf, (r) => r.length === 1);
      assert.deepEqual([rows.payload[0].caller, rows.payload[0].from], ['p1', null]);
      await delay(50);
      assert.equal(requestsSince(0).filter((r) => r.includes('/Calls/')).length, 0);
    });

    it('each call is looked up once: a second sweep costs no lookup', async () => {
      const conf = space.addConference('conf-once');
      space.addParticipant(conf, { call_sid: 'p1' });
      space.addParticipant(conf, { call_sid: 'p2' });
      const n1 = await start({ reconcile: 0 });
      await rowsWhen(conf, (r) => r.length === 2 && r.every((x: any) => x.from !== null));
      const before = space.requests.length;
      n1.receive({ topic: 'refresh' });
      await waitUntil(() => space.requests.length - before === 2, 5000, 'the sweep');
      await delay(50);
      assert.deepEqual(requestsSince(before), ['GET /Conferences?Status=in-progress', 'GET /Conferences/conf-once/Participants']);
    });
  });

  describe('call details', () => {
    it("a sweep finding many new callers looks them up a few at a time, never filling the space's shared queue", async () => {
      const conf = space.addConference('conf-many');
      for (let i = 0; i < 12; i++) space.addParticipant(conf, { call_sid: `p${i}` });
      space.latencyMs = 20;
      // Two on the wire and none waiting: a lookup more than that at once would be refused.
      await start({ reconcile: 0 }, { maxInFlight: 2, maxQueue: 0 });
      const rows = await rowsWhen(conf, (r) => r.length === 12 && r.every((x: any) => x.from !== null), 15_000);
      assert.equal(rows.payload.length, 12);
      assert.equal(space.maxInFlight, 2);
    });
  });

  describe('bounds', () => {
    it('a conference over the bound of 1,000 is refused with one warning a minute, and not kept', async () => {
      const n1 = await start({ callDetails: false, reconcile: 0 });
      await statusMatches(n1, /swept/);
      for (let i = 0; i < 1003; i++) n1.receive(eventMsg(callback('conference-start', `conf-${i}`, undefined)));
      await waitUntil(() => completions().length === 1003, 10_000, 'every event handled');
      await statusMatches(n1, /^1,?000 conferences, 0 participants/);
      const warned = warnings().filter((w) => /roster full/.test(w));
      assert.deepEqual(warned, ['Conference roster full: it follows 1000 conferences, conference conf-1000 is not kept']);
    });
  });

  describe('setup', () => {
    it('the defaults: a sweep every 30 s, call details on, throttle 100 ms, asked-for sweeps 5 s apart, the host time zone', () => {
      assert.deepEqual(rosterSettings({}), { reconcileMs: 30_000, callDetails: true, throttleMs: 100, timeZone: undefined, sweepGapMs: 5000 });
      assert.equal(rosterSettings({ callDetails: false }).callDetails, false);
      assert.equal(rosterSettings({ callDetails: 'false' }).callDetails, false);
      assert.equal(rosterSettings({ timeZone: ' Europe/Berlin ' }).timeZone, 'Europe/Berlin');
    });

    it('a bad setting: the reason at deploy, and each message fails with it', async () => {
      await start({ reconcile: '-1' });
      const n1 = helper.getNode('n1');
      n1.receive({ topic: 'refresh' });
      const caught = await next('caught');
      assert.equal(caught.error.message, 'Sweep every (s) must be a whole number from 0 to 86400, got "-1"');
      assert.deepEqual(requestsSince(0), [], 'no sweep');
    });

    it('no space: the status says so and each message fails', async () => {
      await load(rosterFlow(space, { space: '' }), {}, [spaceNode, rosterNode]);
      const n1 = helper.getNode('n1');
      assert.deepEqual(await lastStatus(n1), { fill: 'red', shape: 'ring', text: 'no space configured' });
      n1.receive({ topic: 'refresh' });
      assert.match((await next('caught')).error.message, /^SignalWire space is not configured/);
    });
  });

  describe('close', () => {
    it('aborts the sweep in flight, stops the timer and sends nothing afterwards', async () => {
      const conf = space.addConference('conf-close');
      space.addParticipant(conf, { call_sid: 'p1' });
      const n1 = await start({ callDetails: false, reconcile: 1, throttle: 2000 });
      await rowsWhen(conf, (r) => r.length === 1);
      // A window is open (conf-close just sent); a change now would leave at its end.
      n1.receive(eventMsg(callback('participant-mute', conf, 'p1', { Muted: 'true' })));
      space.injectFaults({ kind: 'hang' });
      n1.receive({ topic: 'refresh' });
      await waitUntil(() => space.inFlight === 1, 5000, 'the sweep hanging on the API');
      const sent = n1.send.callCount; // the helper spies on every node's send
      await helper.unload();
      await waitUntil(() => space.inFlight === 0, 5000, 'the hanging request aborted by close');
      const requests = space.requests.length;
      await delay(2300);
      assert.equal(n1.send.callCount, sent, 'nothing sent after close (the open window was dropped)');
      assert.equal(space.requests.length, requests, 'no sweep after close');
    });
  });
});
