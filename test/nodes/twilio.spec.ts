// Every node against a server that behaves as Twilio's own spec describes (simulator/api/twilio-space.ts):
// `.json` paths only, prefixed SIDs, `start`/`end` in list answers, Twilio's participant fields and
// statuses, Basic auth with an Account SID and Auth Token. The space field holds
// `http://127.0.0.1:<port>/2010-04-01`, as a user types `https://api.twilio.com/2010-04-01`.
import assert from 'node:assert/strict';
import path from 'node:path';
import { SignalWireClient } from '../../nodes/lib/client/client';
import { nextPagePath } from '../../nodes/lib/requests/paging';
import { apiPathSuffix } from '../../nodes/lib/shared/rules';
import { resolveSpaceSettings } from '../../nodes/lib/client/space';
import { TwilioSpace } from '../../simulator/api/twilio-space';
import { withCatalogue } from '../support/catalogues';
import {
  assertNoStray,
  caughtError,
  collect,
  getConferenceNode,
  getNode,
  helper,
  listConferencesNode,
  listNode,
  listRecordingsNode,
  load,
  next,
  outcome,
  spaceNode,
  updateRecordingNode,
  type FlowNode,
  type Msg,
} from '../support/harness';

const NODES = [spaceNode, listNode, getNode, listConferencesNode, getConferenceNode];
const FAST = { timeout: 2, retries: 2, retryBaseMs: 10, maxRetryAfterMs: 50 };
const SID = /^(AC|CF|CA)[0-9a-f]{32}$/;

function twilioFlow(tw: TwilioSpace, node: FlowNode, spaceUrl = tw.spaceUrl): FlowNode[] {
  const at = { z: 'f1', x: 100, y: 100 };
  return [
    { id: 'f1', type: 'tab', label: 'twilio' },
    { id: 'space', type: 'signalwire-space', name: 'twilio', space: spaceUrl, ...FAST },
    { id: 'n1', ...at, space: 'space', ...node, wires: [['out']] },
    { id: 'out', ...at, type: 'helper', wires: [] },
    { id: 'catch', ...at, type: 'catch', scope: ['n1'], uncaught: false, wires: [['caught']] },
    { id: 'caught', ...at, type: 'helper', wires: [] },
  ];
}

const creds = (tw: TwilioSpace, token = tw.authToken) => ({ space: { projectId: tw.accountSid, apiToken: token } });

