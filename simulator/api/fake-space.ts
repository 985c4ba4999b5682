// A fake SignalWire space: a real HTTP server on loopback that answers the Compatibility (LaML)
// API's conference, participant and conference recording endpoints and `GET /Calls/{Sid}`, with
// fault injection for client tests.
import type * as http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { CallFields, callObject, CallRecord, FakeCall, makeCallRecord } from './calls';
import { apiError } from './errors';
import { type ApiRequest, LoopbackServer, sendBody } from './loopback-server';
import { ConferenceState, Cursor, FakeParticipant, makeParticipant, PageFilter, PARTICIPANT_KEYS } from './participants';
import { FakeRecording, makeRecording, RecordingLife, RecordingStatus, RecordingUpdateError } from './recordings';
import { rfc2822 } from './rfc2822';

export type { FakeParticipant } from './participants';
export type { CallFields, FakeCall } from './calls';
export type { FakeRecording, RecordingStatus } from './recordings';

export interface FakeSpaceOptions {
  projectId?: string;
  apiToken?: string;
  host?: string;
  port?: number;
  latencyMs?: number;
  voiceScope?: boolean;
}

/** What a write asked the space to play: every AnnounceUrl accepted, in order. */
export interface Announcement {
  conferenceSid: string;
  /** The participant's call; null for an announcement to the whole conference. */
  callSid: string | null;
  url: string;
  method: string;
}

/**
 * A change made through the API (a POST or DELETE the space answered 2xx), reported after the
 * change and its answer: what SignalWire follows with status callbacks. Changes made by calling
 * the methods of FakeSpace are not reported.
 */
export type ApiWrite =
  | { kind: 'participant-updated'; conferenceSid: string; before: FakeParticipant; after: FakeParticipant }
  | { kind: 'participant-removed'; conferenceSid: string; participant: FakeParticipant }
  /** `participants`: who was in the conference when it ended. */
  | { kind: 'conference-ended'; conferenceSid: string; participants: FakeParticipant[] };

