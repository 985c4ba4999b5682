// The fakes' conference recordings and coaching fields, as SignalWire's spec (FakeSpace) and Twilio's
// (TwilioSpace) describe them: the list with its paging and DateCreated filters under `recordings`,
// get, update (Status, PauseBehavior, with the transitions and errors of RecordingLife), delete, and
// a model a test can drive (start a recording, change its status, hear about each change).
import assert from 'node:assert/strict';
import { FakeSpace, RECORDING_KEYS, RecordingLife, RecordingUpdateError, TwilioSpace, type FakeRecording, type RecordingStatus } from '../../simulator';

const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

// The vendor spec's ConferenceRecordingResponse, its required properties in its order.
const SIGNALWIRE_FIELDS = [
  'sid', 'account_sid', 'api_version', 'call_sid', 'conference_sid', 'channel', 'channels', 'date_created', 'date_updated', 'start_time',
  'end_time', 'duration', 'price', 'price_unit', 'source', 'status', 'error_code', 'uri', 'subresource_uris', 'encryption_details', 'trim',
];
// Twilio's api.v2010.account.conference.conference_recording, in its order.
const TWILIO_FIELDS = [
  'account_sid', 'api_version', 'call_sid', 'conference_sid', 'date_created', 'date_updated', 'start_time', 'duration', 'sid', 'price',
  'price_unit', 'status', 'channels', 'source', 'error_code', 'encryption_details', 'uri',
];

describe('RecordingLife (the recording model both fakes share)', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields);
  const refused = (life: RecordingLife, fields: Record<string, string>, status: 400 | 422, message: RegExp, strict = true) =>
    assert.throws(() => life.update(form(fields), strict, 0), (err: unknown) => err instanceof RecordingUpdateError && err.status === status && message.test(err.message));

  it('pauses, resumes and stops as the update request says; pausing again or stopping again changes nothing', () => {
    const life = new RecordingLife('in-progress', 0);
    life.update(form({ Status: 'paused', PauseBehavior: 'skip' }), true, 1000);
    assert.deepEqual([life.status, life.pauseBehavior], ['paused', 'skip']);
    life.update(form({ Status: 'paused' }), true, 2000);
    assert.deepEqual([life.status, life.pauseBehavior], ['paused', 'silence'], 'PauseBehavior defaults to silence');
    life.update(form({ Status: 'in-progress' }), true, 3000);
    life.update(form({ Status: 'in-progress' }), true, 3500);
    assert.equal(life.status, 'in-progress');
    life.update(form({ Status: 'stopped' }), true, 4000);
    life.update(form({ Status: 'stopped' }), true, 9000);
    assert.deepEqual([life.status, life.endedAt], ['stopped', 4000], 'a second stop keeps the first end');
  });

  it('refuses what the spec does not allow: 422 for a malformed request, 400 for pausing or resuming an ended recording', () => {
    const life = new RecordingLife('in-progress', 0);
    refused(life, {}, 422, /^Status is required$/);
    refused(life, { Status: 'completed' }, 422, /^Invalid Status/);
    refused(life, { Status: 'paused', PauseBehavior: 'loud' }, 422, /^Invalid PauseBehavior/);
    refused(life, { Status: 'paused', PlayBeep: 'true' }, 422, /^Invalid parameter PlayBeep$/);
    life.update(form({ Status: 'paused', PlayBeep: 'true' }), false, 0); // Twilio ignores what it does not know
    for (const status of ['stopped', 'completed', 'absent', 'failed'] as RecordingStatus[]) {
      const ended = new RecordingLife(status, 0);
      refused(ended, { Status: 'paused' }, 400, new RegExp(`^The recording is ${status}: it cannot be paused$`));
      refused(ended, { Status: 'in-progress' }, 400, /cannot be resumed$/);
      ended.update(form({ Status: 'stopped' }), true, 0);
      assert.equal(ended.status, status, 'stopping an ended recording leaves it');
    }
    refused(new RecordingLife('queued', 0), { Status: 'paused' }, 400, /is queued/);
  });

  it('counts the recorded seconds: pauses with skip are left out, pauses with silence are not', () => {
    const skip = new RecordingLife('in-progress', 0);
    skip.update(form({ Status: 'paused', PauseBehavior: 'skip' }), true, 10_000);
    assert.equal(skip.durationSeconds(25_000), 10, 'an open skip pause does not count');
    skip.update(form({ Status: 'in-progress' }), true, 30_000);
    skip.update(form({ Status: 'stopped' }), true, 45_500);
    assert.equal(skip.durationSeconds(99_000), 25);
    const silence = new RecordingLife('in-progress', 0);
    silence.update(form({ Status: 'paused' }), true, 10_000);
    silence.update(form({ Status: 'in-progress' }), true, 30_000);
    silence.set('completed', 45_000);
    assert.deepEqual([silence.status, silence.durationSeconds(99_000)], ['completed', 45]);
  });
});