describe('Twilio-compatible services (a Twilio-shaped fake)', function () {
  let tw: TwilioSpace;
  let conf: string;

  beforeEach(async () => {
    tw = new TwilioSpace();
    await tw.start();
    conf = tw.addConference({ friendly_name: 'standup' });
  });

  afterEach(async () => {
    try {
      await assertNoStray();
    } finally {
      await helper.unload();
      await tw.close();
    }
  });

  async function run(node: FlowNode, msg: Msg, modules: unknown[] = NODES): Promise<Msg> {
    const n1 = await load(twilioFlow(tw, node), creds(tw), modules);
    const got = outcome();
    n1.receive(msg);
    return got;
  }

  const allJson = () => tw.requests.every((r) => r.path.endsWith('.json') && r.path.startsWith(`/2010-04-01/Accounts/${tw.accountSid}/`));

  describe('the fake behaves as Twilio', () => {
    it('answers a path without .json with XML, and a .json path with JSON carrying start and end', async () => {
      const auth = { Authorization: `Basic ${Buffer.from(`${tw.accountSid}:${tw.authToken}`).toString('base64')}` };
      const plain = await fetch(`${tw.spaceUrl}/Accounts/${tw.accountSid}/Conferences`, { headers: auth });
      assert.equal(plain.status, 200);
      assert.match(plain.headers.get('content-type') ?? '', /xml/);
      assert.match(await plain.text(), /^<\?xml/);
      const unknown = await fetch(`${tw.spaceUrl}/Accounts/${tw.accountSid}/Conferences/CFnope`, { headers: auth });
      assert.equal(unknown.status, 404);
      assert.match(await unknown.text(), /<RestException>/);
      const json = await fetch(`${tw.spaceUrl}/Accounts/${tw.accountSid}/Conferences.json`, { headers: auth });
      const body = (await json.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), ['conferences', 'end', 'first_page_uri', 'next_page_uri', 'page', 'page_size', 'previous_page_uri', 'start', 'uri']);
    });
  });

  describe('the client', () => {
    it('adds .json to every path under any API root but SignalWire\'s /api/laml/2010-04-01', () => {
      assert.equal(apiPathSuffix('/api/laml/2010-04-01'), '');
      assert.equal(apiPathSuffix('/2010-04-01'), '.json');
      assert.equal(apiPathSuffix('/custom/root'), '.json');
      const client = new SignalWireClient(resolveSpaceSettings({ space: 'https://api.twilio.com/2010-04-01' }, { projectId: 'AC1', apiToken: 'secret-token' }, {}));
      try {
        assert.equal(client.participantsPath('CF1'), '/2010-04-01/Accounts/AC1/Conferences/CF1/Participants.json');
        assert.equal(client.participantPath('CF1', 'CA1'), '/2010-04-01/Accounts/AC1/Conferences/CF1/Participants/CA1.json');
        assert.equal(client.conferencesPath(), '/2010-04-01/Accounts/AC1/Conferences.json');
        assert.equal(client.conferencePath('CF1'), '/2010-04-01/Accounts/AC1/Conferences/CF1.json');
        assert.equal(client.accountPath('Calls', 'CA1'), '/2010-04-01/Accounts/AC1/Calls/CA1.json');
      } finally {
        client.close();
      }
      const signalwire = new SignalWireClient(resolveSpaceSettings({ space: 'example' }, { projectId: 'P1', apiToken: 'secret-token' }, {}));
      try {
        assert.equal(signalwire.participantPath('C1', 'A1'), '/api/laml/2010-04-01/Accounts/P1/Conferences/C1/Participants/A1');
        assert.equal(signalwire.conferencesPath(), '/api/laml/2010-04-01/Accounts/P1/Conferences');
      } finally {
        signalwire.close();
      }
    });

    it('follows a .json next_page_uri only on the listing\'s own path', () => {
      const listing = '/2010-04-01/Accounts/AC1/Conferences.json';
      assert.equal(nextPagePath(`${listing}?PageSize=50&Page=1&PageToken=PACF1`, 'https://api.twilio.com', listing), `${listing}?PageSize=50&Page=1&PageToken=PACF1`);
      assert.equal(nextPagePath(`https://api.twilio.com${listing}?Page=1&PageToken=PACF1`, 'https://api.twilio.com', listing), `${listing}?Page=1&PageToken=PACF1`);
      for (const foreign of [
        '/2010-04-01/Accounts/AC1/Conferences?PageToken=PACF1',
        '/2010-04-01/Accounts/AC1/Conferences/CF1/Participants.json?PageToken=PA1',
        '/2010-04-01/Accounts/AC2/Conferences.json?PageToken=PA1',
        '/2010-04-01/Accounts/AC1/Conferences.json/../Calls.json?PageToken=PA1',
        'https://evil.example/2010-04-01/Accounts/AC1/Conferences.json?PageToken=PA1',
      ]) {
        assert.throws(() => nextPagePath(foreign, 'https://api.twilio.com', listing), /does not continue this listing/, foreign);
      }
    });

    it('passes Test connection (one conference, .json) with the Account SID and Auth Token, and says 401 for a wrong token', async () => {
      const settings = resolveSpaceSettings({ space: tw.spaceUrl }, { projectId: tw.accountSid, apiToken: tw.authToken }, {});
      const client = new SignalWireClient(settings);
      const wrong = new SignalWireClient({ ...settings, apiToken: 'wrong-token' });
      try {
        await client.checkCredentials();
        assert.equal(tw.requests[0].path, `/2010-04-01/Accounts/${tw.accountSid}/Conferences.json`);
        await assert.rejects(wrong.checkCredentials(), (err: Error & { statusCode?: number }) => err.statusCode === 401 && /SignalWire 401 \(20003\): Authenticate/.test(err.message));
      } finally {
        client.close();
        wrong.close();
      }
    });

    it('without the .json suffix (SignalWire\'s root on a Twilio host) the XML answer is a clear error', async () => {
      const n1 = await load(twilioFlow(tw, { type: 'signalwire-get-conference' }, tw.url), creds(tw), NODES);
      const err = caughtError();
      n1.receive({ conferenceSid: conf });
      const msg = await err;
      assert.equal(msg.statusCode, 404);
      assert.match(msg.error.message, /^SignalWire 404: Not Found \(response body is not a JSON error\)$/);
    });
  });

  describe('list participants', () => {
    it('all pages: every participant with Twilio\'s fields and statuses, unchanged, over .json paths', async () => {
      for (let i = 0; i < 1203; i++) tw.addParticipant(conf, { muted: i % 2 === 0, label: i === 0 ? 'host' : null });
      const msg = await run({ type: 'signalwire-list-participants' }, { conferenceSid: conf });
      assert.equal(msg.payload.length, 1203);
      assert.deepEqual(msg.payload, tw.participants(conf));
      assert.equal(msg.payload[0].label, 'host');
      assert.equal(msg.payload[0].status, 'connected');
      assert.ok('queue_time' in msg.payload[0]);
      assert.match(msg.payload[0].call_sid, SID);
      assert.equal(tw.requests.length, 2);
      assert.ok(allJson(), JSON.stringify(tw.requests.map((r) => r.path)));
      assert.equal(tw.requests[0].path, `/2010-04-01/Accounts/${tw.accountSid}/Conferences/${conf}/Participants.json`);
      assert.match(tw.requests[1].query.PageToken, /^PACA/);
    });

    it('one page with the Muted filter, and msg.paging.next (a Twilio page token) fed back', async () => {
      for (let i = 0; i < 5; i++) tw.addParticipant(conf, { muted: true });
      tw.addParticipant(conf, { muted: false });
      const n1 = await load(twilioFlow(tw, { type: 'signalwire-list-participants', mode: 'page' }), creds(tw), NODES);
      let got = outcome();
      n1.receive({ conferenceSid: conf, muted: true, pageSize: 3 });
      const first = await got;
      assert.equal(first.payload.length, 3);
      assert.match(first.paging.next.pageToken, /^PACA[0-9a-f]{32}$/);
      assert.match(first.paging.nextPageUri, /Participants\.json\?/);
      got = outcome();
      n1.receive({ conferenceSid: conf, muted: true, ...first.paging.next });
      const second = await got;
      assert.equal(second.payload.length, 2);
      assert.equal(second.paging.next, null);
      assert.ok([...first.payload, ...second.payload].every((p: { muted: boolean }) => p.muted));
      assert.deepEqual(tw.requests.map((r) => r.query.Muted), ['true', 'true']);
      assert.ok(allJson());
    });

    it('one message per page, joined back', async () => {
      for (let i = 0; i < 5; i++) tw.addParticipant(conf);
      const n1 = await load(twilioFlow(tw, { type: 'signalwire-list-participants', mode: 'pages', pageSize: 2 }), creds(tw), NODES);
      n1.receive({ conferenceSid: conf });
      const pages = [await next('out'), await next('out'), await next('out')];
      assert.deepEqual(await collect('out', 50), []);
      assert.deepEqual(pages.flatMap((m) => m.payload), tw.participants(conf));
      assert.equal(pages[2].parts.count, 3);
      assert.ok(allJson());
    });

    it('with call details: each participant\'s call from GET /Calls/{CallSid}.json, with Twilio\'s caller name', async () => {
      const joined = tw.addParticipant(conf);
      const msg = await run({ type: 'signalwire-list-participants', callDetails: true }, { conferenceSid: conf });
      // The fake starts the call when the participant joins: Twilio's RFC 2822 time as ISO 8601.
      const startTime = new Date(joined.date_created).toISOString();
      assert.deepEqual(msg.payload[0].call, { from: '+15017122661', to: '+15558675310', callerName: 'Alice Example', direction: 'inbound', startTime });
      assert.ok(allJson());
      assert.ok(tw.requests.some((r) => r.path.endsWith(`/Calls/${msg.payload[0].call_sid}.json`)));
    });
  });

  describe('get participant', () => {
    it('fetches one participant, and a participant who left answers 404', async () => {
      const p = tw.addParticipant(conf, { hold: true });
      const msg = await run({ type: 'signalwire-get-participant' }, { conferenceSid: conf, callSid: p.call_sid });
      assert.deepEqual(msg.payload, p);
      assert.equal(tw.requests[0].path, `/2010-04-01/Accounts/${tw.accountSid}/Conferences/${conf}/Participants/${p.call_sid}.json`);
      await helper.unload();
      const n1 = await load(twilioFlow(tw, { type: 'signalwire-get-participant' }), creds(tw), NODES);
      const err = caughtError();
      n1.receive({ payload: { ConferenceSid: conf, CallSid: 'CA00000000000000000000000000000000' } });
      const gone = await err;
      assert.equal(gone.statusCode, 404);
      assert.equal(gone.signalwireError.code, 20404);
      assert.equal(gone.signalwireError.more_info, 'https://www.twilio.com/docs/errors/20404');
    });
  });

  describe('list conferences', () => {
    const on = (day: string) => new Date(`${day}T12:00:00Z`).toUTCString().replace('GMT', '+0000');

    it('all pages with Twilio\'s start/end answers, over .json paths', async () => {
      for (let i = 0; i < 1100; i++) tw.addConference();
      const msg = await run({ type: 'signalwire-list-conferences' }, {});
      assert.equal(msg.payload.length, 1101);
      assert.deepEqual(msg.payload, tw.conferences());
      assert.ok('reason_conference_ended' in msg.payload[0]);
      assert.match(msg.payload[0].sid, SID);
      assert.equal(tw.requests.length, 2);
      assert.ok(allJson());
      assert.match(tw.requests[1].query.PageToken, /^PACF/);
    });

    it('filters by name, status and dates (Twilio: on or before, on or after)', async () => {
      tw.addConference({ sid: 'CF00000000000000000000000000000001', friendly_name: 'standup', date_created: on('2024-01-10') });
      tw.addConference({ sid: 'CF00000000000000000000000000000002', friendly_name: 'standup', status: 'completed', date_created: on('2024-01-20') });
      const sids = (m: Msg) => m.payload.map((c: { sid: string }) => c.sid.slice(-1));
      let msg = await run({ type: 'signalwire-list-conferences', friendlyName: 'standup', dateCreatedBefore: '2024-01-20' }, {});
      assert.deepEqual(sids(msg), ['1', '2']);
      assert.deepEqual(tw.requests[0].query, { PageSize: '1000', FriendlyName: 'standup', 'DateCreated<': '2024-01-20' });
      await helper.unload();
      msg = await run({ type: 'signalwire-list-conferences', status: 'completed' }, { dateCreatedAfter: '2024-01-20' });
      assert.deepEqual(sids(msg), ['2']);
      assert.ok(allJson());
    });

    it('one page, and the next page from msg.paging.next', async () => {
      for (let i = 0; i < 3; i++) tw.addConference({ friendly_name: 'many' });
      const n1 = await load(twilioFlow(tw, { type: 'signalwire-list-conferences', mode: 'page', friendlyName: 'many' }), creds(tw), NODES);
      let got = outcome();
      n1.receive({ pageSize: 2 });
      const first = await got;
      assert.equal(first.payload.length, 2);
      got = outcome();
      n1.receive(first.paging.next);
      const second = await got;
      assert.equal(second.payload.length, 1);
      assert.deepEqual([...first.payload, ...second.payload].map((c: { friendly_name: string }) => c.friendly_name), ['many', 'many', 'many']);
    });
  });

  describe('get conference', () => {
    it('fetches the conference, and an unknown SID answers 404', async () => {
      const msg = await run({ type: 'signalwire-get-conference' }, { conferenceSid: conf });
      assert.deepEqual(msg.payload, tw.conference(conf));
      assert.equal(tw.requests[0].path, `/2010-04-01/Accounts/${tw.accountSid}/Conferences/${conf}.json`);
      await helper.unload();
      const n1 = await load(twilioFlow(tw, { type: 'signalwire-get-conference' }), creds(tw), NODES);
      const err = caughtError();
      n1.receive({ conferenceSid: 'CF00000000000000000000000000000000' });
      assert.equal((await err).statusCode, 404);
    });
  });

  // The write nodes (update participant / update conference) go through the same path builder.
  const DIST = path.join(__dirname, '../../dist/nodes');
  describe('update participant and update conference', () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const modules = () => [
      spaceNode,
      withCatalogue(require(path.join(DIST, 'signalwire-update-participant.js')), 'signalwire-update-participant'),
      withCatalogue(require(path.join(DIST, 'signalwire-update-conference.js')), 'signalwire-update-conference'),
    ];

    it('mute and unhold: a form POST to .../Participants/{CallSid}.json, the participant as Twilio answers it', async () => {
      const p = tw.addParticipant(conf, { hold: true });
      let msg = await run({ type: 'signalwire-update-participant', action: 'mute' }, { conferenceSid: conf, callSid: p.call_sid }, modules());
      assert.equal(msg.payload.muted, true);
      assert.equal(tw.participant(conf, p.call_sid)!.muted, true);
      assert.equal(tw.requests[0].method, 'POST');
      assert.equal(tw.requests[0].path, `/2010-04-01/Accounts/${tw.accountSid}/Conferences/${conf}/Participants/${p.call_sid}.json`);
      assert.deepEqual(tw.requests[0].form, { Muted: 'true' });
      await helper.unload();
      msg = await run({ type: 'signalwire-update-participant' }, { conferenceSid: conf, callSid: p.call_sid, action: 'unhold' }, modules());
      assert.equal(msg.payload.hold, false);
      assert.equal(msg.payload.status, 'connected');
    });

    it('unmute and hold: the form of each on the wire, and the participant as Twilio answers it', async () => {
      const p = tw.addParticipant(conf, { muted: true });
      let msg = await run({ type: 'signalwire-update-participant', action: 'unmute' }, { conferenceSid: conf, callSid: p.call_sid }, modules());
      assert.deepEqual(tw.requests[0].form, { Muted: 'false' });
      assert.equal(msg.payload.muted, false);
      await helper.unload();
      msg = await run({ type: 'signalwire-update-participant', action: 'hold', holdUrl: 'https://example.com/music.xml' }, { conferenceSid: conf, callSid: p.call_sid }, modules());
      assert.deepEqual(tw.requests[1].form, { Hold: 'true', HoldUrl: 'https://example.com/music.xml' });
      assert.equal(msg.payload.hold, true);
      assert.equal(tw.participant(conf, p.call_sid)!.hold, true);
    });

    it('remove: a DELETE of .../Participants/{CallSid}.json; the participant is gone', async () => {
      const p = tw.addParticipant(conf);
      await run({ type: 'signalwire-update-participant', action: 'remove' }, { conferenceSid: conf, callSid: p.call_sid }, modules());
      assert.equal(tw.requests[0].method, 'DELETE');
      assert.ok(tw.requests[0].path.endsWith(`/Participants/${p.call_sid}.json`));
      assert.equal(tw.participant(conf, p.call_sid), undefined);
    });

    it('end: POST Status=completed to .../Conferences/{Sid}.json; Twilio says why it ended', async () => {
      tw.addParticipant(conf);
      const msg = await run({ type: 'signalwire-update-conference', action: 'end' }, { conferenceSid: conf }, modules());
      assert.equal(tw.requests[0].path, `/2010-04-01/Accounts/${tw.accountSid}/Conferences/${conf}.json`);
      assert.deepEqual(tw.requests[0].form, { Status: 'completed' });
      assert.equal(msg.payload.status, 'completed');
      assert.equal(msg.payload.reason_conference_ended, 'conference-ended-via-api');
      assert.deepEqual(tw.participants(conf), []);
    });

    it('announce: POST AnnounceUrl to .../Conferences/{Sid}.json; the conference plays it', async () => {
      tw.addParticipant(conf);
      const msg = await run({ type: 'signalwire-update-conference', action: 'announce', announceUrl: 'https://example.com/notice.xml' }, { conferenceSid: conf }, modules());
      assert.equal(tw.requests[0].path, `/2010-04-01/Accounts/${tw.accountSid}/Conferences/${conf}.json`);
      assert.deepEqual(tw.requests[0].form, { AnnounceUrl: 'https://example.com/notice.xml' });
      assert.deepEqual(tw.announcements, [{ conferenceSid: conf, url: 'https://example.com/notice.xml' }]);
      assert.equal(msg.payload.sid, conf);
    });
  });
  describe('coaching and conference recordings', () => {
    const modules = () => [
      spaceNode,
      withCatalogue(require(path.join(DIST, 'signalwire-update-participant.js')), 'signalwire-update-participant'),
      listRecordingsNode,
      updateRecordingNode,
    ];
    const recordingsPath = () => `/2010-04-01/Accounts/${tw.accountSid}/Conferences/${conf}/Recordings`;

    it('coach and uncoach: Coaching with CallSidToCoach, then Coaching=false, to .../Participants/{CallSid}.json', async () => {
      const coach = tw.addParticipant(conf);
      const agent = tw.addParticipant(conf);
      let msg = await run({ type: 'signalwire-update-participant', action: 'coach' }, { conferenceSid: conf, callSid: coach.call_sid, callSidToCoach: agent.call_sid }, modules());
      assert.deepEqual(tw.requests[0].form, { Coaching: 'true', CallSidToCoach: agent.call_sid });
      assert.ok(tw.requests[0].path.endsWith(`/Participants/${coach.call_sid}.json`));
      assert.deepEqual([msg.payload.coaching, msg.payload.call_sid_to_coach], [true, agent.call_sid]);
      await helper.unload();
      msg = await run({ type: 'signalwire-update-participant' }, { conferenceSid: conf, callSid: coach.call_sid, action: 'uncoach' }, modules());
      assert.deepEqual(tw.requests[1].form, { Coaching: 'false' });
      assert.deepEqual([msg.payload.coaching, msg.payload.call_sid_to_coach], [false, null]);
    });

    it('list recordings: Twilio\'s recordings unchanged, paged over .json paths, DateCreated< as on or before', async () => {
      for (let i = 0; i < 3; i++) tw.startRecording(conf, { status: 'completed', date_created: new Date(Date.UTC(2024, 0, 1 + i, 12)).toUTCString().replace('GMT', '+0000') });
      const n1 = await load(twilioFlow(tw, { type: 'signalwire-list-recordings', mode: 'pages', pageSize: 2 }), creds(tw), modules());
      n1.receive({ conferenceSid: conf });
      const pages = [await next('out'), await next('out')];
      assert.deepEqual(pages.flatMap((m) => m.payload), tw.recordings(conf));
      assert.equal(typeof pages[0].payload[0].channels, 'number');
      assert.match(tw.requests[1].query.PageToken, /^PARE/);
      assert.ok(allJson());
      await helper.unload();
      const before = await run({ type: 'signalwire-list-recordings', dateCreatedBefore: '2024-01-02' }, { conferenceSid: conf }, modules());
      assert.equal(before.payload.length, 2);
      assert.equal(tw.requests[2].path, `${recordingsPath()}.json`);
    });

    it('update recording: the current recording found with one list request, paused with skip, resumed, stopped, deleted', async () => {
      tw.startRecording(conf, { status: 'completed' });
      const current = tw.startRecording(conf);
      const one = `${recordingsPath()}/${current.sid}.json`;
      let msg = await run({ type: 'signalwire-update-recording', action: 'pause', pauseBehavior: 'skip' }, { conferenceSid: conf }, modules());
      assert.deepEqual(tw.requests.map((r) => [r.method, r.path, r.form]), [['GET', `${recordingsPath()}.json`, undefined], ['POST', one, { Status: 'paused', PauseBehavior: 'skip' }]]);
      assert.deepEqual([msg.payload.status, msg.recordingSid], ['paused', current.sid]);
      for (const [action, status] of [['resume', 'in-progress'], ['stop', 'stopped']]) {
        await helper.unload();
        msg = await run({ type: 'signalwire-update-recording', action }, { conferenceSid: conf, recordingSid: current.sid }, modules());
        assert.equal(msg.payload.status, status);
        assert.equal(tw.recording(conf, current.sid)?.status, status);
      }
      assert.match(msg.payload.duration, /^\d+$/, 'Twilio\'s duration: a string once stopped');
      await helper.unload();
      msg = await run({ type: 'signalwire-update-recording', action: 'delete' }, { conferenceSid: conf, recordingSid: current.sid }, modules());
      assert.deepEqual([msg.payload, msg.recordingSid], [null, current.sid]);
      assert.equal(tw.requests[tw.requests.length - 1].method, 'DELETE');
      assert.equal(tw.recording(conf, current.sid), undefined);
      assert.ok(allJson());
    });

    it('update recording: no recording in progress is a 404 for the Catch node, with no update', async () => {
      tw.startRecording(conf, { status: 'completed' });
      const n1 = await load(twilioFlow(tw, { type: 'signalwire-update-recording', action: 'pause' }), creds(tw), modules());
      const err = caughtError();
      n1.receive({ conferenceSid: conf });
      assert.equal((await err).statusCode, 404);
      assert.deepEqual(tw.requests.map((r) => r.method), ['GET']);
    });

    it('update recording: a delete whose answer was lost, retried, 404: success', async () => {
      const r = tw.startRecording(conf);
      // The fake carries out the delete and drops the connection: the retry then gets 404.
      tw.injectFaults({ kind: 'lost', then: 'drop' });
      const first = await run({ type: 'signalwire-update-recording', action: 'delete' }, { conferenceSid: conf, recordingSid: r.sid }, modules());
      assert.equal(first.payload, null);
      assert.deepEqual(tw.requests.map((x) => x.method), ['DELETE', 'DELETE']);
      assert.equal(tw.recording(conf, r.sid), undefined, 'the first attempt deleted it: the second was answered 404');
    });
  });
});