/** The parameters of a participant update (vendor spec UpdateConferenceParticipantRequest). */
const PARTICIPANT_UPDATE_PARAMS = ['Muted', 'Hold', 'HoldUrl', 'HoldMethod', 'AnnounceUrl', 'AnnounceMethod', 'WaitUrl', 'WaitMethod', 'Coaching', 'CallSidToCoach'];
/** The parameters of a conference update (vendor spec UpdateConferenceRequest). */
const CONFERENCE_UPDATE_PARAMS = ['Status', 'AnnounceUrl', 'AnnounceMethod'];
/** A write's form, checked as the API checks it: known names, true/false, GET/POST, http(s) URLs. */
function checkForm(form: URLSearchParams, known: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of form) {
    if (!known.includes(name)) throw new BadRequest(`Invalid parameter ${name}`);
    if ((name === 'Muted' || name === 'Hold' || name === 'Coaching') && value !== 'true' && value !== 'false') {
      throw new BadRequest(`Invalid ${name}: must be true or false`);
    }
    if (/Method$/.test(name) && value !== 'GET' && value !== 'POST') throw new BadRequest(`Invalid ${name}: must be GET or POST`);
    if (/Url$/.test(name) && !/^https?:\/\/[^\s/?#]+/.test(value)) throw new BadRequest(`Invalid ${name}: must be an http or https URL`);
    if (name === 'Status' && value !== 'completed') throw new BadRequest('Invalid Status: only completed is allowed');
    out.set(name, value);
  }
  if (out.get('Coaching') === 'true' && !out.has('CallSidToCoach')) throw new BadRequest('Coaching requires CallSidToCoach');
  return out;
}

export type PagingQuirk = null | 'repeat-next' | { nextPageUri: string };

// Both path forms the service answers: the documented one and the official JS SDK's.
const BASES = ['/api/laml/2010-04-01/', '/2010-04-01/'];

const JSON_TYPE = 'application/json'; // JSON is UTF-8 by definition (RFC 8259), no charset needed

interface Route {
  accountSid: string;
  conferenceSid: string;
  callSid: string | null;
}

/**
 * A path under an API root as its AccountSid and the segments after it, each percent-decoded,
 * ".json" dropped; null when it is not `{root}/Accounts/{sid}/...` or an escape is malformed.
 */
function accountRoute(pathname: string): { accountSid: string; seg: string[] } | null {
  const base = BASES.find((b) => pathname.startsWith(b));
  if (base === undefined) return null;
  let rest = pathname.slice(base.length);
  if (rest.endsWith('.json')) rest = rest.slice(0, -5);
  const raw = rest.split('/');
  if (raw[0] !== 'Accounts' || raw.length < 3) return null;
  try {
    const [accountSid, ...seg] = raw.slice(1).map(decodeURIComponent);
    return accountSid ? { accountSid, seg } : null;
  } catch {
    return null; // malformed percent-encoding
  }
}

/** Parses a participants path; null when it is not one. Segments are percent-decoded. */
export function parseRoute(pathname: string): Route | null {
  const r = accountRoute(pathname);
  if (!r || (r.seg.length !== 3 && r.seg.length !== 4) || r.seg[0] !== 'Conferences' || r.seg[2] !== 'Participants') return null;
  const [, conferenceSid, , callSid] = r.seg;
  if (!conferenceSid || callSid === '') return null;
  return { accountSid: r.accountSid, conferenceSid, callSid: callSid ?? null };
}

/** AccountSid and call SID of a `.../Accounts/{sid}/Calls/{sid}[.json]` path; null when it is not one. */
export function parseCallRoute(pathname: string): { accountSid: string; callSid: string } | null {
  const r = accountRoute(pathname);
  if (!r || r.seg.length !== 2 || r.seg[0] !== 'Calls' || !r.seg[1]) return null;
  return { accountSid: r.accountSid, callSid: r.seg[1] };
}

/** The AccountSid of a `.../Accounts/{sid}/Conferences` path; null when it is not one. */
export function parseConferencesRoute(pathname: string): string | null {
  const r = accountRoute(pathname);
  return r && r.seg.length === 1 && r.seg[0] === 'Conferences' ? r.accountSid : null;
}

/** AccountSid and conference SID of a `.../Accounts/{sid}/Conferences/{sid}[.json]` path; null when it is not one. */
export function parseConferenceRoute(pathname: string): { accountSid: string; conferenceSid: string } | null {
  const r = accountRoute(pathname);
  if (!r || r.seg.length !== 2 || r.seg[0] !== 'Conferences' || !r.seg[1]) return null;
  return { accountSid: r.accountSid, conferenceSid: r.seg[1] };
}

/** AccountSid, conference SID and recording SID (null: the list) of a `.../Conferences/{sid}/Recordings[/{sid}]` path. */
export function parseRecordingsRoute(pathname: string): { accountSid: string; conferenceSid: string; recordingSid: string | null } | null {
  const r = accountRoute(pathname);
  if (!r || (r.seg.length !== 3 && r.seg.length !== 4) || r.seg[0] !== 'Conferences' || r.seg[2] !== 'Recordings' || !r.seg[1] || r.seg[3] === '') return null;
  return { accountSid: r.accountSid, conferenceSid: r.seg[1], recordingSid: r.seg[3] ?? null };
}

/** A conference exactly as the vendor spec's ConferenceResponse, in its order. */
export interface FakeConference {
  sid: string;
  account_sid: string;
  date_created: string;
  date_updated: string;
  friendly_name: string;
  status: 'init' | 'in-progress' | 'completed';
  api_version: string;
  region: string;
  uri: string;
  subresource_uris: { participants: string; recordings: string };
}

export const CONFERENCE_KEYS: readonly (keyof FakeConference)[] = [
  'sid', 'account_sid', 'date_created', 'date_updated', 'friendly_name', 'status', 'api_version', 'region', 'uri', 'subresource_uris',
];

/** The list conferences filters, by query parameter name (the `<`/`>` belong to the name). */
export const CONFERENCE_FILTER_NAMES = ['FriendlyName', 'Status', 'DateCreated', 'DateCreated<', 'DateCreated>', 'DateUpdated', 'DateUpdated<', 'DateUpdated>'] as const;
/** The list conference recordings filters. */
export const RECORDING_FILTER_NAMES = ['DateCreated', 'DateCreated<', 'DateCreated>'] as const;

/** How a service reads `DateCreated<` / `DateCreated>`: SignalWire "before/after", Twilio "on or before/after". */
export type DateBounds = 'exclusive' | 'inclusive';

/**
 * The conferences of an account, with the list filters and cursor paging (PA<seq>: after seq,
 * PB<seq>: the page before seq) shared by the SignalWire and the Twilio-shaped fakes.
 */
export class ConferenceRecords<C extends { sid: string; status: string; friendly_name?: string; date_created: string; date_updated: string }> {
  private readonly bySid = new Map<string, { seq: number; c: C }>();
  private seq = 0;
  /** Completed conferences kept (the API keeps them); the oldest beyond this are forgotten. */
  maxCompleted = 10_000;

  put(c: C): C {
    this.bySid.delete(c.sid);
    this.bySid.set(c.sid, { seq: ++this.seq, c });
    let completed = 0;
    for (const e of this.bySid.values()) if (e.c.status === 'completed') completed++;
    if (completed > this.maxCompleted) {
      for (const [sid, e] of this.bySid) {
        if (e.c.status === 'completed') {
          this.bySid.delete(sid);
          break;
        }
      }
    }
    return c;
  }

  get(sid: string): C | undefined {
    return this.bySid.get(sid)?.c;
  }

  /** Forgets a record (a deleted recording); false when there was none. */
  delete(sid: string): boolean {
    return this.bySid.delete(sid);
  }

  all(): C[] {
    return [...this.bySid.values()].map((e) => e.c);
  }

  /** The filters of a list query, checked as the API checks them: the filters, or the 400 message. */
  static filters(q: URLSearchParams, names: readonly string[] = CONFERENCE_FILTER_NAMES): { filter: Map<string, string>; qs: string } | { error: string } {
    const filter = new Map<string, string>();
    let qs = '';
    for (const name of names) {
      const v = q.get(name);
      if (v === null) continue;
      if (name === 'FriendlyName') {
        if (v.length > 64) return { error: 'Invalid FriendlyName: at most 64 characters' };
      } else if (name === 'Status') {
        if (!['init', 'in-progress', 'completed'].includes(v)) return { error: 'Invalid Status: must be init, in-progress or completed' };
      } else if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
        return { error: `Invalid ${name}: must be a date YYYY-MM-DD` };
      }
      filter.set(name, v);
      qs += `&${encodeURIComponent(name)}=${encodeURIComponent(v)}`;
    }
    return { filter, qs };
  }

  /** One page of the conferences matching `filter`, after or before a cursor. */
  page(filter: Map<string, string>, bounds: DateBounds, pageSize: number, cursor: Cursor | null): { items: C[]; nextSeq: number | null; prevSeq: number } {
    const day = (rfc: string): string => new Date(Date.parse(rfc)).toISOString().slice(0, 10);
    const matches = (c: C): boolean => {
      for (const [name, v] of filter) {
        if (name === 'FriendlyName' && c.friendly_name !== v) return false;
        if (name === 'Status' && c.status !== v) return false;
        const m = /^Date(Created|Updated)([<>]?)$/.exec(name);
        if (m) {
          const d = day(m[1] === 'Created' ? c.date_created : c.date_updated);
          if (m[2] === '' && d !== v) return false;
          if (m[2] === '<' && !(d < v || (bounds === 'inclusive' && d === v))) return false;
          if (m[2] === '>' && !(d > v || (bounds === 'inclusive' && d === v))) return false;
        }
      }
      return true;
    };
    const entries = [...this.bySid.values()].sort((a, b) => a.seq - b.seq).filter((e) => matches(e.c));
    let slice: typeof entries;
    if (!cursor || cursor.dir === 'A') {
      const after = cursor ? cursor.seq : 0;
      const rest = entries.filter((e) => e.seq > after);
      slice = rest.slice(0, pageSize);
      const more = rest.length > pageSize;
      return { items: slice.map((e) => e.c), nextSeq: more ? slice[slice.length - 1].seq : null, prevSeq: slice.length ? slice[0].seq : after + 1 };
    }
    const before = entries.filter((e) => e.seq < cursor.seq);
    slice = before.slice(Math.max(0, before.length - pageSize));
    const last = slice.length ? slice[slice.length - 1].seq : cursor.seq - 1;
    return { items: slice.map((e) => e.c), nextSeq: entries.some((e) => e.seq > last) ? last : null, prevSeq: slice.length ? slice[0].seq : cursor.seq };
  }
}