describe('FakeSpace recordings', () => {
  let space: FakeSpace;
  let conf: string;
  let auth: string;
  const path = (rest = '', c = conf) => `/api/laml/2010-04-01/Accounts/${space.projectId}/Conferences/${c}/Recordings${rest}`;
  const call = async (method: string, p: string, body?: Record<string, string>) => {
    const res = await fetch(space.url + p, {
      method,
      headers: { authorization: auth, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, res };
  };

  beforeEach(async () => {
    space = new FakeSpace();
    await space.start();
    conf = space.addConference();
    auth = 'Basic ' + Buffer.from(`${space.projectId}:${space.apiToken}`).toString('base64');
  });
  afterEach(() => space.close());

  it('lists a conference\'s recordings under `recordings` with the paging keys, each with exactly the spec\'s fields', async () => {
    const r = space.startRecording(conf);
    assert.deepEqual([...RECORDING_KEYS], SIGNALWIRE_FIELDS);
    const { status, body } = await call('GET', path());
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['uri', 'first_page_uri', 'next_page_uri', 'previous_page_uri', 'page', 'page_size', 'recordings']);
    assert.equal(body.recordings.length, 1);
    const [listed] = body.recordings as FakeRecording[];
    assert.deepEqual(Object.keys(listed), SIGNALWIRE_FIELDS);
    assert.deepEqual(listed, r);
    assert.equal(listed.conference_sid, conf);
    assert.equal(listed.call_sid, null, '"Always null for conference recordings"');
    assert.equal(listed.status, 'in-progress');
    assert.match(listed.date_created, RFC2822);
    assert.equal(listed.uri, `/api/laml/2010-04-01/Accounts/${space.projectId}/Conferences/${conf}/Recordings/${r.sid}.json`);
    assert.deepEqual((await call('GET', path(`/${r.sid}`))).body, r, 'GET one answers the same object');
  });

  it('pages with cursors and filters by DateCreated, DateCreated< and DateCreated> (before/after the day)', async () => {
    const days = ['Mon, 01 Jan 2024 10:00:00 +0000', 'Tue, 02 Jan 2024 10:00:00 +0000', 'Wed, 03 Jan 2024 10:00:00 +0000'];
    const sids = [0, 1, 2, 2, 2].map((d) => space.startRecording(conf, { date_created: days[d] }).sid);
    const seen: string[] = [];
    let next: string | null = path('?PageSize=2');
    while (next !== null) {
      const page: { status: number; body: { recordings: FakeRecording[]; next_page_uri: string | null } } = await call('GET', next);
      assert.equal(page.status, 200);
      assert.ok(page.body.recordings.length <= 2);
      seen.push(...page.body.recordings.map((x) => x.sid));
      next = page.body.next_page_uri;
    }
    assert.deepEqual(seen, sids);
    const only = async (q: string) => ((await call('GET', path(q))).body.recordings as FakeRecording[]).map((x) => x.sid);
    assert.deepEqual(await only('?DateCreated=2024-01-02'), [sids[1]]);
    assert.deepEqual(await only('?DateCreated%3C=2024-01-02'), [sids[0]]);
    assert.deepEqual(await only('?DateCreated%3E=2024-01-02'), sids.slice(2));
    const filtered = await call('GET', path('?DateCreated%3E=2024-01-01&PageSize=1'));
    assert.match(filtered.body.next_page_uri, /DateCreated%3E=2024-01-01/, 'the filter is carried into the next page');
    assert.equal((await call('GET', path('?DateCreated=yesterday'))).status, 400);
    assert.equal((await call('GET', path('?PageSize=1001'))).status, 400);
  });

  it('updates: pause with PauseBehavior, resume, stop; answers the recording; 422 ({ errors }) or 400 where the spec refuses', async () => {
    const r = space.startRecording(conf);
    const one = path(`/${r.sid}`);
    let got = await call('POST', one, { Status: 'paused', PauseBehavior: 'skip' });
    assert.equal(got.status, 200);
    assert.equal(got.body.status, 'paused');
    assert.deepEqual(Object.keys(got.body), SIGNALWIRE_FIELDS);
    assert.equal((await call('POST', one, { Status: 'paused', PauseBehavior: 'skip' })).status, 200, 'pausing again: no change, no error');
    got = await call('POST', one, { Status: 'in-progress' });
    assert.equal(got.body.status, 'in-progress');
    got = await call('POST', one, { Status: 'stopped' });
    assert.equal(got.body.status, 'stopped');
    assert.match(got.body.end_time, RFC2822);
    assert.equal((await call('POST', one, { Status: 'stopped' })).status, 200, 'stopping again');
    const late = await call('POST', one, { Status: 'paused' });
    assert.deepEqual([late.status, late.body.code, late.body.message], [400, 20001, 'The recording is stopped: it cannot be paused']);
    for (const bad of [{}, { Status: 'completed' }, { Status: 'paused', PauseBehavior: 'loud' }, { Status: 'paused', Coaching: 'true' }] as Array<Record<string, string>>) {
      const answer = await call('POST', path(`/${space.startRecording(conf).sid}`), bad);
      assert.equal(answer.status, 422, JSON.stringify(bad));
      assert.deepEqual(Object.keys(answer.body), ['errors']);
      assert.equal(typeof answer.body.errors[0], 'string');
    }
  });

  it('deletes with 204 and no body; the recording is then 404 (get, update, delete)', async () => {
    const r = space.startRecording(conf);
    const del = await call('DELETE', path(`/${r.sid}`));
    assert.deepEqual([del.status, del.body], [204, null]);
    for (const method of ['GET', 'DELETE']) assert.equal((await call(method, path(`/${r.sid}`))).status, 404);
    assert.equal((await call('POST', path(`/${r.sid}`), { Status: 'stopped' })).status, 404);
    assert.deepEqual(space.recordings(conf), []);
  });

  it('answers 404 for an unknown conference or recording, 405 (with Allow) for other methods, 401 for another account', async () => {
    assert.equal((await call('GET', path('', 'no-such-conference'))).status, 404);
    assert.equal((await call('GET', path('/no-such-recording'))).status, 404);
    const put = await call('PUT', path(`/${space.startRecording(conf).sid}`));
    assert.deepEqual([put.status, put.res.headers.get('allow')], [405, 'GET, POST, DELETE']);
    const post = await call('POST', path(), { Status: 'paused' });
    assert.deepEqual([post.status, post.res.headers.get('allow')], [405, 'GET']);
    assert.equal((await call('GET', path().replace(space.projectId, 'someone-else'))).status, 401);
    assert.equal((await call('GET', `/2010-04-01/Accounts/${space.projectId}/Conferences/${conf}/Recordings.json`)).status, 200, 'the SDK path form too');
  });

  it('is a model a test drives: the status the service sets, each change told with the status before, recordings completed when the conference ends and kept', async () => {
    const changes: Array<[string, RecordingStatus, RecordingStatus]> = [];
    space.onRecordingChange((rec, previous) => changes.push([rec.sid, previous, rec.status]));
    const a = space.startRecording(conf);
    const b = space.startRecording(conf);
    await call('POST', path(`/${a.sid}`), { Status: 'paused' });
    await call('POST', path(`/${a.sid}`), { Status: 'paused' }); // no change: not told
    space.setRecordingStatus(conf, b.sid, 'absent');
    space.endConference(conf);
    assert.deepEqual(changes, [
      [a.sid, 'in-progress', 'paused'],
      [b.sid, 'in-progress', 'absent'],
      [a.sid, 'paused', 'completed'],
    ]);
    const listed = (await call('GET', path())).body.recordings as FakeRecording[];
    assert.deepEqual(listed.map((x) => x.status), ['completed', 'absent'], 'an ended conference keeps its recordings');
    assert.match(listed[0].end_time ?? '', RFC2822);
    const other = space.addConference();
    space.startRecording(other);
    space.removeConference(other);
    assert.equal(space.recordings(other)[0].status, 'completed');
  });

  describe('coaching fields of update participant', () => {
    const participant = (callSid: string) => `/api/laml/2010-04-01/Accounts/${space.projectId}/Conferences/${conf}/Participants/${callSid}`;

    it('Coaching=true with CallSidToCoach sets coaching and call_sid_to_coach; Coaching=false clears both', async () => {
      const coach = space.addParticipant(conf);
      const agent = space.addParticipant(conf);
      let got = await call('POST', participant(coach.call_sid), { Coaching: 'true', CallSidToCoach: agent.call_sid });
      assert.equal(got.status, 200);
      assert.deepEqual([got.body.coaching, got.body.call_sid_to_coach], [true, agent.call_sid]);
      got = await call('POST', participant(coach.call_sid), { Coaching: 'false' });
      assert.deepEqual([got.body.coaching, got.body.call_sid_to_coach], [false, null]);
      assert.deepEqual(space.participant(conf, coach.call_sid)?.coaching, false);
    });

    it('refuses Coaching=true without CallSidToCoach, and a CallSidToCoach that is not another participant (400)', async () => {
      const coach = space.addParticipant(conf);
      for (const form of [{ Coaching: 'true' }, { Coaching: 'true', CallSidToCoach: 'not-in-conference' }, { Coaching: 'true', CallSidToCoach: coach.call_sid }] as Array<Record<string, string>>) {
        const got = await call('POST', participant(coach.call_sid), form);
        assert.deepEqual([got.status, got.body.code], [400, 20001], JSON.stringify(form));
      }
      assert.equal(space.participant(conf, coach.call_sid)?.coaching, false);
    });
  });
});

describe('TwilioSpace recordings', () => {
  let tw: TwilioSpace;
  let conf: string;
  let auth: string;
  const path = (rest = '') => `/2010-04-01/Accounts/${tw.accountSid}/Conferences/${conf}/Recordings${rest}`;
  const call = async (method: string, p: string, body?: Record<string, string>) => {
    const res = await fetch(tw.url + p, {
      method,
      headers: { authorization: auth, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: body ? new URLSearchParams(body).toString() : undefined,
    });
    const text = await res.text();
    return { status: res.status, text, body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
  };

  beforeEach(async () => {
    tw = new TwilioSpace();
    await tw.start();
    conf = tw.addConference();
    auth = 'Basic ' + Buffer.from(`${tw.accountSid}:${tw.authToken}`).toString('base64');
  });
  afterEach(() => tw.close());

  it('lists under `recordings` with start and end, Twilio\'s fields (channels a number, duration a string once ended), .json only', async () => {
    const r = tw.startRecording(conf);
    assert.match(r.sid, /^RE[0-9a-f]{32}$/);
    const { status, body } = await call('GET', path('.json'));
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body).sort(), ['end', 'first_page_uri', 'next_page_uri', 'page', 'page_size', 'previous_page_uri', 'recordings', 'start', 'uri']);
    assert.deepEqual(Object.keys(body.recordings[0]), TWILIO_FIELDS);
    assert.deepEqual([body.recordings[0].channels, body.recordings[0].duration], [1, null]);
    assert.match((await call('GET', path())).text, /^<\?xml/, 'without .json: XML');
    const stopped = await call('POST', path(`/${r.sid}.json`), { Status: 'stopped' });
    assert.equal(stopped.body.status, 'stopped');
    assert.match(stopped.body.duration, /^\d+$/);
  });

  it('pages with PA<sid> tokens and reads DateCreated< / > as on or before / on or after', async () => {
    const days = ['Mon, 01 Jan 2024 10:00:00 +0000', 'Tue, 02 Jan 2024 10:00:00 +0000', 'Wed, 03 Jan 2024 10:00:00 +0000'];
    const sids = [0, 1, 2].map((d) => tw.startRecording(conf, { date_created: days[d] }).sid);
    const first = await call('GET', path('.json?PageSize=2'));
    assert.match(first.body.next_page_uri, /PageToken=PARE/);
    const second = await call('GET', first.body.next_page_uri);
    assert.deepEqual([...first.body.recordings, ...second.body.recordings].map((x: { sid: string }) => x.sid), sids);
    const only = async (q: string) => ((await call('GET', path(`.json${q}`))).body.recordings as Array<{ sid: string }>).map((x) => x.sid);
    assert.deepEqual(await only('?DateCreated%3C=2024-01-02'), sids.slice(0, 2));
    assert.deepEqual(await only('?DateCreated%3E=2024-01-02'), sids.slice(1));
  });

  it('updates as Twilio does (unknown parameters ignored, 400 for a bad Status), deletes with 204 then 404', async () => {
    const r = tw.startRecording(conf);
    const paused = await call('POST', path(`/${r.sid}.json`), { Status: 'paused', PauseBehavior: 'skip', PlayBeep: 'true' });
    assert.deepEqual([paused.status, paused.body.status], [200, 'paused']);
    assert.equal((await call('POST', path(`/${r.sid}.json`), { Status: 'in-progress' })).body.status, 'in-progress');
    const bad = await call('POST', path(`/${r.sid}.json`), { Status: 'processing' });
    assert.deepEqual([bad.status, bad.body.code], [400, 20001]);
    assert.equal((await call('DELETE', path(`/${r.sid}.json`))).status, 204);
    assert.equal((await call('DELETE', path(`/${r.sid}.json`))).status, 404);
    assert.deepEqual(tw.recordings(conf), []);
  });

  it('coaching: Coaching=true needs CallSidToCoach (400); coach, then uncoach', async () => {
    const coach = tw.addParticipant(conf);
    const agent = tw.addParticipant(conf);
    const url = `/2010-04-01/Accounts/${tw.accountSid}/Conferences/${conf}/Participants/${coach.call_sid}.json`;
    assert.equal((await call('POST', url, { Coaching: 'true' })).status, 400);
    let got = await call('POST', url, { Coaching: 'true', CallSidToCoach: agent.call_sid });
    assert.deepEqual([got.body.coaching, got.body.call_sid_to_coach], [true, agent.call_sid]);
    got = await call('POST', url, { Coaching: 'false' });
    assert.deepEqual([got.body.coaching, got.body.call_sid_to_coach], [false, null]);
  });
});
