import assert from 'node:assert/strict';
import * as http from 'node:http';
import { ApiWrite, CALL_KEYS, FakeCall, FakeSpace, FakeParticipant, MORE_INFO, PARTICIPANT_KEYS, SPACE_NUMBER, formatNumber } from '../../simulator';
import type { PageMeta } from '../../nodes/lib/shared/types';
import { waitUntil } from '../support/harness';

const RFC2822 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const LIST_KEYS = ['uri', 'first_page_uri', 'next_page_uri', 'previous_page_uri', 'page', 'page_size', 'participants'];

interface ListPage extends PageMeta {
  participants: FakeParticipant[];
}

describe('FakeSpace', () => {
  let space: FakeSpace;
  let origin: string;
  let conf: string;
  let auth: string;

  const base = (form: 'A' | 'B' = 'A'): string =>
    `${form === 'A' ? '/api/laml/2010-04-01' : '/2010-04-01'}/Accounts/${space.projectId}/Conferences/${conf}/Participants`;
  const get = (path: string, headers: Record<string, string> = { authorization: auth }, init: RequestInit = {}) =>
    fetch(origin + path, { headers, ...init });
  const confPath = (sid: string): string => `/api/laml/2010-04-01/Accounts/${space.projectId}/Conferences/${sid}`;
  /** A write, form-encoded when it has a form. */
  const write = (path: string, method: string, form?: Record<string, string>) =>
    get(path, { authorization: auth, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, { method, body: form && new URLSearchParams(form).toString() });
  const getJson = async <T = unknown>(path: string): Promise<{ status: number; body: T; res: Response }> => {
    const res = await get(path);
    return { status: res.status, body: (await res.json()) as T, res };
  };
  const walk = async (first: string, between?: (page: number) => void): Promise<FakeParticipant[]> => {
    const seen: FakeParticipant[] = [];
    let next: string | null = first;
    for (let i = 0; next !== null; i++) {
      const r: { status: number; body: ListPage } = await getJson<ListPage>(next);
      assert.equal(r.status, 200);
      seen.push(...r.body.participants);
      next = r.body.next_page_uri;
      between?.(i);
    }
    return seen;
  };

  beforeEach(async () => {
    space = new FakeSpace();
    origin = await space.start();
    conf = space.addConference();
    auth = 'Basic ' + Buffer.from(`${space.projectId}:${space.apiToken}`).toString('base64');
  });
  afterEach(() => space.close());

  describe('auth', () => {
    it('answers 401 with the API error body without or with wrong credentials', async () => {
      for (const headers of [{} as Record<string, string>, { authorization: 'Basic ' + Buffer.from(`${space.projectId}:nope`).toString('base64') }]) {
        const res = await get(base(), headers);
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('content-type'), 'application/json');
        const body = await res.json();
        assert.deepEqual(Object.keys(body), ['code', 'message', 'more_info', 'status']);
        assert.equal(body.code, 20003);
        assert.equal(body.message, 'Authentication failed');
        assert.match(body.more_info, /^https:\/\/developer\.signalwire\.com\//);
        assert.equal(body.status, 401);
      }
      assert.deepEqual(space.requests.map((r) => r.authorized), [false, false]);
    });

    it('answers 401 when the AccountSid in the path is not the project', async () => {
      const { status, body } = await getJson<{ code: number }>(base().replace(space.projectId, 'someone-else'));
      assert.equal(status, 401);
      assert.equal(body.code, 20003);
    });

    it('answers 403 code 20003 when the token lacks the Voice scope', async () => {
      space.voiceScope = false;
      const { status, body } = await getJson<{ code: number; status: number }>(base());
      assert.equal(status, 403);
      assert.equal(body.code, 20003);
      assert.equal(body.status, 403);
    });
  });

  describe('routes', () => {
    it('answers 404 to a malformed percent escape on every route, never 500', async () => {
      const account = `/api/laml/2010-04-01/Accounts/${space.projectId}`;
      for (const path of [`/api/laml/2010-04-01/Accounts/%E0%A4%A/Conferences`, `${account}/Conferences/%zz`, `${account}/Conferences/%zz/Participants`, `${account}/Conferences/${conf}/Participants/%zz`, `${account}/Calls/%zz`]) {
        assert.equal((await get(path)).status, 404, path);
      }
    });

    it('answers both path forms, with or without .json, and keeps the form in paging URIs', async () => {
      space.addParticipants(conf, 3);
      for (const path of [base('A'), base('A') + '.json', base('B') + '.json', base('B')]) {
        const { status, body } = await getJson<ListPage>(path + '?PageSize=2');
        assert.equal(status, 200, path);
        assert.equal(body.participants.length, 2);
        assert.equal(body.uri, path + '?PageSize=2');
        assert.equal(body.first_page_uri, path + '?PageSize=2');
        assert.ok(body.next_page_uri!.startsWith(path + '?Page=1&PageSize=2&PageToken=PA'), body.next_page_uri!);
        assert.equal(body.previous_page_uri, null);
      }
      const p = space.participants(conf)[0];
      for (const path of [`${base('A')}/${p.call_sid}`, `${base('A')}/${p.call_sid}.json`, `${base('B')}/${p.call_sid}.json`]) {
        const { status, body } = await getJson<FakeParticipant>(path);
        assert.equal(status, 200, path);
        assert.deepEqual(body, p);
      }
    });

    it('answers 404 code 20404 for unknown paths, conferences and participants, 405 for other methods', async () => {
      for (const path of ['/', '/api/laml/2010-04-01/Accounts', base() + '/a/b', base().replace(conf, 'nope'), base() + '/nope']) {
        const { status, body } = await getJson<{ code: number; status: number }>(path);
        assert.equal(status, 404, path);
        assert.equal(body.code, 20404);
        assert.equal(body.status, 404);
      }
      const res = await get(base(), { authorization: auth }, { method: 'POST', body: 'x=1' });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET');
      assert.equal(((await res.json()) as { status: number }).status, 405);
    });

    it('gives 404 for a participant who left', async () => {
      const p = space.addParticipant(conf, { muted: true });
      assert.equal((await get(`${base()}/${p.call_sid}`)).status, 200);
      space.removeParticipant(conf, p.call_sid);
      const { status, body } = await getJson<{ code: number; message: string }>(`${base()}/${p.call_sid}`);
      assert.equal(status, 404);
      assert.equal(body.code, 20404);
      assert.match(body.message, /was not found/);
    });
  });

  describe('list', () => {
    it('has exactly the documented top-level keys and participant fields', async () => {
      const added = space.addParticipant(conf, { call_sid_to_coach: 'c0ffee00-0000-4000-8000-000000000000' });
      const { body } = await getJson<ListPage>(base());
      assert.deepEqual(Object.keys(body), LIST_KEYS);
      assert.equal(body.page, 0);
      assert.equal(body.page_size, 50);
      assert.equal(body.next_page_uri, null);
      assert.equal(body.previous_page_uri, null);
      const [p] = body.participants;
      assert.deepEqual(Object.keys(p), PARTICIPANT_KEYS);
      assert.deepEqual(p, added);
      assert.equal(p.coaching, true);
      assert.equal(p.status, 'in-progress');
      assert.match(p.date_created, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
      assert.equal(p.uri, `/api/laml/2010-04-01/Accounts/${space.projectId}/Conferences/${conf}/Participants/${p.call_sid}.json`);
    });

    it('validates PageSize, Page, PageToken, Muted and Hold with 400 code 20001', async () => {
      space.addParticipants(conf, 2);
      for (const q of ['PageSize=0', 'PageSize=1001', 'PageSize=abc', 'PageSize=1.5', 'PageSize=', 'Page=-1', 'Page=2',
        'PageToken=XX1', 'PageToken=PA', 'Muted=yes', 'Hold=1', 'Muted=TRUE']) {
        const { status, body } = await getJson<{ code: number; status: number }>(`${base()}?${q}`);
        assert.equal(status, 400, q);
        assert.equal(body.code, 20001, q);
        assert.equal(body.status, 400, q);
      }
      for (const q of ['PageSize=1', 'PageSize=1000', 'Page=0', 'Muted=false&Hold=false']) {
        assert.equal((await get(`${base()}?${q}`)).status, 200, q);
      }
    });

    it('cursor paging returns every participant exactly once while others join and leave', async () => {
      space.addParticipants(conf, 25);
      const before = space.participants(conf);
      const leaver = before[20];
      const joined: FakeParticipant[] = [];
      const seen = await walk(`${base()}?PageSize=7`, (page) => {
        if (page === 0) {
          space.removeParticipant(conf, before[1].call_sid); // already listed
          space.removeParticipant(conf, leaver.call_sid); // not yet listed
          joined.push(space.addParticipant(conf));
        }
      });
      const sids = seen.map((p) => p.call_sid);
      assert.equal(new Set(sids).size, sids.length, 'no duplicates');
      for (const p of before) if (p !== leaver) assert.ok(sids.includes(p.call_sid), 'stayed: listed');
      assert.ok(!sids.includes(leaver.call_sid), 'left before its page: not listed');
      assert.ok(sids.includes(joined[0].call_sid), 'joined: listed at the end');
    });

    it('previous_page_uri goes back one page, and is null on page 0', async () => {
      space.addParticipants(conf, 10);
      const all = space.participants(conf).map((p) => p.call_sid);
      const p0 = (await getJson<ListPage>(`${base()}?PageSize=4`)).body;
      const p1 = (await getJson<ListPage>(p0.next_page_uri!)).body;
      assert.equal(p1.page, 1);
      assert.deepEqual(p1.participants.map((p) => p.call_sid), all.slice(4, 8));
      assert.match(p1.previous_page_uri!, /\?Page=0&PageSize=4&PageToken=PB\d+$/);
      const back = (await getJson<ListPage>(p1.previous_page_uri!)).body;
      assert.equal(back.previous_page_uri, null);
      assert.deepEqual(back.participants.map((p) => p.call_sid), all.slice(0, 4));
      assert.deepEqual(back.next_page_uri, p0.next_page_uri);
      const p2 = (await getJson<ListPage>(p1.next_page_uri!)).body;
      assert.deepEqual(p2.participants.map((p) => p.call_sid), all.slice(8));
      assert.equal(p2.next_page_uri, null);
    });

    it('filters by Muted and Hold and carries the filters into paging URIs', async () => {
      for (let i = 0; i < 12; i++) space.addParticipant(conf, { muted: i % 2 === 0, hold: i % 3 === 0 });
      const muted = await walk(`${base()}?Muted=true&PageSize=2`);
      assert.equal(muted.length, 6);
      assert.ok(muted.every((p) => p.muted));
      const both = await walk(`${base()}?Muted=true&Hold=true&PageSize=1`);
      assert.equal(both.length, 2); // i = 0, 6
      assert.ok(both.every((p) => p.muted && p.hold));
      const { body } = await getJson<ListPage>(`${base()}?Hold=false&PageSize=3`);
      assert.ok(body.next_page_uri!.endsWith('&Hold=false'));
      assert.equal(body.first_page_uri, `${base()}?PageSize=3&Hold=false`);
    });

    it('updateParticipant changes what the API returns and bumps date_updated', async () => {
      const p = space.addParticipant(conf, { date_created: 'Tue, 14 Aug 2018 19:37:39 +0000' });
      assert.equal(p.date_updated, 'Tue, 14 Aug 2018 19:37:39 +0000');
      space.updateParticipant(conf, p.call_sid, { hold: true });
      const { body } = await getJson<FakeParticipant>(`${base()}/${p.call_sid}`);
      assert.equal(body.hold, true);
      assert.notEqual(body.date_updated, p.date_updated);
      assert.deepEqual(Object.keys(body), PARTICIPANT_KEYS);
    });

    it('holds 100,000 participants and lists each once, in joining order, 1000 a page, with the request log off', async function () {
      // What the fake must do at the size the benchmarks use; how fast is theirs to measure. The
      // timeout only guards against a hang.
      this.timeout(120_000);
      space.addParticipants(conf, 100_000);
      assert.equal(space.participantCount(conf), 100_000);
      space.recordRequests = false;
      let pages = 0;
      const seen = await walk(`${base()}?PageSize=1000`, () => pages++);
      assert.equal(pages, 100);
      const sids = seen.map((p) => p.call_sid);
      assert.equal(new Set(sids).size, 100_000);
      assert.deepEqual(sids, space.participants(conf).map((p) => p.call_sid));
      assert.equal(space.requests.length, 0);
    });
  });

  describe('calls (GET /Calls/{Sid})', () => {
    const callPath = (sid: string, form: 'A' | 'B' = 'A'): string =>
      `${form === 'A' ? '/api/laml/2010-04-01' : '/2010-04-01'}/Accounts/${space.projectId}/Calls/${sid}`;

    it("answers a participant's call with exactly the vendor spec's fields, on both path forms, with or without .json", async () => {
      const p = space.addParticipant(conf);
      for (const path of [callPath(p.call_sid), callPath(p.call_sid) + '.json', callPath(p.call_sid, 'B') + '.json', callPath(p.call_sid, 'B')]) {
        const { status, body, res } = await getJson<FakeCall>(path);
        assert.equal(status, 200, path);
        assert.equal(res.headers.get('content-type'), 'application/json');
        assert.deepEqual(Object.keys(body), CALL_KEYS);
        assert.deepEqual(body, space.call(p.call_sid));
      }
      const call = space.call(p.call_sid)!;
      assert.equal(call.sid, p.call_sid);
      assert.equal(call.account_sid, space.projectId);
      assert.equal(call.direction, 'inbound');
      assert.equal(call.status, 'in-progress');
      assert.match(call.from, /^\+1\d{3}5550[1]\d{2}$/, 'a fictional caller number');
      assert.equal(call.to, SPACE_NUMBER);
      assert.equal(call.formatted_from, formatNumber(call.from));
      assert.match(call.formatted_from, /^\(\d{3}\) 555-01\d{2}$/);
      assert.equal(call.from_formatted, call.formatted_from);
      assert.equal(call.to_formatted, call.formatted_to);
      assert.equal(call.caller_name, null, 'the vendor spec: always null');
      assert.equal(call.start_time, p.date_created);
      assert.match(call.start_time!, RFC2822);
      assert.equal(call.end_time, null);
      assert.equal(call.duration, 0);
      assert.equal(call.api_version, '2010-04-01');
      assert.equal(call.uri, `/api/laml/2010-04-01/Accounts/${space.projectId}/Calls/${p.call_sid}.json`);
      assert.deepEqual(call.subresource_uris, { notifications: null, recordings: `/api/laml/2010-04-01/Accounts/${space.projectId}/Calls/${p.call_sid}/Recordings.json` });
    });

    it('gives every participant a call, bulk-added ones too, with varied caller numbers', async () => {
      space.addParticipants(conf, 50);
      const calls = space.participants(conf).map((p) => space.call(p.call_sid));
      assert.ok(calls.every((c) => c && c.status === 'in-progress' && /^\+1\d{10}$/.test(c.from)));
      assert.ok(new Set(calls.map((c) => c!.from)).size >= 40, 'caller numbers repeat too often');
      const { status, body } = await getJson<FakeCall>(callPath(calls[49]!.sid));
      assert.equal(status, 200);
      assert.equal(body.from, calls[49]!.from);
    });

    it('takes the call fields a test gives: number, caller name, direction, start time', async () => {
      const p = space.addParticipant(conf, {}, { from: '+13103384645', callerName: 'Ada Lovelace', startTime: 'Wed, 19 Sep 2018 20:00:01 +0000' });
      const { body } = await getJson<FakeCall>(callPath(p.call_sid));
      assert.equal(body.from, '+13103384645');
      assert.equal(body.formatted_from, '(310) 338-4645');
      assert.equal(body.caller_name, 'Ada Lovelace');
      assert.equal(body.start_time, 'Wed, 19 Sep 2018 20:00:01 +0000');
      assert.equal(body.date_created, 'Wed, 19 Sep 2018 20:00:01 +0000');
      const out = space.addParticipant(conf, {}, { direction: 'outbound' });
      const o = space.call(out.call_sid)!;
      assert.equal(o.direction, 'outbound');
      assert.equal(o.from, SPACE_NUMBER, 'outbound: the space dialled the person');
      assert.match(o.to, /^\+1\d{10}$/);
      const alone = space.addCall({ from: 'sip:alice@example.com' });
      assert.equal(alone.formatted_from, 'sip:alice@example.com', 'only North American numbers are formatted');
      assert.equal((await getJson<FakeCall>(callPath(alone.sid))).body.from, 'sip:alice@example.com');
    });

    it('keeps the call of a participant who left: completed, with end time and duration', async () => {
      const p = space.addParticipant(conf, { date_created: 'Tue, 14 Aug 2018 19:37:39 +0000' });
      space.removeParticipant(conf, p.call_sid);
      assert.equal((await get(`${base()}/${p.call_sid}`)).status, 404, 'the participant is gone');
      const { status, body } = await getJson<FakeCall>(callPath(p.call_sid));
      assert.equal(status, 200, 'its call is not');
      assert.equal(body.status, 'completed');
      assert.match(body.end_time!, RFC2822);
      assert.ok(body.duration > 0);
      assert.equal(body.date_updated, body.end_time);
      // A conference that is removed ends the calls of everyone in it.
      const q = space.addParticipant(conf);
      space.removeConference(conf);
      assert.equal(space.call(q.call_sid)!.status, 'completed');
    });

    it('forgets the oldest ended calls beyond maxEndedCalls', () => {
      space.maxEndedCalls = 3;
      const ps = Array.from({ length: 5 }, () => space.addParticipant(conf));
      for (const p of ps) space.removeParticipant(conf, p.call_sid);
      assert.deepEqual(ps.map((p) => space.call(p.call_sid) !== undefined), [false, false, true, true, true]);
    });

    it('answers 404 with the API error body for an unknown or forgotten call, 401 for another account, 405 for other methods', async () => {
      const p = space.addParticipant(conf);
      assert.equal(space.removeCall(p.call_sid), true);
      assert.ok(space.participant(conf, p.call_sid), 'the participant stays');
      for (const path of [callPath(p.call_sid), callPath('nope') + '.json', callPath('a/b')]) {
        const res = await get(path);
        assert.equal(res.status, 404, path);
        const body = await res.json();
        assert.deepEqual(Object.keys(body), ['code', 'message', 'more_info', 'status']);
        assert.equal(body.code, 20404);
        assert.equal(body.status, 404);
      }
      const q = space.addParticipant(conf);
      assert.equal((await get(callPath(q.call_sid).replace(space.projectId, 'someone-else'))).status, 401);
      assert.equal((await get(callPath(q.call_sid), {})).status, 401, 'Basic auth is required');
      const res = await get(callPath(q.call_sid), { authorization: auth }, { method: 'POST', body: 'Status=completed' });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET');
      assert.deepEqual(space.requests.slice(-3).map((r) => r.path), [
        callPath(q.call_sid).replace(space.projectId, 'someone-else'), callPath(q.call_sid), callPath(q.call_sid),
      ]);
    });

    it('serves call and participant faults alike (one fault per request, whatever the path)', async () => {
      const p = space.addParticipant(conf);
      space.injectFaults({ kind: 'status', status: 500 });
      assert.equal((await get(callPath(p.call_sid))).status, 500);
      assert.equal((await get(callPath(p.call_sid))).status, 200);
    });
  });

  describe('conference lifecycle', () => {

    it('an ended conference stays ended: completed, no participants listed (200, empty), each one 404, and nobody can join it', async () => {
      const [p] = [space.addParticipant(conf), space.addParticipant(conf)];
      assert.equal((await write(confPath(conf), 'POST', { Status: 'completed' })).status, 200);
      assert.equal(space.conferenceStatus(conf), 'completed');
      assert.equal((await getJson<{ status: string }>(confPath(conf))).body.status, 'completed');
      const listed = await getJson<ListPage>(base());
      assert.equal(listed.status, 200, 'the conference is known');
      assert.deepEqual(listed.body.participants, [], 'the API lists active participants only');
      assert.equal((await get(`${base()}/${p.call_sid}`)).status, 404);
      assert.equal((await write(`${base()}/${p.call_sid}`, 'POST', { Muted: 'true' })).status, 404);
      assert.equal((await write(`${base()}/${p.call_sid}`, 'DELETE')).status, 404);
      const inProgress = await getJson<{ conferences: { sid: string }[] }>(`/api/laml/2010-04-01/Accounts/${space.projectId}/Conferences?Status=in-progress`);
      assert.ok(!inProgress.body.conferences.some((c) => c.sid === conf));
      assert.throws(() => space.addParticipant(conf), /has ended/);
      assert.throws(() => space.addParticipants(conf, 2), /has ended/);
      assert.deepEqual(space.participants(conf), []);
    });

    it('removeConference ends it too, and forgets it: its list answers 404', async () => {
      const p = space.addParticipant(conf);
      space.removeConference(conf);
      assert.equal(space.conference(conf)!.status, 'completed');
      assert.equal(space.call(p.call_sid)!.status, 'completed');
      assert.equal((await get(base())).status, 404);
    });
  });

  describe('onApiWrite: the writes made through the API, for the conference simulator', () => {

    it('reports each write after it is made and answered: an update (before and after), a remove, an end (who was in it)', async () => {
      const [a, b, c] = [space.addParticipant(conf), space.addParticipant(conf), space.addParticipant(conf)];
      const seen: { w: ApiWrite; stateThen: FakeParticipant | undefined }[] = [];
      space.onApiWrite((w) => seen.push({ w, stateThen: w.kind === 'conference-ended' ? undefined : space.participant(conf, a.call_sid) }));
      const res = await write(`${base()}/${a.call_sid}`, 'POST', { Muted: 'true', Hold: 'true' });
      assert.equal(res.status, 200);
      const answered = (await res.json()) as FakeParticipant;
      assert.equal(seen.length, 1, 'reported by the time the answer arrives');
      const [{ w: update, stateThen }] = seen;
      assert.equal(update.kind, 'participant-updated');
      if (update.kind !== 'participant-updated') return;
      assert.equal(update.conferenceSid, conf);
      assert.deepEqual(update.before, a);
      assert.deepEqual(update.after, answered);
      assert.deepEqual([update.after.muted, update.after.hold], [true, true]);
      assert.deepEqual(stateThen, answered, 'after the change');
      assert.equal((await write(`${base()}/${b.call_sid}`, 'DELETE')).status, 204);
      assert.deepEqual(seen[1].w, { kind: 'participant-removed', conferenceSid: conf, participant: b });
      assert.equal((await write(confPath(conf), 'POST', { Status: 'completed' })).status, 200);
      const end = seen[2].w;
      assert.equal(end.kind, 'conference-ended');
      if (end.kind !== 'conference-ended') return;
      assert.deepEqual(end.participants.map((p) => p.call_sid), [a.call_sid, c.call_sid]);
      assert.equal(seen.length, 3);
    });

    it('reports nothing for a refused write, an end of an ended conference, an announcement or a change made by its methods; a listener that throws changes nothing; the returned function stops it', async () => {
      const a = space.addParticipant(conf);
      const seen: ApiWrite[] = [];
      space.onApiWrite(() => {
        throw new Error('a broken listener');
      });
      const stop = space.onApiWrite((w) => seen.push(w));
      assert.equal((await write(`${base()}/${a.call_sid}`, 'POST', { Muted: 'yes' })).status, 400);
      assert.equal((await write(`${base()}/nobody`, 'DELETE')).status, 404);
      assert.equal((await write(confPath(conf), 'POST', { AnnounceUrl: 'https://example.com/a.xml' })).status, 200);
      space.updateParticipant(conf, a.call_sid, { muted: true });
      space.removeParticipant(conf, a.call_sid);
      assert.deepEqual(seen, []);
      const b = space.addParticipant(conf);
      const res = await write(`${base()}/${b.call_sid}`, 'POST', { Hold: 'true' });
      assert.equal(res.status, 200, 'a listener that throws does not change the answer');
      assert.equal(seen.length, 1);
      space.endConference(conf);
      assert.equal((await write(confPath(conf), 'POST', { Status: 'completed' })).status, 200);
      assert.equal(seen.length, 1, 'ended already: no change');
      stop();
      const other = space.addConference();
      const c = space.addParticipant(other);
      assert.equal((await write(`${confPath(other)}/Participants/${c.call_sid}`, 'DELETE')).status, 204);
      assert.equal(seen.length, 1);
    });
  });

  describe('faults', () => {
    it('status faults: json, html, empty, raw string, Retry-After; one per request, then normal service', async () => {
      space.injectFaults(
        { kind: 'status', status: 429, retryAfter: '7' },
        { kind: 'status', status: 502, body: 'html' },
        { kind: 'status', status: 503, body: 'empty', retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' },
        { kind: 'status', status: 500, body: '{"code": 2' },
      );
      let res = await get(base());
      assert.equal(res.status, 429);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.deepEqual(await res.json(), { code: 20429, message: 'Too Many Requests', more_info: MORE_INFO, status: 429 });
      res = await get(base());
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('content-type'), 'text/html');
      assert.match(await res.text(), /502 Bad Gateway/);
      res = await get(base());
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), 'Wed, 21 Oct 2015 07:28:00 GMT');
      assert.equal(await res.text(), '');
      res = await get(base());
      assert.equal(res.status, 500);
      assert.equal(await res.text(), '{"code": 2');
      assert.equal((await get(base())).status, 200);
      assert.equal(space.pendingFaults, 0);
    });

    it('hang: never answers until close(), which ends the held request instead of waiting for it', async () => {
      space.injectFaults({ kind: 'hang' });
      const pending = get(base()).then(
        () => 'answered',
        () => 'failed',
      );
      await waitUntil(() => space.inFlight === 1, 5000, 'the request did not arrive');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(space.inFlight, 1, 'still held');
      // A close() that waited for the held request would never end: the test's timeout is the guard.
      await space.close();
      assert.equal(await pending, 'failed');
    });

    it('drop: destroys the socket without answering', async () => {
      space.injectFaults({ kind: 'drop' });
      await assert.rejects(get(base()));
      assert.equal((await get(base())).status, 200);
    });

    it('redirect: answers 302 (or the given status) with Location', async () => {
      space.injectFaults({ kind: 'redirect', location: 'http://evil.example/x' }, { kind: 'redirect', location: '/y', status: 307 });
      let res = await get(base(), { authorization: auth }, { redirect: 'manual' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'http://evil.example/x');
      res = await get(base(), { authorization: auth }, { redirect: 'manual' });
      assert.equal(res.status, 307);
      assert.equal(res.headers.get('location'), '/y');
    });

    it('delay and latencyMs: answer normally, later', async () => {
      space.injectFaults({ kind: 'delay', ms: 150 });
      let t = Date.now();
      assert.equal((await get(base())).status, 200);
      assert.ok(Date.now() - t >= 140);
      space.latencyMs = 60;
      t = Date.now();
      const all = await Promise.all(Array.from({ length: 10 }, () => get(base())));
      assert.ok(all.every((r) => r.status === 200));
      assert.ok(Date.now() - t >= 55);
      assert.equal(space.maxInFlight, 10);
      await Promise.all(all.map((r) => r.arrayBuffer()));
      assert.equal(space.inFlight, 0);
    });
  });

  describe('pagingQuirk', () => {
    it("'repeat-next' repeats the first page's next_page_uri on every page", async () => {
      space.addParticipants(conf, 10);
      space.pagingQuirk = 'repeat-next';
      const p0 = (await getJson<ListPage>(`${base()}?PageSize=3`)).body;
      const p1 = (await getJson<ListPage>(p0.next_page_uri!)).body;
      const p2 = (await getJson<ListPage>(p1.next_page_uri!)).body;
      assert.ok(p0.next_page_uri);
      assert.equal(p1.next_page_uri, p0.next_page_uri);
      assert.equal(p2.next_page_uri, p0.next_page_uri);
      assert.deepEqual(p2.participants, p1.participants);
    });

    it('{ nextPageUri } replaces every non-null next_page_uri', async () => {
      space.addParticipants(conf, 4);
      space.pagingQuirk = { nextPageUri: 'https://other.example/steal' };
      assert.equal((await getJson<ListPage>(`${base()}?PageSize=3`)).body.next_page_uri, 'https://other.example/steal');
      assert.equal((await getJson<ListPage>(`${base()}?PageSize=4`)).body.next_page_uri, null);
    });
  });

  it('keeps connections alive across requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      space.resetStats();
      for (let i = 0; i < 5; i++) {
        const status = await new Promise<number>((resolve, reject) => {
          http.get(origin + base(), { agent, headers: { authorization: auth } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          }).on('error', reject);
        });
        assert.equal(status, 200);
      }
      assert.equal(space.totalConnections, 1);
      assert.equal(space.requests.length, 5);
    } finally {
      agent.destroy();
    }
  });
});