/** A request the API refuses with a 400: thrown before anything changed, answered by FakeSpace.serve. */
class BadRequest extends Error {}

interface ListQuery {
  filter: PageFilter;
  filterQs: string; // "&Muted=..&Hold=.." appended to every paging URI
  page: number;
  pageSize: number;
  cursor: Cursor | null;
}

function parseListQuery(q: URLSearchParams, participantFilters = true): ListQuery {
  const filter: PageFilter = {};
  let filterQs = '';
  for (const name of participantFilters ? (['Muted', 'Hold'] as const) : []) {
    const v = q.get(name);
    if (v === null) continue;
    if (v !== 'true' && v !== 'false') throw new BadRequest(`Invalid ${name}: must be true or false`);
    filter[name === 'Muted' ? 'muted' : 'hold'] = v === 'true';
    filterQs += `&${name}=${v}`;
  }
  const ps = q.get('PageSize');
  let pageSize = 50;
  if (ps !== null) {
    pageSize = /^\d{1,7}$/.test(ps) ? Number(ps) : NaN;
    if (!(pageSize >= 1 && pageSize <= 1000)) throw new BadRequest('Invalid PageSize: must be an integer between 1 and 1000');
  }
  const pg = q.get('Page');
  let page = 0;
  if (pg !== null) {
    if (!/^\d{1,9}$/.test(pg)) throw new BadRequest('Invalid Page: must be an integer >= 0');
    page = Number(pg);
  }
  const tok = q.get('PageToken');
  let cursor: Cursor | null = null;
  if (tok !== null) {
    const m = /^P([AB])(\d{1,15})$/.exec(tok);
    if (!m) throw new BadRequest('Invalid PageToken: must start with PA or PB');
    cursor = { dir: m[1] as 'A' | 'B', seq: Number(m[2]) };
  }
  // Twilio-compatible services refuse deep Page numbers without the cursor.
  if (page > 0 && !cursor) throw new BadRequest('Page > 0 requires the PageToken from next_page_uri');
  return { filter, filterQs, page, pageSize, cursor };
}

export class FakeSpace extends LoopbackServer {
  readonly projectId: string;
  readonly apiToken: string;
  voiceScope: boolean;
  pagingQuirk: PagingQuirk = null;
  /** Every announcement a write asked for (participant or conference), oldest first. */
  announcements: Announcement[] = [];

  /** Calls that have ended stay retrievable (as the API keeps them); the oldest beyond this are forgotten. */
  maxEndedCalls = 10_000;

  private readonly confs = new Map<string, ConferenceState>();
  /** Conferences ended by endConference() or a POST Status=completed. */
  private readonly endedConferences = new Set<string>();
  /** Every conference of the account, as `GET /Conferences[/{Sid}]` answers; kept after it ends. */
  private readonly conferenceRecords = new ConferenceRecords<FakeConference>();
  /** Each conference's recordings, as `GET .../Recordings` lists them; kept after the conference ends. */
  private readonly recordingLists = new Map<string, ConferenceRecords<FakeRecording>>();
  /** Each recording's life (status, pauses, end), by recording SID. */
  private readonly recordingLives = new Map<string, RecordingLife>();
  private readonly activeCalls = new Map<string, CallRecord>();
  private readonly endedCalls = new Map<string, CallRecord>();
  private callSeq = 0;
  private readonly writeListeners = new Set<(w: ApiWrite) => void>();
  private readonly recordingListeners = new Set<(recording: FakeRecording, previous: RecordingStatus) => void>();

  constructor(opts: FakeSpaceOptions = {}) {
    const projectId = opts.projectId ?? randomUUID();
    const apiToken = opts.apiToken ?? `PT${randomBytes(24).toString('hex')}`;
    super({ user: projectId, password: apiToken, host: opts.host, port: opts.port, latencyMs: opts.latencyMs });
    this.projectId = projectId;
    this.apiToken = apiToken;
    this.voiceScope = opts.voiceScope ?? true;
  }

  // ---------------------------------------------------------------- API writes

  /**
   * Calls `listener` after each change made through the API (see ApiWrite), once the answer is
   * written; a listener that throws changes nothing for the space. Returns what stops it.
   */
  onApiWrite(listener: (w: ApiWrite) => void): () => void {
    this.writeListeners.add(listener);
    return () => {
      this.writeListeners.delete(listener);
    };
  }

  /**
   * Calls `listener` after each change of a recording's status (an update request,
   * setRecordingStatus, its conference ending), with the recording as it is now and its status
   * before: where a simulator hooks in to send recording status callbacks. A listener that throws
   * changes nothing for the space. Returns what stops it.
   */
  onRecordingChange(listener: (recording: FakeRecording, previous: RecordingStatus) => void): () => void {
    this.recordingListeners.add(listener);
    return () => {
      this.recordingListeners.delete(listener);
    };
  }

  private reportWrite(w: ApiWrite): void {
    for (const listener of this.writeListeners) {
      try {
        listener(w);
      } catch {
        // a listener's bug must not break the space (it answered already)
      }
    }
  }

  // ---------------------------------------------------------------- state

  /**
   * A conference in progress (`fields` may set its friendly name, status and dates); `GET
   * /Conferences` lists it and `GET /Conferences/{sid}` answers it.
   */
  addConference(sid: string = randomUUID(), fields: Partial<Omit<FakeConference, 'sid'>> = {}): string {
    if (this.confs.has(sid)) throw new Error(`conference ${sid} already exists`);
    this.confs.set(sid, new ConferenceState(sid));
    this.conferenceRecords.put(this.makeConference(sid, fields));
    return sid;
  }

  /** A conference that has ended already (status completed): listed and retrievable, no participants. */
  addCompletedConference(sid: string = randomUUID(), fields: Partial<Omit<FakeConference, 'sid'>> = {}): string {
    if (this.confs.has(sid)) throw new Error(`conference ${sid} is in progress`);
    this.conferenceRecords.put(this.makeConference(sid, { status: 'completed', ...fields }));
    return sid;
  }

  /** The conference object `GET /Conferences/{sid}` answers, or undefined (404). */
  conference(sid: string): FakeConference | undefined {
    const c = this.conferenceRecords.get(sid);
    return c && { ...c, subresource_uris: { ...c.subresource_uris } };
  }

  /** Every conference object, in the order the listing gives them. */
  conferenceObjects(): FakeConference[] {
    return this.conferenceRecords.all().map((c) => ({ ...c, subresource_uris: { ...c.subresource_uris } }));
  }

  /** Changes a conference's fields (not its SID); date_updated moves unless given. */
  updateConference(sid: string, patch: Partial<Omit<FakeConference, 'sid'>>): FakeConference {
    const c = this.conferenceRecords.get(sid);
    if (!c) throw new Error(`unknown conference ${sid}`);
    const target = c as unknown as Record<string, unknown>;
    for (const k of CONFERENCE_KEYS) if (k !== 'sid' && (patch as Record<string, unknown>)[k] !== undefined) target[k] = (patch as Record<string, unknown>)[k];
    c.date_updated = patch.date_updated ?? rfc2822();
    return this.conference(sid)!;
  }

  private makeConference(sid: string, fields: Partial<Omit<FakeConference, 'sid'>>): FakeConference {
    const now = rfc2822();
    const account = fields.account_sid ?? this.projectId;
    const base = `/api/laml/2010-04-01/Accounts/${encodeURIComponent(account)}/Conferences/${encodeURIComponent(sid)}`;
    return {
      sid,
      account_sid: account,
      date_created: fields.date_created ?? now,
      date_updated: fields.date_updated ?? fields.date_created ?? now,
      friendly_name: fields.friendly_name ?? `conference-${sid.slice(0, 8)}`,
      status: fields.status ?? 'in-progress',
      api_version: fields.api_version ?? '2010-04-01',
      region: fields.region ?? 'us1',
      uri: fields.uri ?? `${base}.json`,
      subresource_uris: fields.subresource_uris ?? { participants: `${base}/Participants.json`, recordings: `${base}/Recordings.json` },
    };
  }

  /** The conference ends and is forgotten: its list and participants answer 404; `GET /Conferences/{sid}` says completed. */
  removeConference(sid: string): void {
    if (!this.confs.has(sid)) return;
    this.endConference(sid);
    this.confs.delete(sid);
    this.endedConferences.delete(sid);
  }

  /**
   * Ends a conference, as POST Status=completed does: every participant's call ends, its
   * participant list is empty (the API lists only active participants) and stays empty (nobody
   * joins an ended conference), its status completed. Ending it again changes nothing.
   */
  endConference(sid: string): void {
    const c = this.conf(sid);
    if (this.endedConferences.has(sid)) return;
    const now = rfc2822();
    for (const p of c.all()) this.endCall(p.call_sid, now);
    c.clear();
    this.endedConferences.add(sid);
    this.endRecordings(sid);
    const record = this.conferenceRecords.get(sid);
    if (record) {
      record.status = 'completed';
      record.date_updated = now;
    }
  }

  /** `init`, `in-progress` or `completed` (after endConference or a POST Status=completed). */
  conferenceStatus(sid: string): FakeConference['status'] {
    this.conf(sid);
    return this.endedConferences.has(sid) ? 'completed' : (this.conferenceRecords.get(sid)?.status ?? 'in-progress');
  }

  /** The conference object a write answers: its record when the account keeps one. */
  private conferenceObject(sid: string, pathname: string): FakeConference {
    const record = this.conferenceRecords.get(sid);
    if (record) return { ...record };
    const now = rfc2822();
    const uri = `${pathname.replace(/\.json$/, '')}.json`;
    return {
      sid,
      account_sid: this.projectId,
      date_created: now,
      date_updated: now,
      friendly_name: sid,
      status: this.conferenceStatus(sid),
      api_version: '2010-04-01',
      region: 'us1',
      uri,
      subresource_uris: { participants: uri.replace(/\.json$/, '/Participants.json'), recordings: uri.replace(/\.json$/, '/Recordings.json') },
    };
  }

  conferences(): string[] {
    return [...this.confs.keys()];
  }

  /**
   * A participant and its call (`GET /Calls/{call_sid}`): an inbound call from a caller number
   * unless `call` says otherwise. A call of that SID that is still in progress is kept.
   */
  addParticipant(conferenceSid: string, fields: Partial<FakeParticipant> = {}, call: Partial<CallFields> = {}): FakeParticipant {
    const c = this.liveConf(conferenceSid);
    const p = makeParticipant(this.projectId, conferenceSid, fields);
    c.add(p);
    if (!this.activeCalls.has(p.call_sid) || Object.keys(call).length > 0) {
      this.putCall(makeCallRecord(this.projectId, p.call_sid, { startTime: p.date_created, ...call }, this.callSeq++));
    }
    return { ...p };
  }

  addParticipants(conferenceSid: string, n: number): void {
    const c = this.liveConf(conferenceSid);
    const now = rfc2822();
    for (let i = 0; i < n; i++) {
      const p = makeParticipant(this.projectId, conferenceSid, {}, now);
      c.add(p);
      this.activeCalls.set(p.call_sid, makeCallRecord(this.projectId, p.call_sid, {}, this.callSeq++, now));
    }
  }

  updateParticipant(conferenceSid: string, callSid: string, patch: Partial<FakeParticipant>): FakeParticipant {
    const p = this.conf(conferenceSid).get(callSid);
    if (!p) throw new Error(`participant ${callSid} is not in conference ${conferenceSid}`);
    // The store indexes by these; changing them would corrupt it.
    if ((patch.call_sid ?? callSid) !== callSid || (patch.conference_sid ?? conferenceSid) !== conferenceSid) {
      throw new Error('call_sid and conference_sid cannot be changed');
    }
    // Assigning only known keys keeps the object's exact field set and order.
    const target = p as unknown as Record<string, unknown>;
    const src = patch as Record<string, unknown>;
    for (const k of PARTICIPANT_KEYS) if (src[k] !== undefined) target[k] = src[k];
    p.date_updated = patch.date_updated ?? rfc2822();
    return { ...p };
  }

  /** The participant leaves: its call ends (status completed) and stays retrievable. */
  removeParticipant(conferenceSid: string, callSid: string): void {
    if (!this.conf(conferenceSid).remove(callSid)) {
      throw new Error(`participant ${callSid} is not in conference ${conferenceSid}`);
    }
    this.endCall(callSid);
  }

  participants(conferenceSid: string): FakeParticipant[] {
    return this.conf(conferenceSid).all().map((p) => ({ ...p }));
  }

  participant(conferenceSid: string, callSid: string): FakeParticipant | undefined {
    const p = this.conf(conferenceSid).get(callSid);
    return p && { ...p };
  }

  participantCount(conferenceSid: string): number {
    return this.conf(conferenceSid).size;
  }

  // ---------------------------------------------------------------- recordings

  /**
   * A recording of a conference (in progress unless `fields.status` says otherwise), as
   * `<Conference record="record-from-start">` starts one: the API has no request for it.
   */
  startRecording(conferenceSid: string, fields: Partial<FakeRecording> = {}): FakeRecording {
    if (!this.conferenceRecords.get(conferenceSid)) throw new Error(`unknown conference ${conferenceSid}`);
    const sid = fields.sid ?? randomUUID();
    if (this.recordingLives.has(sid)) throw new Error(`recording ${sid} already exists`);
    const now = Date.now();
    const life = new RecordingLife(fields.status ?? 'in-progress', now);
    const r = makeRecording(this.projectId, conferenceSid, sid, fields, rfc2822(now));
    let list = this.recordingLists.get(conferenceSid);
    if (!list) this.recordingLists.set(conferenceSid, (list = new ConferenceRecords<FakeRecording>()));
    list.put(r);
    this.recordingLives.set(sid, life);
    this.renderRecording(r, life, now);
    return structuredClone(r);
  }

  /** A conference's recordings as the listing gives them (oldest first). */
  recordings(conferenceSid: string): FakeRecording[] {
    return (this.recordingLists.get(conferenceSid)?.all() ?? []).map((r) => structuredClone(r));
  }

  /** One recording as `GET .../Recordings/{sid}` answers it, or undefined (404). */
  recording(conferenceSid: string, sid: string): FakeRecording | undefined {
    const r = this.recordingLists.get(conferenceSid)?.get(sid);
    return r && structuredClone(r);
  }

  /** What the service does on its own: e.g. `completed` once a stopped recording's file is ready. */
  setRecordingStatus(conferenceSid: string, sid: string, status: RecordingStatus): FakeRecording {
    const r = this.recordingLists.get(conferenceSid)?.get(sid);
    const life = this.recordingLives.get(sid);
    if (!r || !life) throw new Error(`no recording ${sid} in conference ${conferenceSid}`);
    this.changeRecording(r, life, (now) => life.set(status, now));
    return structuredClone(r);
  }

  /** The conference ended: every recording still running is completed. */
  private endRecordings(conferenceSid: string): void {
    for (const r of this.recordingLists.get(conferenceSid)?.all() ?? []) {
      const life = this.recordingLives.get(r.sid);
      if (life && !life.ended) this.changeRecording(r, life, (now) => life.set('completed', now));
    }
  }

  /** Applies a change to a recording's life, renders it, and tells the onRecordingChange listeners when its status moved. */
  private changeRecording(r: FakeRecording, life: RecordingLife, apply: (now: number) => void): void {
    const previous = life.status;
    const now = Date.now();
    apply(now);
    this.renderRecording(r, life, now);
    if (life.status === previous) return;
    for (const listener of this.recordingListeners) {
      try {
        listener(structuredClone(r), previous);
      } catch {
        // a listener's bug must not break the space
      }
    }
  }

  private renderRecording(r: FakeRecording, life: RecordingLife, now: number): void {
    r.status = life.status;
    r.duration = life.durationSeconds(now);
    r.end_time = life.endedAt === null ? null : rfc2822(life.endedAt);
    r.date_updated = rfc2822(now);
  }

  // ---------------------------------------------------------------- calls

  /** The call object `GET /Calls/{callSid}` answers, or undefined when it answers 404. */
  call(callSid: string): FakeCall | undefined {
    const r = this.activeCalls.get(callSid) ?? this.endedCalls.get(callSid);
    return r && callObject(r);
  }

  /** A call of its own (in no conference); `sid` random unless given. */
  addCall(fields: Partial<CallFields> & { sid?: string } = {}): FakeCall {
    const { sid = randomUUID(), ...rest } = fields;
    const r = makeCallRecord(this.projectId, sid, rest, this.callSeq++);
    this.putCall(r);
    return callObject(r);
  }

  /** Forgets a call: `GET /Calls/{callSid}` answers 404 from now on (its participant stays). */
  removeCall(callSid: string): boolean {
    return this.activeCalls.delete(callSid) || this.endedCalls.delete(callSid);
  }

  private putCall(r: CallRecord): void {
    this.endedCalls.delete(r.sid);
    this.activeCalls.set(r.sid, r);
  }

  /** Ends a call in progress: completed, with end_time and duration; kept among the ended calls. */
  private endCall(callSid: string, now: string = rfc2822()): void {
    const r = this.activeCalls.get(callSid);
    if (!r) return;
    this.activeCalls.delete(callSid);
    r.status = 'completed';
    r.endTime = now;
    r.endMs = Date.parse(now);
    r.dateUpdated = now;
    this.endedCalls.set(callSid, r);
    if (this.endedCalls.size > this.maxEndedCalls) {
      const oldest = this.endedCalls.keys().next().value;
      if (oldest !== undefined) this.endedCalls.delete(oldest);
    }
  }

  private conf(sid: string): ConferenceState {
    const c = this.confs.get(sid);
    if (!c) throw new Error(`unknown conference ${sid}`);
    return c;
  }

  /** A conference someone can join: known and not ended (a caller who dials in later starts a new one). */
  private liveConf(sid: string): ConferenceState {
    const c = this.conf(sid);
    if (this.endedConferences.has(sid)) throw new Error(`conference ${sid} has ended`);
    return c;
  }

  // ---------------------------------------------------------------- HTTP

  /** Answers a request; a bad request (BadRequest, thrown before anything changed) is a 400. */
  protected serve(request: ApiRequest, res: http.ServerResponse): void {
    try {
      this.answer(request, res);
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err; // answered 500 by the server
      this.sendError(res, 400, 20001, err.message);
    }
  }

  private answer({ method, rawUrl, path: pathname, query, form, authorized }: ApiRequest, res: http.ServerResponse): void {
    // Authentication comes first, for every path, as at an API gateway.
    if (!authorized) return this.sendError(res, 401, 20003, 'Authentication failed');
    if (!this.voiceScope) return this.sendError(res, 403, 20003, 'Forbidden: the API token lacks the Voice scope');
    const recordingRoute = parseRecordingsRoute(pathname);
    if (recordingRoute) {
      if (recordingRoute.accountSid !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');
      return this.serveRecordings(method, res, rawUrl, pathname, query, form, recordingRoute.conferenceSid, recordingRoute.recordingSid);
    }
    // Writes: POST /Conferences/{Sid} (end, announce); POST and DELETE of one participant.
    const conferenceWrite = method === 'POST' ? parseConferenceRoute(pathname) : null;
    if (conferenceWrite) {
      if (conferenceWrite.accountSid !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');
      return this.writeConference(res, pathname, conferenceWrite.conferenceSid, form);
    }
    const participantWrite = method === 'POST' || method === 'DELETE' ? parseRoute(pathname) : null;
    if (participantWrite && participantWrite.callSid !== null) {
      if (participantWrite.accountSid !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');
      return this.writeParticipant(method, res, pathname, participantWrite.conferenceSid, participantWrite.callSid, form);
    }
    const callRoute = parseCallRoute(pathname);
    if (callRoute) {
      if (method !== 'GET') {
        res.setHeader('Allow', 'GET');
        return this.sendError(res, 405, 20004, `Method ${method} not allowed`);
      }
      if (callRoute.accountSid !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');
      const call = this.call(callRoute.callSid);
      if (!call) return this.notFound(res, pathname);
      return this.send(res, 200, JSON.stringify(call));
    }
    const conferencesOf = parseConferencesRoute(pathname);
    if (conferencesOf !== null && method === 'GET') {
      if (conferencesOf !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');
      const q = parseListQuery(query, false);
      const filters = ConferenceRecords.filters(query);
      if ('error' in filters) return this.sendError(res, 400, 20001, filters.error);
      // The account's conferences, with the cursor paging of the participant list (what "Test
      // connection" and list conferences ask).
      return this.send(res, 200, this.pageBody('conferences', rawUrl, pathname, q, filters.qs, (cursor) => this.conferenceRecords.page(filters.filter, 'exclusive', q.pageSize, cursor), true));
    }
    const conferenceRoute = parseConferenceRoute(pathname);
    if (conferenceRoute && method === 'GET') {
      if (conferenceRoute.accountSid !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');
      const c = this.conference(conferenceRoute.conferenceSid);
      if (!c) return this.notFound(res, pathname);
      return this.send(res, 200, JSON.stringify(c));
    }
    const route = parseRoute(pathname);
    if (!route) return this.notFound(res, pathname);
    if (method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return this.sendError(res, 405, 20004, `Method ${method} not allowed`);
    }
    // Credentials are the project's; another AccountSid is treated as failed authentication (401).
    if (route.accountSid !== this.projectId) return this.sendError(res, 401, 20003, 'Authentication failed');

    if (route.callSid !== null) {
      const p = this.confs.get(route.conferenceSid)?.get(route.callSid);
      if (!p) return this.notFound(res, pathname);
      return this.send(res, 200, JSON.stringify(p));
    }

    const q = parseListQuery(query);
    const conf = this.confs.get(route.conferenceSid);
    if (!conf) return this.notFound(res, pathname);
    this.send(res, 200, this.pageBody('participants', rawUrl, pathname, q, q.filterQs, (cursor) => conf.page(q.filter, q.pageSize, cursor), true));
  }

  /**
   * A list answer in the API's keys and no other (the official SDK fails on any other top-level
   * key): one page of `key`, read at the query's cursor by `pageAt`, with paging URIs on the
   * request's own path (so the client stays on the base form it used) and the filters. With
   * `quirky`, pagingQuirk bends next_page_uri.
   */
  private pageBody(key: string, rawUrl: string, pathname: string, q: ListQuery, filterQs: string, pageAt: (cursor: Cursor | null) => { items: unknown[]; nextSeq: number | null; prevSeq: number }, quirky: boolean): string {
    const r = pageAt(q.cursor);
    const pageUri = (page: number, token: string): string => `${pathname}?Page=${page}&PageSize=${q.pageSize}&PageToken=${token}${filterQs}`;
    let next = r.nextSeq === null ? null : pageUri(q.page + 1, `PA${r.nextSeq}`);
    const quirk = quirky ? this.pagingQuirk : null;
    if (quirk === 'repeat-next') {
      const first = q.cursor === null ? r : pageAt(null);
      next = first.nextSeq === null ? null : pageUri(1, `PA${first.nextSeq}`);
    } else if (quirk && next !== null) {
      next = quirk.nextPageUri;
    }
    return JSON.stringify({
      uri: rawUrl,
      first_page_uri: `${pathname}?PageSize=${q.pageSize}${filterQs}`,
      next_page_uri: next,
      previous_page_uri: q.page > 0 ? pageUri(q.page - 1, `PB${r.prevSeq}`) : null,
      page: q.page,
      page_size: q.pageSize,
      [key]: r.items,
    });
  }

  /** POST (update: muted, hold, coaching, announcement) or DELETE (remove) of one participant. */
  private writeParticipant(method: string, res: http.ServerResponse, pathname: string, conferenceSid: string, callSid: string, form: URLSearchParams): void {
    const p = this.confs.get(conferenceSid)?.get(callSid);
    if (!p) return this.notFound(res, pathname);
    const before = { ...p };
    if (method === 'DELETE') {
      this.removeParticipant(conferenceSid, callSid);
      res.writeHead(204);
      res.end();
      this.reportWrite({ kind: 'participant-removed', conferenceSid, participant: before });
      return;
    }
    const params = checkForm(form, PARTICIPANT_UPDATE_PARAMS);
    const coached = params.get('CallSidToCoach');
    // The coached call is a participant of the same conference, not the coach.
    if (coached !== undefined && (coached === callSid || !this.confs.get(conferenceSid)?.has(coached))) {
      throw new BadRequest(`CallSidToCoach ${coached} is not another participant of this conference`);
    }
    const patch: Partial<FakeParticipant> = {};
    if (params.has('Muted')) patch.muted = params.get('Muted') === 'true';
    if (params.has('Hold')) patch.hold = params.get('Hold') === 'true';
    if (params.has('CallSidToCoach')) patch.call_sid_to_coach = params.get('CallSidToCoach');
    if (params.has('Coaching')) {
      patch.coaching = params.get('Coaching') === 'true';
      // No longer coaching: no call is coached (unless this very update names one).
      if (!patch.coaching && !params.has('CallSidToCoach')) patch.call_sid_to_coach = null;
    }
    const url = params.get('AnnounceUrl');
    if (url !== undefined) this.announcements.push({ conferenceSid, callSid, url, method: params.get('AnnounceMethod') ?? 'POST' });
    const after = this.updateParticipant(conferenceSid, callSid, patch);
    this.send(res, 200, JSON.stringify(after));
    this.reportWrite({ kind: 'participant-updated', conferenceSid, before, after });
  }

  /** POST /Conferences/{Sid}: Status=completed ends it (again: no change), AnnounceUrl plays to everyone. */
  private writeConference(res: http.ServerResponse, pathname: string, conferenceSid: string, form: URLSearchParams): void {
    if (!this.confs.has(conferenceSid)) return this.notFound(res, pathname);
    const params = checkForm(form, CONFERENCE_UPDATE_PARAMS);
    if (params.has('AnnounceUrl') && this.endedConferences.has(conferenceSid)) throw new BadRequest('Conference is not in progress');
    const ending = params.get('Status') === 'completed' && !this.endedConferences.has(conferenceSid);
    const participants = ending ? this.participants(conferenceSid) : [];
    if (ending) this.endConference(conferenceSid);
    const url = params.get('AnnounceUrl');
    if (url !== undefined) this.announcements.push({ conferenceSid, callSid: null, url, method: params.get('AnnounceMethod') ?? 'POST' });
    this.send(res, 200, JSON.stringify(this.conferenceObject(conferenceSid, pathname)));
    if (ending) this.reportWrite({ kind: 'conference-ended', conferenceSid, participants });
  }

  /**
   * A conference's recordings: GET the list (DateCreated filters, cursor paging, key
   * `recordings`), GET one, POST one (Status, PauseBehavior; see RecordingLife.update), DELETE
   * one (204). An unknown conference or recording is 404; a conference that ended keeps its
   * recordings.
   */
  private serveRecordings(method: string, res: http.ServerResponse, rawUrl: string, pathname: string, query: URLSearchParams, form: URLSearchParams, conferenceSid: string, recordingSid: string | null): void {
    if (!this.conferenceRecords.get(conferenceSid)) return this.notFound(res, pathname);
    const list = this.recordingLists.get(conferenceSid) ?? new ConferenceRecords<FakeRecording>();
    const allowed = recordingSid === null ? ['GET'] : ['GET', 'POST', 'DELETE'];
    if (!allowed.includes(method)) {
      res.setHeader('Allow', allowed.join(', '));
      return this.sendError(res, 405, 20004, `Method ${method} not allowed`);
    }
    if (recordingSid === null) {
      const q = parseListQuery(query, false);
      const filters = ConferenceRecords.filters(query, RECORDING_FILTER_NAMES);
      if ('error' in filters) return this.sendError(res, 400, 20001, filters.error);
      return this.send(res, 200, this.pageBody('recordings', rawUrl, pathname, q, filters.qs, (cursor) => list.page(filters.filter, 'exclusive', q.pageSize, cursor), false));
    }
    const r = list.get(recordingSid);
    const life = this.recordingLives.get(recordingSid);
    if (!r || !life) return this.notFound(res, pathname);
    if (method === 'GET') return this.send(res, 200, JSON.stringify(r));
    if (method === 'DELETE') {
      list.delete(recordingSid);
      this.recordingLives.delete(recordingSid);
      res.writeHead(204);
      res.end();
      return;
    }
    try {
      this.changeRecording(r, life, (now) => life.update(form, true, now));
    } catch (err) {
      if (!(err instanceof RecordingUpdateError)) throw err;
      // A 422 of the spec is an `errors` array (CompatibilityErrorStringArrayResponse).
      if (err.status === 422) return this.send(res, 422, JSON.stringify({ errors: [err.message] }));
      return this.sendError(res, 400, 20001, err.message);
    }
    this.send(res, 200, JSON.stringify(r));
  }

  private notFound(res: http.ServerResponse, pathname: string): void {
    this.sendError(res, 404, 20404, `The requested resource ${pathname} was not found`);
  }

  private sendError(res: http.ServerResponse, status: number, code: number, message: string): void {
    if (status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="SignalWire API"');
    this.send(res, status, JSON.stringify(apiError(status, code, message)));
  }

  protected sendStatusError(res: http.ServerResponse, status: number): void {
    this.send(res, status, JSON.stringify(apiError(status)));
  }

  private send(res: http.ServerResponse, status: number, body: string): void {
    sendBody(res, status, body, JSON_TYPE);
  }
}
